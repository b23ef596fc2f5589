package dev.restorecdc.cdc;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * The one canonical text of DynamoDB values and items, so equal values (as DynamoDB means them)
 * give equal text: attribute names sorted, each value tagged with its type, numbers by value
 * ({@code 1.50} = {@code 1.5}), binaries re-encoded, sets unordered (elements sorted). Item keys
 * ({@link ItemKey}) and old-image digests ({@link ChangeDelta}) are both built from it.
 *
 * <p>Scalars read {@code S:text}, {@code N:1.5}, {@code B:base64}; an item reads
 * {@code name=value|name=value} with '\', '|' and '=' escaped, exactly the key form of the
 * first version (group ids depend on it and must not move). Containers (sets, lists, maps, BOOL,
 * NULL), which keys never hold, write each element with its length in front, so no element can
 * fake a separator.
 */
public final class CanonicalForm {

    /** The digest of an absent item: its own value, different from the digest of any item. */
    public static final String ABSENT = "absent";

    private CanonicalForm() {
    }

    /** The canonical text of a whole item (or of a key's attributes). */
    public static String item(ObjectNode attributes, String path) {
        List<String> names = new ArrayList<>();
        attributes.fieldNames().forEachRemaining(names::add);
        names.sort(null);
        StringBuilder text = new StringBuilder();
        for (String name : names) {
            if (!text.isEmpty()) {
                text.append('|');
            }
            text.append(escape(name)).append('=').append(value(path + "." + name, attributes.get(name)));
        }
        return text.toString();
    }

    /** SHA-256 (hex) of the item's canonical text; {@link #ABSENT} for no item. */
    public static String digest(ObjectNode item) {
        return item == null ? ABSENT : sha256Hex(item(item, "item"));
    }

    /** The canonical text of one typed value ({"S":"x"}, {"NS":["1","2"]}, {"M":{...}}, ...). */
    public static String value(String path, JsonNode typed) {
        if (typed == null || !typed.isObject() || typed.size() != 1) {
            throw new MalformedChangeException(path, typed, "a value must be one typed value such as {\"S\":\"x\"}");
        }
        Map.Entry<String, JsonNode> only = typed.fields().next();
        String type = only.getKey();
        JsonNode value = only.getValue();
        return switch (type) {
            case "S" -> "S:" + escape(text(path, typed, value));
            case "N" -> "N:" + number(path, text(path, typed, value));
            case "B" -> "B:" + binary(path, text(path, typed, value));
            case "BOOL" -> "BOOL:" + value.asBoolean();
            case "NULL" -> "NULL";
            case "SS", "NS", "BS" -> {
                List<String> elements = new ArrayList<>();
                for (JsonNode element : array(path, typed, value)) {
                    String text = text(path, typed, element);
                    elements.add(type.equals("SS") ? text : type.equals("NS") ? number(path, text) : binary(path, text));
                }
                elements.sort(null);
                yield framed(type, elements);
            }
            case "L" -> {
                List<String> elements = new ArrayList<>();
                int i = 0;
                for (JsonNode element : array(path, typed, value)) {
                    elements.add(value(path + "[" + i++ + "]", element));
                }
                yield framed("L", elements);
            }
            case "M" -> {
                if (!value.isObject()) {
                    throw new MalformedChangeException(path, typed, "a map value must be an object");
                }
                List<String> names = new ArrayList<>();
                value.fieldNames().forEachRemaining(names::add);
                names.sort(null);
                List<String> entries = new ArrayList<>();
                for (String name : names) {
                    entries.add(name);
                    entries.add(value(path + "." + name, value.get(name)));
                }
                yield framed("M", entries);
            }
            default -> throw new MalformedChangeException(path, typed, "unknown DynamoDB type " + type);
        };
    }

    /** A number by value ({@link DynamoNumbers#canonical}, the one number normalisation). */
    public static String number(String path, String number) {
        try {
            return DynamoNumbers.canonical(number);
        } catch (NumberFormatException e) {
            throw new MalformedChangeException(path, number, "not a number");
        }
    }

    public static String sha256Hex(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JVM", e);
        }
    }

    private static String framed(String type, List<String> elements) {
        StringBuilder text = new StringBuilder(type).append(":[");
        for (String element : elements) {
            text.append(element.length()).append(':').append(element);
        }
        return text.append(']').toString();
    }

    private static String text(String path, JsonNode typed, JsonNode value) {
        if (!value.isTextual()) {
            throw new MalformedChangeException(path, typed, "a string, number or binary value must be a JSON string");
        }
        return value.asText();
    }

    private static Iterable<JsonNode> array(String path, JsonNode typed, JsonNode value) {
        if (!value.isArray()) {
            throw new MalformedChangeException(path, typed, "a set or list value must be an array");
        }
        return value;
    }

    private static String binary(String path, String base64) {
        try {
            return Base64.getEncoder().encodeToString(Base64.getDecoder().decode(base64));
        } catch (IllegalArgumentException e) {
            throw new MalformedChangeException(path, base64, "binary values must be base64");
        }
    }

    /** Keeps the separators unambiguous: a name or value containing '|' or '=' cannot fake another attribute. */
    static String escape(String text) {
        return text.replace("\\", "\\\\").replace("|", "\\|").replace("=", "\\=");
    }
}
