package dev.restorecdc.session;

import dev.restorecdc.cdc.ShardProgress;

import java.time.Instant;
import java.util.Optional;

/**
 * Reads one shard from capture's position: a change capture has not processed is pending when its
 * stream time is at or after the capture floor (older ones capture only drops). A shard without
 * progress in this session is read from its start, since processing any change at or after the
 * floor would have recorded progress.
 */
public final class ShardScan {

    /**
     * @param oldestPending stream time of the oldest pending change seen, if any
     * @param newestSeen    stream time of the newest change seen (pending or not)
     * @param ended         the shard is closed and read to its end
     * @param next          where a following read continues
     */
    public record Outcome(Optional<Instant> oldestPending, Optional<Instant> newestSeen, boolean ended, Optional<String> next) {
        public boolean quiet() {
            return oldestPending.isEmpty();
        }
    }

    private ShardScan() {
    }

    /** True when capture has processed a closed shard's last record. */
    public static boolean processedToEnd(StreamShards.Shard shard, Optional<ShardProgress> progress) {
        return shard.endingSequenceNumber().isPresent() && progress.isPresent()
                && ShardProgress.atOrAfter(progress.get().sequenceNumber(), shard.endingSequenceNumber().get());
    }

    /** One read, from {@code from}. */
    public static Outcome read(StreamShards reader, StreamShards.Shard shard, StreamShards.Position from, Instant captureFloor, int limit) {
        StreamShards.Read read = reader.read(shard.shardId(), from, limit);
        Instant oldestPending = null;
        Instant newest = null;
        for (StreamShards.Seen seen : read.records()) {
            newest = newest == null || seen.createdAt().isAfter(newest) ? seen.createdAt() : newest;
            if (!seen.createdAt().isBefore(captureFloor) && (oldestPending == null || seen.createdAt().isBefore(oldestPending))) {
                oldestPending = seen.createdAt();
            }
        }
        return new Outcome(Optional.ofNullable(oldestPending), Optional.ofNullable(newest), read.next().isEmpty(), read.next());
    }

    /** Where capture stands in a shard: after its newest processed record, or the shard's start. */
    public static StreamShards.Position capturePosition(Optional<ShardProgress> progress) {
        return StreamShards.Position.after(progress.map(ShardProgress::sequenceNumber));
    }
}
