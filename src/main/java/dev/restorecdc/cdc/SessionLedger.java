package dev.restorecdc.cdc;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** The change path's view of the control table: the active session and its counters. */
public interface SessionLedger {

    /**
     * The session holding the source table's lock, if any, as capture needs it: a change of status
     * that changes what capture does (CAUGHT_UP, CUT_OVER) is seen at the next invocation.
     */
    Optional<ActiveSession> active();

    /**
     * The session as replay needs it: its target, window and semantics, which do not change once
     * settled, so an implementation may reuse a settled session for a few seconds whatever its status.
     */
    default Optional<ActiveSession> activeForReplay() {
        return active();
    }

    /**
     * Adds capture's counters and sets its stamps (capture_newest_at, capture_ran_at): the sum of one
     * environment's invocations since its last call, at most once per second ({@link CounterBuffer}).
     */
    void recordCapture(ActiveSession session, CaptureTally tally);

    /**
     * Writes the key log of the keys one replay invocation wrote or deleted, where the target's write
     * did not carry it ({@link TargetWriter#write(String, List, KeyLog, Deadline)}). Throws when it could not:
     * the caller then reports those messages failed, so they come back and the log is never partial.
     */
    void recordKeyLog(ActiveSession session, List<KeyLogEntry> keys);

    /**
     * Records conflicts of change replay, once per key (a key already recorded keeps its first
     * record), and adds the newly recorded ones to the session's {@code conflicts} count. Throws
     * when it could not: the batch then comes back, so no conflict is lost.
     */
    void recordConflicts(ActiveSession session, List<Conflict> conflicts);

    /**
     * Records how far capture got in one shard; never moves a shard's position back (a retried or
     * reprocessed batch may come after a newer one).
     */
    default void recordShardProgress(ActiveSession session, ShardProgress progress) {
    }

    /**
     * Records changes that reached the source after the cutover, instead of queueing them. Throws
     * when it could not: the records are then reported failed and come back.
     */
    default void recordLateWrites(ActiveSession session, List<LateWrite> writes) {
        throw new UnsupportedOperationException("this ledger cannot record late writes");
    }

    /**
     * Adds replay's counters and advances replay_newest_at: the sum of one environment's invocations
     * since its last call, at most once per second ({@link CounterBuffer}); telemetry: a lost update
     * is logged, not retried.
     */
    void recordReplay(ActiveSession session, ReplayTally tally);

    /**
     * Tells the session that replay cannot write its target at all (deleted table, access denied,
     * its KMS key): {@code status} shows it. Nothing goes to the dead-letter queue because of it.
     */
    void recordReplayProblem(ActiveSession session, String problem);

    /**
     * @param captured      changes queued
     * @param skippedWindow changes older than the capture floor, dropped
     * @param failed        changes not queued (the mapping retries them)
     * @param newestAt      stream time of the newest record of the batch, dropped or not
     * @param ranAt         when the invocation ran
     */
    record CaptureTally(int captured, int skippedWindow, int failed, Instant newestAt, Instant ranAt) {

        /**
         * This tally and a later invocation's: counts added; the later invocation's run, and the newer
         * of the two newest records (a retried older batch never moves the stamp back).
         */
        public CaptureTally plus(CaptureTally later) {
            return new CaptureTally(captured + later.captured, skippedWindow + later.skippedWindow, failed + later.failed,
                    later.newestAt.isAfter(newestAt) ? later.newestAt : newestAt,
                    later.ranAt.isAfter(ranAt) ? later.ranAt : ranAt);
        }
    }

    /**
     * @param replayedPuts    items written
     * @param replayedDeletes items deleted
     * @param skippedWindow   changes older than replay_from, skipped
     * @param retries         write retries (throttling, unprocessed items)
     * @param failed          messages reported failed (they come back)
     * @param deadLettered    messages replay can never apply, sent to the DLQ and acknowledged
     * @param newestAt        stream time of the newest change written, if any
     */
    record ReplayTally(int replayedPuts, int replayedDeletes, int skippedWindow, int retries, int failed,
                       int deadLettered, Instant newestAt) {

        /** Both tallies' counts added; the newer of the two newest changes. */
        public ReplayTally plus(ReplayTally other) {
            Instant newest = newestAt == null ? other.newestAt
                    : other.newestAt == null || newestAt.isAfter(other.newestAt) ? newestAt : other.newestAt;
            return new ReplayTally(replayedPuts + other.replayedPuts, replayedDeletes + other.replayedDeletes,
                    skippedWindow + other.skippedWindow, retries + other.retries, failed + other.failed,
                    deadLettered + other.deadLettered, newest);
        }
    }

    /**
     * One key the replay wrote (PUT), deleted (DELETE) or updated (UPDATE, change replay), for
     * {@code verify}.
     *
     * @param touched for change replay: the attributes an update set or removed (verify of an undo
     *                compares those; the log keeps their union); null for a whole-item write, after
     *                which the whole item is compared
     */
    record KeyLogEntry(ItemKey key, String lastOp, Instant lastAt, List<String> touched) {

        /** A whole-item write (image replay, or a put or delete of change replay). */
        public KeyLogEntry(ItemKey key, String lastOp, Instant lastAt) {
            this(key, lastOp, lastAt, null);
        }
    }
}
