package dev.restorecdc.cdc;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Plans the SendMessageBatch calls of one stream batch so that per-item order survives partial
 * failures:
 * <ul>
 *   <li>a call holds at most {@code maxEntries} entries and {@code maxBytes} bytes;</li>
 *   <li>entries of one item never share a call, and an item's next entry is sent only after its
 *       previous one was accepted;</li>
 *   <li>once an entry of an item fails, nothing later of that item is sent in this invocation.</li>
 * </ul>
 * The earliest entry that was not queued is what the handler reports, so the event source mapping
 * retries from there; the entries after it that did get queued come again and are dropped by the
 * queue's deduplication (same eventID within five minutes) or, later, replayed harmlessly in order.
 */
public final class SendScheduler {

    private final List<QueuedChange> pending;
    private final int maxEntries;
    private final int maxBytes;
    private final List<QueuedChange> notQueued = new ArrayList<>();
    /** Entries handed out by {@link #nextBatch} whose outcome is not known yet. */
    private final Set<QueuedChange> inFlight = new HashSet<>();
    private int queued;
    private int deadLettered;

    public SendScheduler(List<QueuedChange> inStreamOrder, int maxEntries, int maxBytes) {
        this.pending = new ArrayList<>(inStreamOrder);
        this.maxEntries = maxEntries;
        this.maxBytes = maxBytes;
    }

    /**
     * The next call's entries; empty when nothing more can be sent now. Calls before the previous
     * batches' outcomes are reported hold other items only (an item with an entry in flight waits),
     * so they may be sent at once.
     */
    public List<QueuedChange> nextBatch() {
        List<QueuedChange> batch = new ArrayList<>(maxEntries);
        Set<String> groupsSeen = new HashSet<>();
        int bytes = 0;
        for (QueuedChange change : pending) {
            if (batch.size() == maxEntries) {
                break;
            }
            // Only the oldest unsent entry of an item may go; later ones wait for it.
            if (!groupsSeen.add(change.groupId()) || inFlight.contains(change)) {
                continue;
            }
            if (!batch.isEmpty() && bytes + change.sizeBytes() > maxBytes) {
                continue;
            }
            batch.add(change);
            bytes += change.sizeBytes();
        }
        inFlight.addAll(batch);
        return batch;
    }

    /** The queue took this entry. */
    public void accepted(QueuedChange change) {
        inFlight.remove(change);
        pending.remove(change);
        queued++;
    }

    /**
     * The queue refused this entry for now (throttling, a server fault): it stays the oldest unsent
     * entry of its item, so the next call that carries its item carries it first.
     */
    public void retryLater(QueuedChange change) {
        if (!pending.contains(change)) {
            throw new IllegalStateException("not pending: " + change.deduplicationId());
        }
        inFlight.remove(change);
    }

    /** The queue refused this entry for good and it went to the dead-letter queue: its item goes on. */
    public void deadLettered(QueuedChange change) {
        inFlight.remove(change);
        pending.remove(change);
        deadLettered++;
    }

    public int deadLetteredCount() {
        return deadLettered;
    }

    /** The queue refused this entry: it and every later entry of its item stay unsent. */
    public void refused(QueuedChange change) {
        inFlight.remove(change);
        pending.removeIf(other -> {
            if (other.groupId().equals(change.groupId())) {
                notQueued.add(other);
                return true;
            }
            return false;
        });
    }

    public int queuedCount() {
        return queued;
    }

    /** The entries that did not reach the queue, each item's from its first failure on. */
    public List<QueuedChange> notQueued() {
        List<QueuedChange> all = new ArrayList<>(notQueued);
        all.addAll(pending);
        all.sort((a, b) -> Integer.compare(a.position(), b.position()));
        return all;
    }
}
