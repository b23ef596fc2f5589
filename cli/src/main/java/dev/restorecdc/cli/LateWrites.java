package dev.restorecdc.cli;

import dev.restorecdc.session.ControlTableKeys;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** A session's late writes (changes that reached the source after the cutover), in stream order per key. */
final class LateWrites {

    /** One recorded late write; {@code outcome} is what repair --late did with it, if anything. */
    record Late(Map<String, AttributeValue> item) {
        String key() {
            return text("key").orElse("?");
        }

        String eventName() {
            return text("event_name").orElse("?");
        }

        String streamTime() {
            return text("stream_time").orElse("?");
        }

        String sequenceNumber() {
            return text("sequence_number").orElse("?");
        }

        Optional<String> outcome() {
            return text("outcome");
        }

        Optional<String> text(String name) {
            AttributeValue value = item.get(name);
            return value == null || value.s() == null ? Optional.empty() : Optional.of(value.s());
        }
    }

    private LateWrites() {
    }

    static List<Late> read(DynamoDbClient dynamo, String controlTable, String sessionId) {
        List<Late> late = new ArrayList<>();
        Map<String, AttributeValue> start = null;
        do {
            Map<String, AttributeValue> from = start;
            QueryResponse page = dynamo.query(q -> q.tableName(controlTable).consistentRead(true)
                    .keyConditionExpression("pk = :pk")
                    .expressionAttributeValues(Map.of(":pk", AttributeValue.fromS(ControlTableKeys.lateWritePk(sessionId))))
                    .exclusiveStartKey(from));
            page.items().forEach(item -> late.add(new Late(item)));
            start = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
        } while (start != null);
        return late;
    }

    /** Prints the list (or that there is none) under a heading. */
    static void print(PrintStream out, String sessionId, List<Late> late) {
        if (late.isEmpty()) {
            out.println("late writes of session " + sessionId + ": none");
            return;
        }
        out.println("late writes of session " + sessionId + ": " + late.size()
                + " (changes to the source after the cutover; not replayed; restore-cdc repair --late applies those whose "
                + "target item is unchanged)");
        for (Late write : late) {
            out.println("  " + write.eventName() + " " + write.key() + " at " + write.streamTime() + " (sequence "
                    + write.sequenceNumber() + ")" + write.outcome().map(o -> " [" + o + "]").orElse(""));
        }
    }
}
