package dev.restorecdc.cdc;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.List;
import java.util.Map;

/**
 * The primary key of one item, in a canonical, type-tagged form: attribute names sorted, each value
 * tagged with its DynamoDB type and normalised (numbers without trailing zeros, binaries re-encoded),
 * so the same item gives the same key whatever the attribute order or the number's spelling.
 *
 * @param attributes the key attributes in DynamoDB JSON ({"pk":{"S":"a"},"sk":{"N":"1"}})
 * @param canonical  the canonical text, e.g. {@code pk=S:a|sk=N:1}
 */
public record ItemKey(ObjectNode attributes, String canonical) {

    /** Builds the key of an item from its key attributes in DynamoDB JSON. */
    public static ItemKey of(ObjectNode keyAttributes) {
        if (keyAttributes == null || keyAttributes.isEmpty()) {
            throw new MalformedChangeException("keys", keyAttributes, "an item needs at least one key attribute");
        }
        keyAttributes.fields().forEachRemaining(field -> requireKeyType(field.getKey(), field.getValue()));
        return new ItemKey(keyAttributes, CanonicalForm.item(keyAttributes, "keys"));
    }

    /**
     * The SQS message group of this item: every change of one item lands in one group (so it keeps
     * its order) and different items spread over groups. SHA-256 in hex: 64 characters, well under
     * SQS's 128, and only characters SQS accepts.
     */
    public String groupId() {
        return CanonicalForm.sha256Hex(canonical);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof ItemKey key && key.canonical.equals(canonical);
    }

    @Override
    public int hashCode() {
        return canonical.hashCode();
    }

    @Override
    public String toString() {
        return canonical;
    }

    /** Key attributes are one S, N or B value each (what DynamoDB allows in a key schema). */
    private static void requireKeyType(String name, JsonNode typed) {
        if (typed == null || !typed.isObject() || typed.size() != 1) {
            throw new MalformedChangeException("keys." + name, typed, "a key value must be one typed value such as {\"S\":\"x\"}");
        }
        Map.Entry<String, JsonNode> only = typed.fields().next();
        if (!only.getValue().isTextual()) {
            throw new MalformedChangeException("keys." + name, typed, "a key value must be a string, number or binary");
        }
        if (!List.of("S", "N", "B").contains(only.getKey())) {
            throw new MalformedChangeException("keys." + name, typed,
                    "key attributes can only be of type S, N or B, not " + only.getKey());
        }
    }
}
