package dev.restorecdc.cdc;

import dev.restorecdc.cdc.SessionLedger.CaptureTally;
import org.jboss.logging.Logger;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Stream batch in, FIFO messages out: drops what lies before the capture floor, queues the rest in
 * per-item order, and names the earliest record that could not be queued.
 */
public final class CaptureService {

    private static final Logger LOG = Logger.getLogger(CaptureService.class);
    /** One JSON object per invocation, on its own log category so it is printed as a bare JSON line. */
    private static final Logger SUMMARY = Logger.getLogger(InvocationSummary.CATEGORY);

    private final ChangeCodec codec;
    private final ChangeQueue queue;
    private final SessionLedger ledger;
    private final Optional<Instant> staticWindowStart;
    private final Clock clock;

    /**
     * @param staticWindowStart {@code CDC_REPLAY_FROM}: when set, the window start instead of the session's capture floor
     */
    public CaptureService(ChangeCodec codec, ChangeQueue queue, SessionLedger ledger,
                          Optional<Instant> staticWindowStart, Clock clock) {
        this.codec = codec;
        this.queue = queue;
        this.ledger = ledger;
        this.staticWindowStart = staticWindowStart;
        this.clock = clock;
    }

    /**
     * @return the SequenceNumber of the earliest record that was not queued, if any: the event source
     * mapping retries from it
     */
    public Optional<String> capture(List<StreamChange> records) {
        Instant ranAt = clock.instant();
        Optional<ActiveSession> session = ledger.active();
        ReplayWindow window = ReplayWindow.from(staticWindowStart
                .or(() -> session.flatMap(ActiveSession::captureFloor)).orElse(null));

        List<QueuedChange> toQueue = new ArrayList<>(records.size());
        String firstUnreadable = null;
        int firstUnreadablePosition = Integer.MAX_VALUE;
        int skipped = 0;
        Instant newest = null;
        for (int position = 0; position < records.size(); position++) {
            StreamChange record = records.get(position);
            ChangeEvent change = record.change();
            if (change == null) {
                LOG.errorf("capture: stream record %s cannot be read, the mapping will retry it: %s",
                        record.sequenceNumber(), record.problem());
                if (position < firstUnreadablePosition) {
                    firstUnreadablePosition = position;
                    firstUnreadable = record.sequenceNumber();
                }
                continue;
            }
            newest = newest == null || change.createdAt().isAfter(newest) ? change.createdAt() : newest;
            if (!window.admits(change.createdAt())) {
                skipped++;
                continue;
            }
            ItemKey key = change.key();
            toQueue.add(new QueuedChange(position, change.sequenceNumber(), key.groupId(), change.eventId(),
                    codec.encode(change), key));
        }

        SendScheduler scheduler = new SendScheduler(toQueue, ChangeQueue.MAX_ENTRIES, ChangeQueue.MAX_BATCH_BYTES);
        for (List<QueuedChange> batch = scheduler.nextBatch(); !batch.isEmpty(); batch = scheduler.nextBatch()) {
            Map<QueuedChange, String> refused = queue.send(batch);
            for (QueuedChange change : batch) {
                String reason = refused.get(change);
                if (reason == null) {
                    scheduler.accepted(change);
                } else {
                    LOG.warnf("capture: change %s of key %s (sequence %s) not queued, retried from here: %s",
                            change.deduplicationId(), change.key(), change.sequenceNumber(), reason);
                    scheduler.refused(change);
                }
            }
        }

        List<QueuedChange> notQueued = scheduler.notQueued();
        Optional<String> retryFrom = Optional.empty();
        if (!notQueued.isEmpty() && notQueued.get(0).position() < firstUnreadablePosition) {
            retryFrom = Optional.of(notQueued.get(0).sequenceNumber());
        } else if (firstUnreadable != null) {
            retryFrom = Optional.of(firstUnreadable);
        }
        int failed = notQueued.size() + (firstUnreadable == null ? 0 : 1);
        SUMMARY.infof("{\"function\":\"capture\",\"received\":%d,\"queued\":%d,\"skipped_window\":%d,\"failed\":%d,"
                        + "\"window\":\"%s\",\"session\":\"%s\",\"retry_from\":\"%s\"}",
                records.size(), scheduler.queuedCount(), skipped, failed, window,
                session.map(ActiveSession::sessionId).orElse(""), retryFrom.orElse(""));
        if (session.isPresent()) {
            CaptureTally tally = new CaptureTally(scheduler.queuedCount(), skipped, failed,
                    newest == null ? ranAt : newest, ranAt);
            try {
                ledger.recordCapture(session.get(), tally);
            } catch (RuntimeException e) {
                // The changes are queued; failing now would only queue them again. A missed stamp
                // makes the session look further behind, never ahead.
                LOG.warnf(e, "capture: could not record counters in session %s: %s", session.get().sessionId(), tally);
            }
        }
        return retryFrom;
    }
}
