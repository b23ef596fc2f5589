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

    /** One key the replay wrote (PUT) or deleted (DELETE), for {@code verify}. */
    record KeyLogEntry(ItemKey key, String lastOp, Instant lastAt) {
    }
}
