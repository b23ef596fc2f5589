package dev.restorecdc.aws;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.restorecdc.cdc.MalformedChangeException;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/** Converts between DynamoDB JSON (the queue body's form) and the SDK's {@link AttributeValue}. */
public final class DynamoJson {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private DynamoJson() {
    }

    public static Map<String, AttributeValue> toItem(JsonNode item) {
        Map<String, AttributeValue> values = new HashMap<>();
        Iterator<Map.Entry<String, JsonNode>> fields = item.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> field = fields.next();
            values.put(field.getKey(), toValue(field.getKey(), field.getValue()));
        }
        return values;
    }

    public static ObjectNode fromItem(Map<String, AttributeValue> item) {
        ObjectNode node = NODES.objectNode();
        item.forEach((name, value) -> node.set(name, fromValue(value)));
        return node;
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
