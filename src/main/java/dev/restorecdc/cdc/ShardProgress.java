package dev.restorecdc.cdc;

import java.math.BigInteger;
import java.time.Instant;
import java.util.Optional;

/**
 * How far capture got in one stream shard: the newest record it processed (queued, dropped before
 * the capture floor, dead-lettered or recorded as a late write) and that record's stream time.
 * Kept per shard because a stream has several shards read concurrently; one stamp for all of them
 * lets a fresh batch of one shard hide another shard that lags.
 *
 * @param shardId        the shard (the tumbling-window event's {@code shardId})
 * @param sequenceNumber the newest processed record's SequenceNumber
 * @param newestAt       its stream time (ApproximateCreationDateTime)
 * @param ranAt          when the invocation that processed it ran
 * @param queuedAt       when that invocation last sent a change to the queue, if it sent any
 */
public record ShardProgress(String shardId, String sequenceNumber, Instant newestAt, Instant ranAt, Optional<Instant> queuedAt) {

    /** Sequence numbers are decimal strings of up to 40 digits; padded, they sort as numbers do. */
    public static String sortable(String sequenceNumber) {
        return String.format("%40s", new BigInteger(sequenceNumber).toString()).replace(' ', '0');
    }

    /** True when {@code a} comes at or after {@code b} in the shard. */
    public static boolean atOrAfter(String a, String b) {
        return new BigInteger(a).compareTo(new BigInteger(b)) >= 0;
    }

    /** How far behind the stream this shard's last batch was: {@code ranAt − newestAt}, never negative. */
    public java.time.Duration lag() {
        java.time.Duration lag = java.time.Duration.between(newestAt, ranAt);
        return lag.isNegative() ? java.time.Duration.ZERO : lag;
    }
}
