package dev.restorecdc.aws;

import dev.restorecdc.cdc.ShardProgress;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import static dev.restorecdc.session.ControlTableKeys.shardProgressPk;

/** Reads a session's per-shard capture progress ({@code SESSION#<id>#SHARDS}), strongly consistent. */
public final class ShardProgressTable {

    private ShardProgressTable() {
    }

    public static Map<String, ShardProgress> read(DynamoDbClient dynamo, String controlTable, String sessionId) {
        Map<String, ShardProgress> progress = new LinkedHashMap<>();
        Map<String, AttributeValue> start = null;
        do {
            Map<String, AttributeValue> from = start;
            QueryResponse page = dynamo.query(q -> q.tableName(controlTable).consistentRead(true)
                    .keyConditionExpression("pk = :pk")
                    .expressionAttributeValues(Map.of(":pk", AttributeValue.fromS(shardProgressPk(sessionId))))
                    .exclusiveStartKey(from));
            for (Map<String, AttributeValue> item : page.items()) {
                String shard = item.get("shard_id").s();
                progress.put(shard, new ShardProgress(shard, item.get("sequence_number").s(), instant(item, "newest_at").orElse(Instant.EPOCH),
                        instant(item, "ran_at").orElse(Instant.EPOCH), instant(item, "queued_at")));
            }
            start = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
        } while (start != null);
        return progress;
    }

    private static Optional<Instant> instant(Map<String, AttributeValue> item, String name) {
        AttributeValue value = item.get(name);
        return value == null || value.s() == null ? Optional.empty() : Optional.of(Instant.parse(value.s()));
    }
}
