package dev.restorecdc.lambda;

import com.amazonaws.services.lambda.runtime.events.DynamodbEvent.DynamodbStreamRecord;
import com.amazonaws.services.lambda.runtime.events.models.dynamodb.AttributeValue;
import com.amazonaws.services.lambda.runtime.events.models.dynamodb.StreamRecord;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.restorecdc.cdc.ChangeDelta;
import dev.restorecdc.cdc.ChangeEvent;
import dev.restorecdc.cdc.EventName;
import dev.restorecdc.cdc.MalformedChangeException;
import dev.restorecdc.cdc.StreamChange;

import java.nio.ByteBuffer;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/** Reads the Lambda DynamoDB stream event model into the domain's changes (DynamoDB JSON). */
final class StreamRecords {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private StreamRecords() {
    }

    static StreamChange read(DynamodbStreamRecord record) {
        StreamRecord stream = record.getDynamodb();
        String sequenceNumber = stream == null ? null : stream.getSequenceNumber();
        try {
            if (stream == null) {
                throw new MalformedChangeException("dynamodb", null, "the record has no stream data");
            }
            EventName eventName = EventName.parse(record.getEventName());
            ObjectNode newImage = eventName.deletes() || stream.getNewImage() == null ? null : item(stream.getNewImage());
            // What the change did, computed here where the old image is at hand; the old image itself
            // never leaves capture (a body carries its digest only).
            ObjectNode oldImage = stream.getOldImage() == null ? null : item(stream.getOldImage());
            ChangeEvent change = new ChangeEvent(record.getEventID(), eventName, item(stream.getKeys()), newImage,
                    stream.getApproximateCreationDateTime() == null ? null : stream.getApproximateCreationDateTime().toInstant(),
                    sequenceNumber, tableArn(record.getEventSourceARN()), ChangeDelta.of(eventName, oldImage, newImage));
            change.key();
            return StreamChange.of(change, stream.getOldImage() == null ? null : item(stream.getOldImage()));
        } catch (MalformedChangeException | IllegalArgumentException e) {
            return StreamChange.unreadable(sequenceNumber, "eventID " + record.getEventID() + ": " + e.getMessage());
        }
    }

    /** arn:aws:dynamodb:r:a:table/Name/stream/2024-... → arn:aws:dynamodb:r:a:table/Name */
    static String tableArn(String streamArn) {
        if (streamArn == null) {
            return null;
        }
        int stream = streamArn.indexOf("/stream/");
        return stream < 0 ? streamArn : streamArn.substring(0, stream);
    }

    static ObjectNode item(Map<String, AttributeValue> attributes) {
        if (attributes == null) {
            throw new MalformedChangeException("Keys", null, "missing");
        }
        ObjectNode item = NODES.objectNode();
        attributes.forEach((name, value) -> item.set(name, value(name, value)));
        return item;
    }

    private static JsonNode value(String path, AttributeValue value) {
        ObjectNode typed = NODES.objectNode();
        if (value.getS() != null) {
            typed.put("S", value.getS());
        } else if (value.getN() != null) {
            typed.put("N", value.getN());
        } else if (value.getB() != null) {
            typed.put("B", base64(value.getB()));
        } else if (value.getBOOL() != null) {
            typed.put("BOOL", value.getBOOL());
        } else if (Boolean.TRUE.equals(value.getNULL())) {
            typed.put("NULL", true);
        } else if (value.getSS() != null) {
            typed.set("SS", strings(value.getSS()));
        } else if (value.getNS() != null) {
            typed.set("NS", strings(value.getNS()));
        } else if (value.getBS() != null) {
            ArrayNode array = typed.putArray("BS");
            value.getBS().forEach(b -> array.add(base64(b)));
        } else if (value.getM() != null) {
            ObjectNode map = typed.putObject("M");
            value.getM().forEach((name, inner) -> map.set(name, value(path + "." + name, inner)));
        } else if (value.getL() != null) {
            ArrayNode list = typed.putArray("L");
            List<AttributeValue> items = value.getL();
            for (int i = 0; i < items.size(); i++) {
                list.add(value(path + "[" + i + "]", items.get(i)));
            }
        } else {
            throw new MalformedChangeException(path, value, "an attribute value with no type");
        }
        return typed;
    }

    private static ArrayNode strings(List<String> values) {
        ArrayNode array = NODES.arrayNode();
        values.forEach(array::add);
        return array;
    }

    private static String base64(ByteBuffer buffer) {
        ByteBuffer copy = buffer.duplicate();
        byte[] bytes = new byte[copy.remaining()];
        copy.get(bytes);
        return Base64.getEncoder().encodeToString(bytes);
    }
}
