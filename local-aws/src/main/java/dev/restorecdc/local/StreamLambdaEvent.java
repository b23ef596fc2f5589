package dev.restorecdc.local;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.Record;
import software.amazon.awssdk.services.dynamodb.model.StreamRecord;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The DynamoDB Streams event Lambda sends to a function, built from GetRecords records in AWS's
 * shape (field names and order of AWS's sample event; ApproximateCreationDateTime in whole epoch
 * seconds, rounded down, as Lambda sends it even where the stream API has milliseconds).
 */
final class StreamLambdaEvent {

    private static final ObjectMapper JSON = new ObjectMapper();

    private StreamLambdaEvent() {
    }

    static String of(List<Record> records, String streamArn, String region) {
        return event(records, streamArn, region).toString();
    }

    /**
     * The event of a mapping with {@code TumblingWindowInSeconds} (AWS "Implementing stateful
     * DynamoDB stream processing"): the records plus {@code window}, the {@code state} the function
     * returned last in this window ({@code {}} at its start), {@code shardId}, {@code eventSourceARN},
     * {@code isFinalInvokeForWindow} (the window's last invocation, which may carry no records) and
     * {@code isWindowTerminatedEarly}.
     */
    static String windowed(List<Record> records, String streamArn, String region, TumblingWindow window) {
        ObjectNode event = event(records, streamArn, region);
        event.putObject("window").put("start", window.start().toString()).put("end", window.end().toString());
        event.set("state", window.state() == null ? JSON.createObjectNode() : window.state());
        event.put("shardId", window.shardId());
        event.put("eventSourceARN", streamArn);
        event.put("isFinalInvokeForWindow", window.finalInvoke());
        event.put("isWindowTerminatedEarly", false);
        return event.toString();
    }

    /** One tumbling window of one shard, as the next invocation sees it. */
    record TumblingWindow(String shardId, java.time.Instant start, java.time.Instant end,
                          com.fasterxml.jackson.databind.JsonNode state, boolean finalInvoke) {
    }

    private static ObjectNode event(List<Record> records, String streamArn, String region) {
        ObjectNode event = JSON.createObjectNode();
        ArrayNode list = event.putArray("Records");
        for (Record record : records) {
            list.add(record(record, streamArn, region));
        }
        return event;
    }

    private static ObjectNode record(Record record, String streamArn, String region) {
        StreamRecord stream = record.dynamodb();
        ObjectNode node = JSON.createObjectNode();
        node.put("eventID", record.eventID());
        node.put("eventName", record.eventNameAsString());
        node.put("eventVersion", "1.1");
        node.put("eventSource", "aws:dynamodb");
        node.put("awsRegion", region);
        ObjectNode dynamodb = node.putObject("dynamodb");
        if (stream.approximateCreationDateTime() != null) {
            dynamodb.put("ApproximateCreationDateTime", stream.approximateCreationDateTime().getEpochSecond());
        }
        dynamodb.set("Keys", WireJson.of(keys(stream)));
        if (stream.hasNewImage()) {
            dynamodb.set("NewImage", WireJson.of(stream.newImage()));
        }
        if (stream.hasOldImage()) {
            dynamodb.set("OldImage", WireJson.of(stream.oldImage()));
        }
        dynamodb.put("SequenceNumber", stream.sequenceNumber());
        dynamodb.put("SizeBytes", stream.sizeBytes());
        dynamodb.put("StreamViewType", stream.streamViewTypeAsString());
        if (record.userIdentity() != null) {
            // Present on TTL deletions: {"type": "Service", "principalId": "dynamodb.amazonaws.com"}.
            node.putObject("userIdentity").put("type", record.userIdentity().type()).put("principalId", record.userIdentity().principalId());
        }
        node.put("eventSourceARN", streamArn);
        return node;
    }

    /**
     * moto 5.2.1 base64-encodes binary key values in Keys twice (the images are right). A key
     * attribute is in the item, so its value is taken from the image when there is one; only a
     * KEYS_ONLY stream falls back to undoing the extra encoding.
     */
    static Map<String, AttributeValue> keys(StreamRecord stream) {
        Map<String, AttributeValue> keys = new LinkedHashMap<>(stream.keys());
        Map<String, AttributeValue> image = stream.hasNewImage() ? stream.newImage() : stream.hasOldImage() ? stream.oldImage() : Map.of();
        keys.replaceAll((name, value) -> {
            if (value.type() != AttributeValue.Type.B) {
                return value;
            }
            AttributeValue fromImage = image.get(name);
            if (fromImage != null) {
                return fromImage;
            }
            String text = value.b().asString(StandardCharsets.ISO_8859_1);
            try {
                return AttributeValue.fromB(SdkBytes.fromByteArray(Base64.getDecoder().decode(text)));
            } catch (IllegalArgumentException notBase64) {
                return value;
            }
        });
        return keys;
    }
}
