package dev.restorecdc.testing;

import dev.restorecdc.cdc.Timestamps;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

/** Writes and reads restore sessions in the control table the way the workflow lays them out. */
public final class Sessions {

    private Sessions() {
    }

    /** Takes the lock for {@code sessionId} and writes a REPLAYING session with the given window. */
    public static void activate(DynamoDbClient dynamo, String controlTable, String sourceTable, String sessionId,
                                String targetTable, Instant replayFrom, Instant captureFloor) {
        dynamo.putItem(b -> b.tableName(controlTable).item(Map.of(
                "pk", s("TABLE#" + sourceTable), "sk", s("ACTIVE"), "session_id", s(sessionId))));
        Map<String, AttributeValue> session = new HashMap<>();
        session.put("pk", s("TABLE#" + sourceTable));
        session.put("sk", s("SESSION#" + sessionId));
        session.put("status", s("REPLAYING"));
        if (targetTable != null) {
            session.put("target_table", s(targetTable));
        }
        if (replayFrom != null) {
            session.put("replay_from", s(Timestamps.format(replayFrom)));
        }
        if (captureFloor != null) {
            session.put("capture_floor", s(Timestamps.format(captureFloor)));
        }
        dynamo.putItem(b -> b.tableName(controlTable).item(session));
    }

    public static Map<String, AttributeValue> read(DynamoDbClient dynamo, String controlTable, String sourceTable, String sessionId) {
        return dynamo.getItem(b -> b.tableName(controlTable).consistentRead(true).key(Map.of(
                "pk", s("TABLE#" + sourceTable), "sk", s("SESSION#" + sessionId)))).item();
    }

    public static long counter(Map<String, AttributeValue> session, String name) {
        AttributeValue value = session.get(name);
        return value == null ? 0 : Long.parseLong(value.n());
    }

    private static AttributeValue s(String value) {
        return AttributeValue.fromS(value);
    }
}
