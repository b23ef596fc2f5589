package dev.restorecdc.lambda;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.restorecdc.local.ChangePathResource;
import dev.restorecdc.local.StreamEvents;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Reads the change queue the way the replay's event source mapping does, for assertions and drains. */
final class Queue {

    private Queue() {
    }

    /** Receives up to 10 visible messages with their FIFO attributes (they become invisible for a while). */
    static List<Message> receive(int max) {
        return ChangePathResource.sqs().receiveMessage(b -> b.queueUrl(ChangePathResource.queueUrl())
                .maxNumberOfMessages(max).messageSystemAttributeNames(MessageSystemAttributeName.ALL)).messages();
    }

    /** Every message now in the queue, in delivery order, deleting them. */
    static List<Message> drain() {
        List<Message> all = new ArrayList<>();
        for (List<Message> batch = receive(10); !batch.isEmpty(); batch = receive(10)) {
            all.addAll(batch);
            delete(batch);
        }
        return all;
    }

    static void delete(List<Message> messages) {
        for (Message message : messages) {
            ChangePathResource.sqs().deleteMessage(b -> b.queueUrl(ChangePathResource.queueUrl())
                    .receiptHandle(message.receiptHandle()));
        }
    }

    /** An SQS Lambda event in the shape of events/sqs-fifo-changes.json carrying these messages. */
    static ObjectNode event(List<Message> messages) {
        JsonNode template = StreamEvents.fixture("sqs-fifo-changes.json").get("Records").get(0);
        ObjectNode event = StreamEvents.JSON.createObjectNode();
        ArrayNode records = event.putArray("Records");
        for (Message message : messages) {
            ObjectNode record = template.deepCopy();
            record.put("messageId", message.messageId());
            record.put("receiptHandle", message.receiptHandle());
            record.put("body", message.body());
            record.put("md5OfBody", message.md5OfBody());
            ObjectNode attributes = record.putObject("attributes");
            for (Map.Entry<MessageSystemAttributeName, String> attribute : message.attributes().entrySet()) {
                attributes.put(attribute.getKey().toString(), attribute.getValue());
            }
            records.add(record);
        }
        return event;
    }
}
