package dev.restorecdc.cdc;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.time.Instant;

/** Builds changes for domain tests. */
final class Changes {

    static final ObjectMapper JSON = new ObjectMapper();
    static final Instant T0 = Instant.parse("2026-11-25T10:00:00Z");

    private Changes() {
    }

    static ObjectNode json(String text) {
        try {
            return (ObjectNode) JSON.readTree(text);
        } catch (Exception e) {
            throw new IllegalArgumentException(text, e);
        }
    }

    static ObjectNode key(String pk) {
        return json("{\"pk\":{\"S\":\"" + pk + "\"}}");
    }

    static ChangeEvent put(String pk, int seq, String value) {
        ObjectNode image = key(pk);
        image.putObject("value").put("S", value);
        return new ChangeEvent("event-" + seq, EventName.MODIFY, key(pk), image, T0.plusSeconds(seq),
                String.format("%021d", seq), "arn:aws:dynamodb:us-east-1:000000000000:table/source");
    }

    /** A MODIFY with its delta, as capture computes it from the stream record's two images. */
    static ChangeEvent modify(String pk, int seq, ObjectNode oldImage, ObjectNode newImage) {
        return new ChangeEvent("event-" + seq, EventName.MODIFY, key(pk), newImage, T0.plusSeconds(seq),
                String.format("%021d", seq), "arn:aws:dynamodb:us-east-1:000000000000:table/source",
                ChangeDelta.of(EventName.MODIFY, oldImage, newImage));
    }

    /** An INSERT with its delta. */
    static ChangeEvent insert(String pk, int seq, ObjectNode newImage) {
        return new ChangeEvent("event-" + seq, EventName.INSERT, key(pk), newImage, T0.plusSeconds(seq),
                String.format("%021d", seq), "arn:aws:dynamodb:us-east-1:000000000000:table/source",
                ChangeDelta.of(EventName.INSERT, null, newImage));
    }

    /** A REMOVE with its delta. */
    static ChangeEvent remove(String pk, int seq, ObjectNode oldImage) {
        return new ChangeEvent("event-" + seq, EventName.REMOVE, key(pk), null, T0.plusSeconds(seq),
                String.format("%021d", seq), "arn:aws:dynamodb:us-east-1:000000000000:table/source",
                ChangeDelta.of(EventName.REMOVE, oldImage, null));
    }

    /** An item of key {@code pk} with more attributes in DynamoDB JSON, e.g. {@code "price":{"N":"5"}}. */
    static ObjectNode item(String pk, String attributes) {
        return json("{\"pk\":{\"S\":\"" + pk + "\"}" + (attributes.isEmpty() ? "" : "," + attributes) + "}");
    }

    static ChangeEvent delete(String pk, int seq) {
        return new ChangeEvent("event-" + seq, EventName.REMOVE, key(pk), null, T0.plusSeconds(seq),
                String.format("%021d", seq), "arn:aws:dynamodb:us-east-1:000000000000:table/source");
    }
}
