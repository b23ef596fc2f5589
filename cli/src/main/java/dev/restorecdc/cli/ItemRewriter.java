package dev.restorecdc.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.restorecdc.aws.DynamoJson;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import java.util.Map;

/**
 * Makes one target item what the source item is now: put the source's current item, or delete the
 * target's when the source has none. Rewriting from the source (not from a queued change) is what
 * makes repair idempotent and safe to run twice.
 */
final class ItemRewriter {

    enum Action { PUT, DELETE, UPDATE }

    private final DynamoDbClient dynamo;
    private final String source;
    private final String target;

    ItemRewriter(DynamoDbClient dynamo, String source, String target) {
        this(dynamo, dynamo, source, target);
    }

    private final DynamoDbClient targetDynamo;

    /** @param targetDynamo the client of the target's region (another one for a restore into another region) */
    ItemRewriter(DynamoDbClient dynamo, DynamoDbClient targetDynamo, String source, String target) {
        this.dynamo = dynamo;
        this.targetDynamo = targetDynamo;
        this.source = source;
        this.target = target;
    }

    Action rewrite(ObjectNode keyJson, boolean dryRun) {
        Map<String, AttributeValue> key = DynamoJson.toItem(keyJson);
        Map<String, AttributeValue> item = dynamo.getItem(r -> r.tableName(source).key(key).consistentRead(true)).item();
        boolean exists = item != null && !item.isEmpty();
        if (!dryRun) {
            if (exists) {
                targetDynamo.putItem(r -> r.tableName(target).item(item));
            } else {
                targetDynamo.deleteItem(r -> r.tableName(target).key(key));
            }
        }
        return exists ? Action.PUT : Action.DELETE;
    }

    /**
     * Repair of an undo: makes only these attributes of the target item what they are in the source
     * (SET where the source has them, REMOVE where it has not), so attributes only the undone window
     * touched keep the restore's value. A target without the item, or a source without it, gets the
     * whole-item rewrite, as change replay itself puts an item the target lacks.
     */
    Action rewriteAttributes(ObjectNode keyJson, java.util.Collection<String> names, boolean dryRun) {
        Map<String, AttributeValue> key = DynamoJson.toItem(keyJson);
        Map<String, AttributeValue> item = dynamo.getItem(r -> r.tableName(source).key(key).consistentRead(true)).item();
        Map<String, AttributeValue> current = targetDynamo.getItem(r -> r.tableName(target).key(key).consistentRead(true)).item();
        if (item == null || item.isEmpty() || current == null || current.isEmpty()) {
            return rewrite(keyJson, dryRun);
        }
        Map<String, String> attributeNames = new java.util.HashMap<>();
        Map<String, AttributeValue> values = new java.util.HashMap<>();
        java.util.List<String> sets = new java.util.ArrayList<>();
        java.util.List<String> removes = new java.util.ArrayList<>();
        int n = 0;
        for (String name : names) {
            if (key.containsKey(name)) {
                continue;
            }
            attributeNames.put("#a" + n, name);
            if (item.containsKey(name)) {
                values.put(":v" + n, item.get(name));
                sets.add("#a" + n + " = :v" + n);
            } else {
                removes.add("#a" + n);
            }
            n++;
        }
        if (!dryRun && n > 0) {
            String expression = (sets.isEmpty() ? "" : "SET " + String.join(", ", sets))
                    + (removes.isEmpty() ? "" : (sets.isEmpty() ? "" : " ") + "REMOVE " + String.join(", ", removes));
            targetDynamo.updateItem(r -> r.tableName(target).key(key).updateExpression(expression)
                    .expressionAttributeNames(attributeNames).expressionAttributeValues(values.isEmpty() ? null : values));
        }
        return Action.UPDATE;
    }
}
