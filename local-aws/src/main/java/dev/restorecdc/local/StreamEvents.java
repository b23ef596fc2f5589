package dev.restorecdc.local;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;

/**
 * DynamoDB Streams Lambda events for tests: the fixtures under {@code events/}, and generated
 * workloads built in exactly their shape (one record of AWS's sample stream event,
 * {@code stream-record.json} beside this class, is the template).
 */
public final class StreamEvents {

    public static final ObjectMapper JSON = new ObjectMapper();
    private static final AtomicLong SEQUENCE = new AtomicLong(500_000_000_000_000_000L);

    private final ObjectNode event = JSON.createObjectNode();
    private final ArrayNode records = event.putArray("Records");
    private final ObjectNode template;

    private StreamEvents() {
        template = (ObjectNode) read(StreamEvents.class.getResourceAsStream("stream-record.json"), "stream-record.json");
    }

    public static StreamEvents builder() {
        return new StreamEvents();
    }

    /**
     * One record of an SQS FIFO event as Lambda sends it (AWS's sample, {@code sqs-record.json} beside
     * this class), for building replay workloads in exactly that shape.
     */
    public static ObjectNode sqsRecordTemplate() {
        return read(StreamEvents.class.getResourceAsStream("sqs-record.json"), "sqs-record.json");
    }

    /** A fixture file {@code events/<name>} on the caller's classpath (a module's src/test/resources/events/). */
    public static ObjectNode fixture(String name) {
        return read(Thread.currentThread().getContextClassLoader().getResourceAsStream("events/" + name), "events/" + name);
    }

    private static ObjectNode read(InputStream resource, String name) {
        try (InputStream in = resource) {
            if (in == null) {
                throw new IllegalArgumentException("no fixture " + name);
            }
            return (ObjectNode) JSON.readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Adds a put (INSERT or MODIFY) of an item whose key is {@code {"pk":{"S":pk}}}. */
    public StreamEvents put(String pk, ObjectNode image, Instant at) {
        ObjectNode keys = JSON.createObjectNode();
        keys.putObject("pk").put("S", pk);
        ObjectNode full = image.deepCopy();
        full.set("pk", keys.get("pk"));
        return record("MODIFY", keys, full, at);
    }

    public StreamEvents delete(String pk, Instant at) {
        ObjectNode keys = JSON.createObjectNode();
        keys.putObject("pk").put("S", pk);
        return record("REMOVE", keys, null, at);
    }

    public StreamEvents record(String eventName, ObjectNode keys, ObjectNode newImage, Instant at) {
        long sequence = SEQUENCE.incrementAndGet();
        ObjectNode record = template.deepCopy();
        record.put("eventID", Long.toHexString(sequence) + "-" + eventName.toLowerCase());
        record.put("eventName", eventName);
        ObjectNode dynamodb = (ObjectNode) record.get("dynamodb");
        dynamodb.put("ApproximateCreationDateTime", at.getEpochSecond());
        dynamodb.set("Keys", keys);
        dynamodb.remove("OldImage");
        if (newImage == null) {
            dynamodb.remove("NewImage");
        } else {
            dynamodb.set("NewImage", newImage);
        }
        dynamodb.put("SequenceNumber", Long.toString(sequence));
        records.add(record);
        return this;
    }

    public ObjectNode build() {
        return event;
    }

    public int size() {
        return records.size();
    }

    /** Copies a record (a redelivery of the same stream record). */
    public StreamEvents repeat(int index) {
        records.add(records.get(index).deepCopy());
        return this;
    }
}
