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
 * The queue message body of a change, schema version 2:
 * <pre>{"v":2,"eventName":"MODIFY","keys":{...},"newImage":{...},"approximateCreationDateTime":"...Z",
 *  "sequenceNumber":"...","eventId":"...","sourceTableArn":"...",
 *  "changed":["price"],"removed":["note"],"oldImageDigest":"<sha-256 hex>"}</pre>
 * Version 2 adds what the change did ({@link ChangeDelta}: the names of the attributes it added or
 * changed and of those it removed, and the digest of the old image, never the old image itself);
 * the three fields are absent when the stream has no old image. A version 1 body (no delta) stays
 * readable and is replayed as a whole image. The version moved because a version 1 replay would
 * read a version 2 body without its delta and put whole images into an undo; it retries newer
 * bodies instead.
 * Two rules make every body one SQS takes:
 * <ul>
 *   <li><b>Legal characters.</b> SQS refuses a body holding a character outside #x9 | #xA | #xD |
 *       #x20-#xD7FF | #xE000-#xFFFD | #x10000-#x10FFFF, while a DynamoDB string may hold U+FFFE and
 *       U+FFFF. JSON already escapes control characters; the others (and any lone surrogate) are
 *       written as JSON escapes (<code>\\uFFFF</code>), which every JSON reader turns back into exactly the
 *       same character. The document is the same JSON, so readers of version 1 read it unchanged.</li>
 *   <li><b>Size.</b> A body of at least {@link #COMPRESS_FROM_BYTES} is also gzipped and wrapped as
 *       {@code {"v":1,"encoding":"gzip+base64","data":"..."}}, and the wrapper is sent only when it is
 *       smaller: incompressible data (random or encrypted binaries) grows by a third in base64, so
 *       wrapping it would make the body larger. A 400 KB item is at most about 540 KB of JSON
 *       (binaries in base64), within the queue's 1 MiB; items whose JSON escapes blow up (quotes,
 *       control characters) compress well.</li>
 * </ul>
 */
public final class ChangeCodec {

    public static final int SCHEMA_VERSION = 2;
    /** The oldest version this replay still reads (bodies queued by the previous release). */
    public static final int OLDEST_READABLE_VERSION = 1;
    /** Smaller bodies are sent as they are; compressing them saves little and costs CPU per change. */
    public static final int COMPRESS_FROM_BYTES = 64 * 1024;
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
        if (change.delta() != null) {
            change.delta().changed().forEach(body.putArray("changed")::add);
            change.delta().removed().forEach(body.putArray("removed")::add);
            body.put("oldImageDigest", change.delta().oldImageDigest());
        }
        String text = escapeForSqs(write(body));
        int plainBytes = utf8Length(text);
        if (plainBytes < COMPRESS_FROM_BYTES) {
            return text;
        }
        ObjectNode wrapper = json.createObjectNode();
        wrapper.put("v", SCHEMA_VERSION);
        wrapper.put("encoding", GZIP);
        wrapper.put("data", Base64.getEncoder().encodeToString(gzip(text)));
        String compressed = write(wrapper);
        return compressed.length() < plainBytes ? compressed : text; // the wrapper is ASCII: length = bytes
    }

    /** Whether SQS takes this character in a message body (its XML character rule). */
    public static boolean sqsAllows(int codePoint) {
        return codePoint == 0x9 || codePoint == 0xA || codePoint == 0xD
                || (codePoint >= 0x20 && codePoint <= 0xD7FF)
                || (codePoint >= 0xE000 && codePoint <= 0xFFFD)
                || (codePoint >= 0x10000 && codePoint <= 0x10FFFF);
    }

    /**
     * Rewrites every character SQS refuses as a JSON escape. In serialised JSON such a character can
     * only stand inside a string literal (Jackson escapes control characters itself), where the
     * escape means exactly that character.
     */
    static String escapeForSqs(String jsonText) {
        StringBuilder out = null;
        int copiedUpTo = 0;
        for (int i = 0; i < jsonText.length(); ) {
            int codePoint = jsonText.codePointAt(i);
            int width = Character.charCount(codePoint);
            if (!sqsAllows(codePoint)) { // a lone surrogate comes through codePointAt as itself, width 1
                if (out == null) {
                    out = new StringBuilder(jsonText.length() + 16);
                }
                out.append(jsonText, copiedUpTo, i).append(String.format("\\u%04X", codePoint));
                copiedUpTo = i + width;
            }
            i += width;
        }
        return out == null ? jsonText : out.append(jsonText, copiedUpTo, jsonText.length()).toString();
    }

    /** What a capture dead letter says in {@code kind}: SQS refused the change's message for good. */
    public static final String REFUSED_BY_QUEUE = "refused-by-queue";

    /**
     * A small record of a change SQS refused for good, for the dead-letter queue: its key, stream
     * time, sequence number, event id and the reason, never the refused body (which SQS would refuse
     * again). {@code repair} rewrites the key from the source table.
     */
    public String refusedRecord(QueuedChange change, String reason) {
        ObjectNode record = json.createObjectNode();
        record.put("v", SCHEMA_VERSION);
        record.put("kind", REFUSED_BY_QUEUE);
        record.set("keys", change.key().attributes());
        if (change.createdAt() != null) {
            record.put("approximateCreationDateTime", change.createdAt().toString());
        }
        record.put("sequenceNumber", change.sequenceNumber());
        record.put("eventId", change.deduplicationId());
        record.put("reason", reason);
        record.put("refusedBodyBytes", utf8Length(change.body()));
        return escapeForSqs(write(record));
    }

    /**
     * The item a dead letter is about: a change body (plain or compressed) or a capture record of
     * {@link #refusedRecord}. Throws {@link MalformedChangeException} when the body names none.
     */
    public ItemKey keyOf(String bodyText) {
        JsonNode body = parse(bodyText);
        if (REFUSED_BY_QUEUE.equals(body.path("kind").asText())) {
            return ItemKey.of(object(body, "keys", true));
        }
        return decode(bodyText).key();
    }

    /** Parses a body; throws {@link MalformedChangeException} naming the field that is wrong. */
    public ChangeEvent decode(String bodyText) {
        JsonNode body = parse(bodyText);
        int version = body.path("v").asInt(-1);
        if (version > SCHEMA_VERSION && body.get("v").isIntegralNumber()) {
            throw new NewerSchemaException(version, SCHEMA_VERSION);
        }
        if (version < OLDEST_READABLE_VERSION || version > SCHEMA_VERSION) {
            throw new MalformedChangeException("v", body.get("v"), "unknown schema version (this replay reads "
                    + OLDEST_READABLE_VERSION + " to " + SCHEMA_VERSION + ")");
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
                body.path("sourceTableArn").isTextual() ? body.get("sourceTableArn").asText() : null,
                version >= 2 ? delta(body) : null);
        change.key(); // validates the key attributes now, not at write time
        return change;
    }

    /** The delta of a version 2 body; null when it was captured without an old image. */
    private static ChangeDelta delta(JsonNode body) {
        if (!body.has("oldImageDigest")) {
            return null;
        }
        return new ChangeDelta(names(body, "changed"), names(body, "removed"), text(body, "oldImageDigest"));
    }

    private static java.util.List<String> names(JsonNode body, String field) {
        JsonNode value = body.get(field);
        if (value == null || value.isNull()) {
            return java.util.List.of();
        }
        if (!value.isArray()) {
            throw new MalformedChangeException(field, value, "must be an array of attribute names");
        }
        java.util.List<String> names = new java.util.ArrayList<>(value.size());
        for (JsonNode name : value) {
            if (!name.isTextual()) {
                throw new MalformedChangeException(field, value, "must be an array of attribute names");
            }
            names.add(name.asText());
        }
        return names;
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
