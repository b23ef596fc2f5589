package dev.restorecdc.cdc;

import dev.restorecdc.cdc.ChangeQueue.Refusal;
import dev.restorecdc.cdc.SessionLedger.CaptureTally;
import org.jboss.logging.Logger;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
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

    /** Transient SendMessageBatch entry failures: first retry within 25 ms, none waits over 1 s. */
    static final Backoff RETRY = new Backoff(Duration.ofMillis(25), Duration.ofSeconds(1));
    /** SendMessageBatch calls handed to the queue at once: a stream batch of 100 records is 10 calls. */
    static final int CONCURRENT_CALLS = 10;

    private final ChangeCodec codec;
    private final ChangeQueue queue;
    private final Optional<DeadLetterQueue> deadLetters;
    private final SessionLedger ledger;
    private final Optional<Instant> staticWindowStart;
    private final Clock clock;
    private final CounterBuffer<CaptureTally> counters;

    /**
     * @param deadLetters       {@code CDC_DLQ_URL}: where a record SQS refuses for good goes, so its shard goes on;
     *                          without it such a record is reported failed and the mapping retries it
     * @param staticWindowStart {@code CDC_REPLAY_FROM}: when set, the window start instead of the session's capture floor
     */
    public CaptureService(ChangeCodec codec, ChangeQueue queue, Optional<DeadLetterQueue> deadLetters, SessionLedger ledger,
                          Optional<Instant> staticWindowStart, Clock clock) {
        this(codec, queue, deadLetters, ledger, staticWindowStart, clock, new CounterBuffer<>(Duration.ZERO, CaptureTally::plus, clock));
    }

    /**
     * @param counters how often this environment writes its session counters and stamps (production:
     *                 at most once per second, {@code CDC_COUNTERS_INTERVAL}; the other
     *                 constructor writes them every invocation). Shard progress, which the cutover's
     *                 proof reads, is written every invocation.
     */
    public CaptureService(ChangeCodec codec, ChangeQueue queue, Optional<DeadLetterQueue> deadLetters, SessionLedger ledger,
                          Optional<Instant> staticWindowStart, Clock clock, CounterBuffer<CaptureTally> counters) {
        this.counters = counters;
        this.codec = codec;
        this.queue = queue;
        this.deadLetters = deadLetters;
        this.ledger = ledger;
        this.staticWindowStart = staticWindowStart;
        this.clock = clock;
    }

    /**
     * @param deadline when to stop retrying entries SQS refused for now, so the invocation still answers in time
     * @return the SequenceNumber of the earliest record that was not queued, if any: the event source
     * mapping retries from it
     */
    public Optional<String> capture(List<StreamChange> records, Deadline deadline) {
        return capture(records, deadline, Optional.empty());
    }

    /**
     * @param shardId the shard the batch came from (tumbling-window events name it): capture then
     *                records that shard's progress, which the cutover's proof reads
     */
    public Optional<String> capture(List<StreamChange> records, Deadline deadline, Optional<String> shardId) {
        Instant ranAt = clock.instant();
        Optional<ActiveSession> session = ledger.active();
        if (session.isPresent() && LateWriteCapture.applies(session.get())) {
            Optional<String> retryFrom = LateWriteCapture.record(records, session.get(), shardId, ledger);
            recordProgress(session, shardId, records, retryFrom, ranAt, false);
            return retryFrom;
        }
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
                    codec.encode(change), key, change.createdAt()));
        }

        SendScheduler scheduler = new SendScheduler(toQueue, ChangeQueue.MAX_ENTRIES, ChangeQueue.MAX_BATCH_BYTES);
        Map<QueuedChange, Integer> attempts = new HashMap<>();
        int resent = 0;
        // Rounds of calls over disjoint items, sent at once; an item's next entry waits for the round
        // that carries its previous one, and a refused entry holds its item back (SendScheduler).
        rounds:
        for (List<List<QueuedChange>> round = nextRound(scheduler); !round.isEmpty(); round = nextRound(scheduler)) {
            int retry = round.stream().flatMap(List::stream).mapToInt(change -> attempts.getOrDefault(change, 0)).max().orElse(0);
            if (retry > 0) {
                if (!RETRY.awaitRetry(retry, deadline)) {
                    LOG.warnf("capture: deadline near, %d changes still refused for now are left to the mapping's retry",
                            (int) round.stream().flatMap(List::stream).filter(attempts::containsKey).count());
                    break rounds;
                }
                resent += (int) round.stream().flatMap(List::stream).filter(attempts::containsKey).count();
            }
            List<Map<QueuedChange, Refusal>> outcomes = queue.sendAll(round);
            for (int call = 0; call < round.size(); call++) {
                Map<QueuedChange, Refusal> refused = outcomes.get(call);
                for (QueuedChange change : round.get(call)) {
                    Refusal refusal = refused.get(change);
                    if (refusal == null) {
                        scheduler.accepted(change);
                    } else if (refusal.kind() == Refusal.Kind.TRANSIENT) {
                        attempts.merge(change, 1, Integer::sum);
                        scheduler.retryLater(change);
                    } else if (refusal.kind() == Refusal.Kind.RECORD && deadLetter(change, refusal.reason())) {
                        scheduler.deadLettered(change);
                    } else {
                        LOG.warnf("capture: change %s of key %s (sequence %s) not queued, retried from here: %s",
                                change.deduplicationId(), change.key(), change.sequenceNumber(), refusal);
                        scheduler.refused(change);
                    }
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
                        + "\"resent\":%d,\"dead_lettered\":%d,\"window\":\"%s\",\"session\":\"%s\",\"retry_from\":\"%s\"}",
                records.size(), scheduler.queuedCount(), skipped, failed, resent, scheduler.deadLetteredCount(), window,
                session.map(ActiveSession::sessionId).orElse(""), retryFrom.orElse(""));
        if (session.isPresent()) {
            CaptureTally tally = new CaptureTally(scheduler.queuedCount(), skipped, failed,
                    newest == null ? ranAt : newest, ranAt);
            // Telemetry and the session-wide stamps: this environment's sums, at most once per interval.
            for (CounterBuffer.Due<CaptureTally> due : counters.add(session.get(), tally)) {
                try {
                    ledger.recordCapture(due.session(), due.tally());
                } catch (RuntimeException e) {
                    // The changes are queued; failing now would only queue them again. A missed stamp
                    // makes the session look further behind, never ahead.
                    LOG.warnf(e, "capture: could not record counters in session %s: %s", due.session().sessionId(), due.tally());
                }
            }
        }
        recordProgress(session, shardId, records, retryFrom, ranAt, scheduler.queuedCount() > 0);
        return retryFrom;
    }

    /** Up to {@link #CONCURRENT_CALLS} calls over disjoint items. */
    private static List<List<QueuedChange>> nextRound(SendScheduler scheduler) {
        List<List<QueuedChange>> round = new ArrayList<>(CONCURRENT_CALLS);
        for (List<QueuedChange> batch = scheduler.nextBatch(); !batch.isEmpty(); batch = scheduler.nextBatch()) {
            round.add(batch);
            if (round.size() == CONCURRENT_CALLS) {
                break;
            }
        }
        return round;
    }

    private void recordProgress(Optional<ActiveSession> session, Optional<String> shardId, List<StreamChange> records,
            Optional<String> retryFrom, Instant ranAt, boolean queued) {
        if (session.isEmpty() || shardId.isEmpty()) {
            return;
        }
        CaptureProgress.of(shardId.get(), records, retryFrom, ranAt, queued).ifPresent(progress -> {
            try {
                ledger.recordShardProgress(session.get(), progress);
            } catch (RuntimeException e) {
                // A missed stamp makes the shard look behind, so the cutover waits longer; never ahead.
                LOG.warnf(e, "capture: could not record progress of shard %s in session %s", progress.shardId(),
                        session.get().sessionId());
            }
        });
    }

    /**
     * Sends a record naming a change SQS refused for good to the dead-letter queue, so the shard is
     * not blocked by it until it leaves the stream (24 h) and is lost. False when there is no DLQ or
     * it did not take the record: then the change is reported failed as before.
     */
    private boolean deadLetter(QueuedChange change, String reason) {
        if (deadLetters.isEmpty()) {
            LOG.errorf("capture: SQS refuses change %s of key %s (sequence %s) for good and no dead-letter queue is "
                    + "configured (CDC_DLQ_URL): the shard waits on it: %s", change.deduplicationId(), change.key(),
                    change.sequenceNumber(), reason);
            return false;
        }
        Optional<String> problem = deadLetters.get().send(new DeadLetterQueue.Letter(change.groupId(), change.deduplicationId(),
                codec.refusedRecord(change, reason), Map.of("reason", reason, "source", "capture",
                        "sequence_number", change.sequenceNumber())));
        if (problem.isPresent()) {
            LOG.errorf("capture: change %s of key %s (sequence %s) refused for good (%s) and the dead-letter queue did not "
                    + "take its record either: %s", change.deduplicationId(), change.key(), change.sequenceNumber(), reason, problem.get());
            return false;
        }
        LOG.errorf("capture: change %s of key %s (sequence %s, stream time %s) refused for good by SQS, recorded in the "
                + "dead-letter queue (restore-cdc repair rewrites the key from the source): %s", change.deduplicationId(),
                change.key(), change.sequenceNumber(), change.createdAt(), reason);
        return true;
    }
}
