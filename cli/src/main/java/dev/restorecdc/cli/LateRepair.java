package dev.restorecdc.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.restorecdc.session.ControlTableKeys;
import dev.restorecdc.aws.DynamoJson;
import dev.restorecdc.session.SessionRecord;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code repair --late --session S [--dry-run]}: applies each late write (a change to the source
 * after the cutover) to the target only where the target item still equals the change's old image,
 * i.e. nobody changed it since the switch; otherwise reports the key as a conflict and leaves it.
 * One key's late writes are taken in stream order, so a chain of them applies as a chain; after a
 * conflict the key's later writes are conflicts too. The outcome is recorded on each late write, so
 * a second run does not apply it again.
 */
final class LateRepair {

    private final CliContext cli;

    LateRepair(CliContext cli) {
        this.cli = cli;
    }

    int run(CliArgs args) {
        boolean dryRun = args.has("dry-run");
        ControlTableReader control = cli.controlTable(args);
        SessionRecord session = control.session(args.required("session"), args.value("table"));
        String targetRef = session.replayTarget().orElseThrow(() -> new CliFailure("session " + session.sessionId() + " has no target table",
                CliFailure.REFUSED));
        // A target in another region (named by its ARN) is read and written there, under its name.
        software.amazon.awssdk.services.dynamodb.DynamoDbClient targetDynamo = cli.aws.regional().dynamoFor(targetRef);
        String target = dev.restorecdc.cdc.TableRefs.nameOf(targetRef);
        List<LateWrites.Late> late = LateWrites.read(cli.aws.dynamo(), control.tableName(), session.sessionId());
        Set<String> conflicted = new HashSet<>();
        int applied = 0;
        List<String> conflicts = new ArrayList<>();
        for (LateWrites.Late write : late) {
            if (write.outcome().filter(o -> o.startsWith("applied")).isPresent()) {
                continue;
            }
            ObjectNode key = json(write.key());
            Map<String, AttributeValue> itemKey = DynamoJson.toItem(key);
            Map<String, AttributeValue> current = targetDynamo.getItem(r -> r.tableName(target).key(itemKey).consistentRead(true)).item();
            JsonNode expected = write.text("old_image").map(this::json).orElse(null);
            boolean unchanged = !conflicted.contains(write.key()) && same(current == null || current.isEmpty() ? null
                    : DynamoJson.fromItem(current), expected);
            String outcome;
            if (unchanged) {
                if (!dryRun) {
                    if (write.text("new_image").isPresent()) {
                        targetDynamo.putItem(r -> r.tableName(target).item(DynamoJson.toItem(json(write.text("new_image").get()))));
                    } else {
                        targetDynamo.deleteItem(r -> r.tableName(target).key(itemKey));
                    }
                }
                applied++;
                outcome = "applied at " + Instant.now();
                cli.out.println((dryRun ? "would apply " : "applied ") + write.eventName() + " " + write.key() + " (late write at "
                        + write.streamTime() + ")");
            } else {
                conflicted.add(write.key());
                outcome = "conflict: the target item changed since the cutover";
                conflicts.add(write.key());
                cli.out.println("conflict: " + write.eventName() + " " + write.key() + " at " + write.streamTime()
                        + " not applied: the target item is not the change's old image (the application changed it since "
                        + "the cutover); left as it is");
            }
            if (!dryRun) {
                cli.aws.dynamo().updateItem(r -> r.tableName(control.tableName())
                        .key(Map.of("pk", AttributeValue.fromS(ControlTableKeys.lateWritePk(session.sessionId())),
                                "sk", write.item().get("sk")))
                        .updateExpression("SET outcome = :outcome")
                        .expressionAttributeValues(Map.of(":outcome", AttributeValue.fromS(outcome))));
            }
        }
        cli.out.println("repair --late of session " + session.sessionId() + ": " + late.size() + " late writes, "
                + (dryRun ? "would apply " : "applied ") + applied + ", conflicts " + conflicts.size()
                + (conflicts.isEmpty() ? "" : " " + new java.util.LinkedHashSet<>(conflicts)));
        return conflicts.isEmpty() ? 0 : CliFailure.FAILED;
    }

    /** Items as DynamoDB JSON, equal whatever the order of set members. */
    static boolean same(JsonNode a, JsonNode b) {
        if (a == null || b == null) {
            return a == null && b == null;
        }
        return normalise(a).equals(normalise(b));
    }

    private static JsonNode normalise(JsonNode node) {
        if (node.isObject()) {
            ObjectNode copy = ((ObjectNode) node).objectNode();
            node.fields().forEachRemaining(e -> {
                JsonNode value = normalise(e.getValue());
                if (("SS".equals(e.getKey()) || "NS".equals(e.getKey()) || "BS".equals(e.getKey())) && value.isArray()) {
                    List<String> members = new ArrayList<>();
                    value.forEach(v -> members.add(v.asText()));
                    members.sort(String::compareTo);
                    ArrayNode sorted = copy.arrayNode();
                    members.forEach(sorted::add);
                    value = sorted;
                }
                copy.set(e.getKey(), value);
            });
            return copy;
        }
        if (node.isArray()) {
            ArrayNode copy = ((ArrayNode) node).arrayNode();
            node.forEach(v -> copy.add(normalise(v)));
            return copy;
        }
        return node;
    }

    private ObjectNode json(String text) {
        try {
            return (ObjectNode) cli.json.readTree(text);
        } catch (IOException e) {
            throw new CliFailure("unreadable late write record: " + text);
        }
    }
}
