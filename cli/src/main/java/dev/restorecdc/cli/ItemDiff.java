package dev.restorecdc.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.restorecdc.aws.DynamoJson;
import dev.restorecdc.cdc.CanonicalForm;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Compares two items by value, the way DynamoDB means them: sets are unordered, numbers are
 * numbers ("1.50" equals "1.5"), binaries by their bytes. {@link AttributeValue#equals} compares
 * the SDK objects, so a set read back in another order would look different. The rule is
 * {@link CanonicalForm}'s, the same one replay's conflict digests use.
 */
final class ItemDiff {

    private ItemDiff() {
    }

    /** Names of the attributes whose values differ (or exist on one side only), sorted. */
    static List<String> differingAttributes(Map<String, AttributeValue> a, Map<String, AttributeValue> b) {
        ObjectNode left = DynamoJson.fromItem(a);
        ObjectNode right = DynamoJson.fromItem(b);
        TreeSet<String> names = new TreeSet<>(a.keySet());
        names.addAll(b.keySet());
        List<String> differing = new ArrayList<>();
        for (String name : names) {
            if (!left.has(name) || !right.has(name)
                    || !CanonicalForm.value(name, left.get(name)).equals(CanonicalForm.value(name, right.get(name)))) {
                differing.add(name);
            }
        }
        return differing;
    }
}
