package dev.restorecdc.cdc;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Base64;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/**
 * The queue message body of a change, schema version 1:
 * <pre>{"v":1,"eventName":"MODIFY","keys":{...},"newImage":{...},"approximateCreationDateTime":"...Z",
 *  "sequenceNumber":"...","eventId":"...","sourceTableArn":"..."}</pre>
 * A body over {@link #COMPRESS_ABOVE_BYTES} is gzipped and wrapped as
 * {@code {"v":1,"encoding":"gzip+base64","data":"..."}}: a 400 KB item in DynamoDB JSON can pass
 * SQS's 1 MiB message limit (base64 binaries, escaped strings), and a change is never dropped.
 */
public final class ChangeCodec {

    public static final int SCHEMA_VERSION = 1;
    /** Compressing large bodies also lets more of them share one SendMessageBatch call. */
    public static final int COMPRESS_ABOVE_BYTES = 256 * 1024;
    private static final String GZIP = "gzip+base64";

    private final ObjectMapper json;

    public ChangeCodec(ObjectMapper json) {
        this.json = json;
    }

    public String encode(ChangeEvent change) {
        ObjectNode body = json.createObjectNode();
        body.put("v", SCHEMA_VERSION);
        body.put("eventName", change.eventName().name());
        body.set("keys", change.keys());
        if (change.newImage() != null && !change.eventName().deletes()) {
            body.set("newImage", change.newImage());
        }
        body.put("approximateCreationDateTime", change.createdAt().toString());
        body.put("sequenceNumber", change.sequenceNumber());
        body.put("eventId", change.eventId());
        if (change.sourceTableArn() != null) {
            body.put("sourceTableArn", change.sourceTableArn());
        }
        String text = write(body);
        if (utf8Length(text) <= COMPRESS_ABOVE_BYTES) {
            return text;
        }
        ObjectNode wrapper = json.createObjectNode();
        wrapper.put("v", SCHEMA_VERSION);
        wrapper.put("encoding", GZIP);
        wrapper.put("data", Base64.getEncoder().encodeToString(gzip(text)));
        return write(wrapper);
    }

    /** Parses a body; throws {@link MalformedChangeException} naming the field that is wrong. */
    public ChangeEvent decode(String bodyText) {
        JsonNode body = parse(bodyText);
        int version = body.path("v").asInt(-1);
        if (version != SCHEMA_VERSION) {
            throw new MalformedChangeException("v", body.get("v"), "unknown schema version (this replay reads " + SCHEMA_VERSION + ")");
        }
        if (body.has("encoding")) {
            String encoding = body.path("encoding").asText();
            if (!GZIP.equals(encoding)) {
                throw new MalformedChangeException("encoding", encoding, "only " + GZIP + " is known");
            }
            body = parse(gunzip(body.path("data").asText()));
        }
        EventName eventName = EventName.parse(text(body, "eventName"));
        ObjectNode keys = object(body, "keys", true);
        ObjectNode newImage = object(body, "newImage", !eventName.deletes());
        ChangeEvent change = new ChangeEvent(text(body, "eventId"), eventName, keys, newImage,
                instant(body, "approximateCreationDateTime"), text(body, "sequenceNumber"),
                body.path("sourceTableArn").isTextual() ? body.get("sourceTableArn").asText() : null);
        change.key(); // validates the key attributes now, not at write time
        return change;
    }

    public static int utf8Length(String text) {
        int bytes = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < 0x80) {
                bytes++;
            } else if (c < 0x800) {
                bytes += 2;
            } else if (Character.isHighSurrogate(c)) {
                bytes += 4;
                i++;
            } else {
                bytes += 3;
            }
        }
        return bytes;
    }

    private JsonNode parse(String text) {
        try {
            JsonNode node = json.readTree(text);
            if (node == null || !node.isObject()) {
                throw new MalformedChangeException("body", text, "not a JSON object");
            }
            return node;
        } catch (JsonProcessingException e) {
            throw new MalformedChangeException("body", text, "not JSON: " + e.getOriginalMessage());
        }
    }

    private String write(JsonNode node) {
        try {
            return json.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a JSON tree always serialises", e);
        }
    }

    private static String text(JsonNode body, String field) {
        JsonNode value = body.get(field);
        if (value == null || !value.isTextual() || value.asText().isBlank()) {
            throw new MalformedChangeException(field, value, "missing or not a string");
        }
        return value.asText();
    }

    private static ObjectNode object(JsonNode body, String field, boolean required) {
        JsonNode value = body.get(field);
        if (value == null || value.isNull()) {
            if (required) {
                throw new MalformedChangeException(field, null, "missing");
            }
            return null;
        }
        if (!value.isObject()) {
            throw new MalformedChangeException(field, value, "must be an object of DynamoDB JSON attributes");
        }
        return (ObjectNode) value;
    }

    private static Instant instant(JsonNode body, String field) {
        String value = text(body, field);
        try {
            return Instant.parse(value);
        } catch (DateTimeParseException e) {
            throw new MalformedChangeException(field, value, "not an ISO-8601 instant");
        }
    }

    private static byte[] gzip(String text) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(text.length() / 4);
        try (GZIPOutputStream out = new GZIPOutputStream(bytes)) {
            out.write(text.getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    private static String gunzip(String base64) {
        try (InputStream in = new GZIPInputStream(new java.io.ByteArrayInputStream(Base64.getDecoder().decode(base64)))) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException | IllegalArgumentException e) {
            throw new MalformedChangeException("data", base64.length() + " characters", "not gzip+base64: " + e.getMessage());
        }
    }
}
