package dev.restorecdc.session;

import dev.restorecdc.cdc.ShardProgress;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Port: the source table's stream and capture's per-shard progress in a session (aws/DynamoShardView). */
public interface ShardView {

    /** The source table's current stream. */
    StreamShards stream(String sourceTable);

    /** Capture's progress per shard in the session, by shard id. */
    Map<String, ShardProgress> progress(String controlTable, String sessionId);

    /** No stream and no progress: per-shard checks find nothing (for steps wired without a stream). */
    ShardView NONE = new ShardView() {
        @Override
        public StreamShards stream(String sourceTable) {
            return new StreamShards() {
                @Override
                public List<Shard> shards() {
                    return List.of();
                }

                @Override
                public Read read(String shardId, Position from, int limit) {
                    return new Read(List.of(), Optional.empty());
                }
            };
        }

        @Override
        public Map<String, ShardProgress> progress(String controlTable, String sessionId) {
            return Map.of();
        }
    };
}
