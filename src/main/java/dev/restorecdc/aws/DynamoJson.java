package dev.restorecdc.aws;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.restorecdc.cdc.MalformedChangeException;
import dev.restorecdc.cdc.Timestamps;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The one converter between DynamoDB's attribute values and other forms: DynamoDB JSON (the queue
 * body's and the key log's form, {@code {"S": "x"}}) and plain Java values (what the control table's
 * session items hold: String, Number, Boolean, null, Map, List; see {@code SessionRecord}).
 */
public final class DynamoJson {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private DynamoJson() {
    }

    /**
     * An item in DynamoDB JSON ({@code {"name": {"S": "x"}, ...}}) as attribute values.
     *
     * @throws MalformedChangeException naming the attribute path of a value that is not typed DynamoDB JSON
     */
    public static Map<String, AttributeValue> toItem(JsonNode item) {
        Map<String, AttributeValue> values = new HashMap<>();
        Iterator<Map.Entry<String, JsonNode>> fields = item.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> field = fields.next();
            values.put(field.getKey(), toValue(field.getKey(), field.getValue()));
        }
        return values;
    }

    /** Attribute values as an item in DynamoDB JSON; binaries are base64. */
    public static ObjectNode fromItem(Map<String, AttributeValue> item) {
        ObjectNode node = NODES.objectNode();
        item.forEach((name, value) -> node.set(name, fromValue(value)));
        return node;
    }

    /**
     * A plain Java value as an attribute value: CharSequence → S, Number → N, Boolean → BOOL, null →
     * NULL, Instant → S in the control table's form ({@link Timestamps#format}), Map → M, List → L.
     *
     * @throws IllegalArgumentException for any other type, naming it
     */
    public static AttributeValue fromPlain(Object value) {
        if (value == null) {
            return AttributeValue.fromNul(true);
        }
        if (value instanceof CharSequence text) {
            return AttributeValue.fromS(text.toString());
        }
        if (value instanceof Number n) {
            return AttributeValue.fromN(n.toString());
        }
        if (value instanceof Boolean b) {
            return AttributeValue.fromBool(b);
        }
        if (value instanceof Instant instant) {
            return AttributeValue.fromS(Timestamps.format(instant));
        }
        if (value instanceof Map<?, ?> m) {
            Map<String, AttributeValue> map = new LinkedHashMap<>();
            m.forEach((k, v) -> map.put(String.valueOf(k), fromPlain(v)));
            return AttributeValue.fromM(map);
        }
        if (value instanceof List<?> l) {
            return AttributeValue.fromL(l.stream().map(DynamoJson::fromPlain).toList());
        }
        throw new IllegalArgumentException("no attribute value for a " + value.getClass().getName() + ": " + value);
    }

    /** {@link #fromPlain} of every value of an item. */
    public static Map<String, AttributeValue> fromPlainItem(Map<String, ?> values) {
        Map<String, AttributeValue> item = new LinkedHashMap<>();
        values.forEach((name, value) -> item.put(name, fromPlain(value)));
        return item;
    }

    /**
     * An attribute value as a plain Java value: S → String, N → BigDecimal, BOOL → Boolean, NULL →
     * null, M → Map, L → List, sets → List (of String or BigDecimal), B and BS → base64 text.
     */
    public static Object toPlain(AttributeValue value) {
        return switch (value.type()) {
            case S -> value.s();
            case N -> new BigDecimal(value.n());
            case B -> Base64.getEncoder().encodeToString(value.b().asByteArray());
            case BOOL -> value.bool();
            case NUL -> null;
            case SS -> List.copyOf(value.ss());
            case NS -> value.ns().stream().map(BigDecimal::new).toList();
            case BS -> value.bs().stream().map(b -> Base64.getEncoder().encodeToString(b.asByteArray())).toList();
            case L -> value.l().stream().map(DynamoJson::toPlain).collect(ArrayList::new, ArrayList::add, ArrayList::addAll);
            case M -> toPlainItem(value.m());
            default -> throw new IllegalArgumentException("unknown attribute value type: " + value);
        };
    }

    /** {@link #toPlain} of every value of an item. */
    public static Map<String, Object> toPlainItem(Map<String, AttributeValue> item) {
        Map<String, Object> values = new LinkedHashMap<>();
        item.forEach((name, value) -> values.put(name, toPlain(value)));
        return values;
    }

    static AttributeValue toValue(String path, JsonNode typed) {
        if (typed == null || !typed.isObject() || typed.size() != 1) {
            throw new MalformedChangeException(path, typed, "expected one typed DynamoDB JSON value such as {\"S\":\"x\"}");
        }
        Map.Entry<String, JsonNode> only = typed.fields().next();
        JsonNode v = only.getValue();
        return switch (only.getKey()) {
            case "S" -> AttributeValue.fromS(v.asText());
            case "N" -> AttributeValue.fromN(v.asText());
            case "B" -> AttributeValue.fromB(SdkBytes.fromByteArray(Base64.getDecoder().decode(v.asText())));
            case "BOOL" -> AttributeValue.fromBool(v.asBoolean());
            case "NULL" -> AttributeValue.fromNul(true);
            case "SS" -> AttributeValue.fromSs(texts(v));
            case "NS" -> AttributeValue.fromNs(texts(v));
            case "BS" -> AttributeValue.fromBs(texts(v).stream()
                    .map(b -> SdkBytes.fromByteArray(Base64.getDecoder().decode(b))).toList());
            case "L" -> {
                List<AttributeValue> list = new ArrayList<>(v.size());
                for (int i = 0; i < v.size(); i++) {
                    list.add(toValue(path + "[" + i + "]", v.get(i)));
                }
                yield AttributeValue.fromL(list);
            }
            case "M" -> {
                Map<String, AttributeValue> map = new HashMap<>();
                v.fields().forEachRemaining(e -> map.put(e.getKey(), toValue(path + "." + e.getKey(), e.getValue())));
                yield AttributeValue.fromM(map);
            }
            default -> throw new MalformedChangeException(path, typed, "unknown DynamoDB type " + only.getKey());
        };
    }

    static JsonNode fromValue(AttributeValue value) {
        ObjectNode node = NODES.objectNode();
        switch (value.type()) {
            case S -> node.put("S", value.s());
            case N -> node.put("N", value.n());
            case B -> node.put("B", Base64.getEncoder().encodeToString(value.b().asByteArray()));
            case BOOL -> node.put("BOOL", value.bool());
            case NUL -> node.put("NULL", true);
            case SS -> node.set("SS", array(value.ss()));
            case NS -> node.set("NS", array(value.ns()));
            case BS -> node.set("BS", array(value.bs().stream()
                    .map(b -> Base64.getEncoder().encodeToString(b.asByteArray())).toList()));
            case L -> {
                ArrayNode list = node.putArray("L");
                value.l().forEach(item -> list.add(fromValue(item)));
            }
            case M -> node.set("M", fromItem(value.m()));
            default -> throw new IllegalArgumentException("unknown attribute value type: " + value);
        }
        return node;
    }

    private static List<String> texts(JsonNode array) {
        List<String> texts = new ArrayList<>(array.size());
        array.forEach(item -> texts.add(item.asText()));
        return texts;
    }

    private static ArrayNode array(List<String> texts) {
        ArrayNode array = NODES.arrayNode();
        texts.forEach(array::add);
        return array;
    }
}
