package dev.restorecdc.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.SdkField;
import software.amazon.awssdk.core.SdkPojo;
import software.amazon.awssdk.core.util.SdkAutoConstructList;
import software.amazon.awssdk.core.util.SdkAutoConstructMap;

import java.util.Base64;
import java.util.Collection;
import java.util.Map;

/**
 * An SDK model object as AWS writes it on the wire in its JSON protocols: member location names,
 * blobs in base64, unset members left out. The local AWS uses it to hand records it read through
 * the SDK on to a function in the shape AWS sends (a stream record's {@code Keys} and images are
 * DynamoDB JSON because {@code AttributeValue}'s members are named S, N, B, M, L, ...).
 */
final class WireJson {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private WireJson() {
    }

    /** A map of model objects (e.g. an item: attribute name → AttributeValue) as one JSON object. */
    static ObjectNode of(Map<String, ? extends SdkPojo> members) {
        ObjectNode node = NODES.objectNode();
        members.forEach((name, value) -> node.set(name, of(value)));
        return node;
    }

    static ObjectNode of(SdkPojo pojo) {
        ObjectNode node = NODES.objectNode();
        for (SdkField<?> field : pojo.sdkFields()) {
            Object value = field.getValueOrDefault(pojo);
            if (value != null && !(value instanceof SdkAutoConstructList) && !(value instanceof SdkAutoConstructMap)) {
                node.set(field.locationName(), value(value));
            }
        }
        return node;
    }

    private static JsonNode value(Object value) {
        if (value instanceof SdkPojo pojo) {
            return of(pojo);
        }
        if (value instanceof SdkBytes bytes) {
            return NODES.textNode(Base64.getEncoder().encodeToString(bytes.asByteArrayUnsafe()));
        }
        if (value instanceof Boolean flag) {
            return NODES.booleanNode(flag);
        }
        if (value instanceof Number number) {
            return NODES.numberNode(new java.math.BigDecimal(number.toString()));
        }
        if (value instanceof Collection<?> list) {
            ArrayNode array = NODES.arrayNode();
            list.forEach(element -> array.add(value(element)));
            return array;
        }
        if (value instanceof Map<?, ?> map) {
            ObjectNode node = NODES.objectNode();
            map.forEach((key, element) -> node.set(String.valueOf(key), value(element)));
            return node;
        }
        return NODES.textNode(String.valueOf(value));
    }
}
