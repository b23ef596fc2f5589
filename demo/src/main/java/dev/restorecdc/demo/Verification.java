package dev.restorecdc.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.restorecdc.aws.DynamoJson;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Compares the restored table with the reference model, key by key. */
final class Verification {

    /** What the comparison found; clean when nothing is missing, extra or different. */
    record Report(int keysChecked, List<String> missing, List<String> extra, List<String> different) {

        boolean clean() {
            return missing.isEmpty() && extra.isEmpty() && different.isEmpty();
        }

        String summary() {
            return String.format("keys checked %d, missing %d, extra %d, different %d%s", keysChecked, missing.size(),
                    extra.size(), different.size(), clean() ? ": the restored table is exactly right"
                            : "\n  missing: " + head(missing) + "\n  extra: " + head(extra) + "\n  different: " + head(different));
        }

        private static String head(List<String> keys) {
            return keys.size() <= 10 ? keys.toString() : keys.subList(0, 10) + " … (" + keys.size() + ")";
        }
    }

    private Verification() {
    }

    static Report compare(DynamoDbClient dynamo, String table, Map<String, Traffic.KeyModel> model) {
        Map<String, Map<String, AttributeValue>> restored = new HashMap<>();
        dynamo.scanPaginator(b -> b.tableName(table).consistentRead(true)).items()
                .forEach(item -> restored.put(item.get("pk").s(), item));
        List<String> missing = new ArrayList<>();
        List<String> extra = new ArrayList<>();
        List<String> different = new ArrayList<>();
        model.forEach((pk, key) -> {
            Map<String, AttributeValue> expected = key.expected();
            Map<String, AttributeValue> actual = restored.remove(pk);
            if (expected == null && actual != null) {
                extra.add(pk);
            } else if (expected != null && actual == null) {
                missing.add(pk);
            } else if (expected != null && !canonical(expected).equals(canonical(actual))) {
                different.add(pk);
            }
        });
        extra.addAll(restored.keySet());
        return new Report(model.size() + restored.size(), missing, extra, different);
    }

    /** Equal as DynamoDB means it (sets unordered), one attribute value. */
    static boolean sameValue(AttributeValue a, AttributeValue b) {
        return canonical(Map.of("v", a)).equals(canonical(Map.of("v", b)));
    }

    /** DynamoDB JSON with set members sorted: sets have no order, DynamoDB may return them in any. */
    static JsonNode canonical(Map<String, AttributeValue> item) {
        return sortSets(DynamoJson.fromItem(item));
    }

    private static JsonNode sortSets(JsonNode node) {
        if (node.isObject()) {
            ObjectNode object = (ObjectNode) node;
            object.fields().forEachRemaining(field -> {
                if (Set.of("SS", "NS", "BS").contains(field.getKey())) {
                    List<String> members = new ArrayList<>();
                    field.getValue().forEach(member -> members.add(member.asText()));
                    members.sort(null);
                    ArrayNode sorted = object.arrayNode();
                    members.forEach(sorted::add);
                    field.setValue(sorted);
                } else {
                    sortSets(field.getValue());
                }
            });
        } else if (node.isArray()) {
            node.forEach(Verification::sortSets);
        }
        return node;
    }
}
