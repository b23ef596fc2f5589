package dev.restorecdc.cdc;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Iterator;
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
        List<String> names = new ArrayList<>();
        keyAttributes.fieldNames().forEachRemaining(names::add);
        names.sort(null);
        StringBuilder text = new StringBuilder();
        for (String name : names) {
            if (!text.isEmpty()) {
                text.append('|');
            }
            text.append(escape(name)).append('=').append(canonicalValue(name, keyAttributes.get(name)));
        }
        return new ItemKey(keyAttributes, text.toString());
    }

    /**
     * The SQS message group of this item: every change of one item lands in one group (so it keeps
     * its order) and different items spread over groups. SHA-256 in hex: 64 characters, well under
     * SQS's 128, and only characters SQS accepts.
     */
    public String groupId() {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(canonical.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JVM", e);
        }
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

    private static String canonicalValue(String name, JsonNode typed) {
        if (typed == null || !typed.isObject() || typed.size() != 1) {
            throw new MalformedChangeException("keys." + name, typed, "a key value must be one typed value such as {\"S\":\"x\"}");
        }
        Iterator<Map.Entry<String, JsonNode>> fields = typed.fields();
        Map.Entry<String, JsonNode> only = fields.next();
        String type = only.getKey();
        JsonNode value = only.getValue();
        if (!value.isTextual()) {
            throw new MalformedChangeException("keys." + name, typed, "a key value must be a string, number or binary");
        }
        return switch (type) {
            case "S" -> "S:" + escape(value.asText());
            case "N" -> "N:" + normaliseNumber(name, value.asText());
            case "B" -> "B:" + Base64.getEncoder().encodeToString(decodeBinary(name, value.asText()));
            default -> throw new MalformedChangeException("keys." + name, typed,
                    "key attributes can only be of type S, N or B, not " + type);
        };
    }

    private static String normaliseNumber(String name, String number) {
        try {
            return DynamoNumbers.canonical(number);
        } catch (NumberFormatException e) {
            throw new MalformedChangeException("keys." + name, number, "not a number");
        }
    }

    private static byte[] decodeBinary(String name, String base64) {
        try {
            return Base64.getDecoder().decode(base64);
        } catch (IllegalArgumentException e) {
            throw new MalformedChangeException("keys." + name, base64, "binary values must be base64");
        }
    }

    /** Keeps the separators unambiguous: a name or value containing '|' or '=' cannot fake another key. */
    private static String escape(String text) {
        return text.replace("\\", "\\\\").replace("|", "\\|").replace("=", "\\=");
    }
}
