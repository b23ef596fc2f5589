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

    enum Action { PUT, DELETE }

    private final DynamoDbClient dynamo;
    private final String source;
    private final String target;

    ItemRewriter(DynamoDbClient dynamo, String source, String target) {
        this.dynamo = dynamo;
        this.source = source;
        this.target = target;
    }

    Action rewrite(ObjectNode keyJson, boolean dryRun) {
        Map<String, AttributeValue> key = DynamoJson.toItem(keyJson);
        Map<String, AttributeValue> item = dynamo.getItem(r -> r.tableName(source).key(key).consistentRead(true)).item();
        boolean exists = item != null && !item.isEmpty();
        if (!dryRun) {
            if (exists) {
                dynamo.putItem(r -> r.tableName(target).item(item));
            } else {
                dynamo.deleteItem(r -> r.tableName(target).key(key));
            }
        }
        return exists ? Action.PUT : Action.DELETE;
    }
}
