package dev.restorecdc.cdc;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** The change path's view of the control table: the active session and its counters. */
public interface SessionLedger {

    /** The session holding the source table's lock, if any. */
    Optional<ActiveSession> active();

    /** Adds one capture invocation's counters and stamps; once per invocation. */
    void recordCapture(ActiveSession session, CaptureTally tally);

    /**
     * Writes the key log of the keys one replay invocation wrote or deleted. Throws when it could not:
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

    /** Adds one replay invocation's counters (telemetry: a lost update is logged, not retried). */
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
