package dev.restorecdc.local;

/**
 * Where a mapping stands in one shard: the position to read from next, as Lambda checkpoints it,
 * kept across disable/enable so a re-enabled mapping resumes where it stopped.
 */
final class ShardCursor {

    enum From { START, AT, AFTER }

    final String shardId;
    From from = From.START;
    String sequenceNumber;
    /** The iterator from the last read, valid while the batch before it succeeded. */
    String iterator;
    boolean finished;
    int failedAttempts;
    /** Lowered by bisect-on-error after a failed invocation; the mapping's batch size otherwise. */
    int limit;
    long retryAtMs;
    /** The tumbling window this shard is in (null before the first batch) and the state the function returned in it. */
    java.time.Instant windowStart;
    java.time.Instant windowEnd;
    com.fasterxml.jackson.databind.JsonNode windowState;

    ShardCursor(String shardId) {
        this.shardId = shardId;
    }

    void moveAfter(String sequence) {
        from = From.AFTER;
        sequenceNumber = sequence;
    }

    void moveAt(String sequence) {
        from = From.AT;
        sequenceNumber = sequence;
    }

    @Override
    public String toString() {
        return shardId + (from == From.START ? " from the start position" : " " + from + " " + sequenceNumber);
    }
}
