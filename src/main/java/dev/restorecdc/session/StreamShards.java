package dev.restorecdc.session;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The source table's stream as the session's checks read it (a second reader next to the capture
 * mapping: a stream allows two per shard, so the checks read at most once per second per shard).
 */
public interface StreamShards {

    /** Every shard DescribeStream lists (open and closed, within the 24 h retention). */
    List<Shard> shards();

    /**
     * One GetRecords call.
     *
     * @param from where to read: an iterator from the previous read, else a position
     */
    Read read(String shardId, Position from, int limit);

    /**
     * @param endingSequenceNumber present once the shard is closed (DescribeStream's EndingSequenceNumber)
     */
    record Shard(String shardId, Optional<String> parentShardId, Optional<String> endingSequenceNumber) {
        public boolean closed() {
            return endingSequenceNumber.isPresent();
        }
    }

    /** After a sequence number (capture's position), from the shard's start, or an iterator to continue. */
    record Position(Optional<String> afterSequence, Optional<String> iterator) {
        public static Position after(Optional<String> sequence) {
            return new Position(sequence, Optional.empty());
        }

        public static Position continuing(String iterator) {
            return new Position(Optional.empty(), Optional.of(iterator));
        }
    }

    /** @param next empty at the end of a closed shard (GetRecords gives no NextShardIterator) */
    record Read(List<Seen> records, Optional<String> next) {
    }

    record Seen(String sequenceNumber, Instant createdAt) {
    }
}
