package dev.restorecdc.local;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;

import java.util.Base64;
import java.util.List;
import java.util.Map;

/** The SQS event Lambda sends to a function, in AWS's shape, from received messages. */
final class SqsLambdaEvent {

    private static final ObjectMapper JSON = new ObjectMapper();

    private SqsLambdaEvent() {
    }

    static String of(List<Message> messages, String queueArn, String region) {
        ObjectNode event = JSON.createObjectNode();
        ArrayNode records = event.putArray("Records");
        for (Message message : messages) {
            ObjectNode record = records.addObject();
            record.put("messageId", message.messageId());
            record.put("receiptHandle", message.receiptHandle());
            record.put("body", message.body());
            ObjectNode attributes = record.putObject("attributes");
            message.attributesAsStrings().forEach(attributes::put);
            ObjectNode messageAttributes = record.putObject("messageAttributes");
            for (Map.Entry<String, MessageAttributeValue> attribute : message.messageAttributes().entrySet()) {
                MessageAttributeValue value = attribute.getValue();
                ObjectNode typed = messageAttributes.putObject(attribute.getKey());
                if (value.stringValue() != null) {
                    typed.put("stringValue", value.stringValue());
                }
                if (value.binaryValue() != null) {
                    typed.put("binaryValue", Base64.getEncoder().encodeToString(value.binaryValue().asByteArray()));
                }
                typed.putArray("stringListValues");
                typed.putArray("binaryListValues");
                typed.put("dataType", value.dataType());
            }
            record.put("md5OfBody", message.md5OfBody());
            if (message.md5OfMessageAttributes() != null) {
                record.put("md5OfMessageAttributes", message.md5OfMessageAttributes());
            }
            record.put("eventSource", "aws:sqs");
            record.put("eventSourceARN", queueArn);
            record.put("awsRegion", region);
        }
        return event.toString();
    }
}
