package dev.restorecdc.aws;

import dev.restorecdc.cdc.ChangeCodec;
import dev.restorecdc.cdc.DeadLetterQueue;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The FIFO dead-letter queue through SendMessage. The reason goes along as String message attributes
 * when body and attributes together fit SQS's 1 MiB (attributes count towards it); a letter whose body
 * alone nearly fills a message is sent without them (the function's log line always names the reason).
 */
public final class SqsDeadLetterQueue implements DeadLetterQueue {

    /** SQS's limit for a message, body and attributes together. */
    static final int MAX_MESSAGE_BYTES = 1024 * 1024;

    private final SqsClient sqs;
    private final String queueUrl;

    public SqsDeadLetterQueue(SqsClient sqs, String queueUrl) {
        this.sqs = sqs;
        this.queueUrl = queueUrl;
    }

    @Override
    public Optional<String> send(Letter letter) {
        Map<String, MessageAttributeValue> attributes = new HashMap<>();
        int bytes = letter.body().getBytes(StandardCharsets.UTF_8).length;
        for (Map.Entry<String, String> attribute : letter.attributes().entrySet()) {
            String value = legal(attribute.getValue());
            attributes.put(attribute.getKey(), MessageAttributeValue.builder().dataType("String").stringValue(value).build());
            bytes += attribute.getKey().length() + "String".length() + value.getBytes(StandardCharsets.UTF_8).length;
        }
        Map<String, MessageAttributeValue> sent = bytes <= MAX_MESSAGE_BYTES && attributes.size() <= 10 ? attributes : Map.of();
        try {
            sqs.sendMessage(b -> b.queueUrl(queueUrl).messageBody(letter.body()).messageGroupId(letter.groupId())
                    .messageDeduplicationId(letter.deduplicationId()).messageAttributes(sent));
            return Optional.empty();
        } catch (SdkException e) {
            return Optional.of(e.getMessage());
        }
    }

    /** Attribute values obey SQS's character rule too; reasons may quote an item's text. */
    private static String legal(String value) {
        String text = value == null ? "" : value;
        if (text.length() > MAX_ATTRIBUTE_CHARS) {
            text = text.substring(0, MAX_ATTRIBUTE_CHARS) + "…";
        }
        StringBuilder out = new StringBuilder(text.length());
        text.codePoints().forEach(c -> {
            if (ChangeCodec.sqsAllows(c)) {
                out.appendCodePoint(c);
            } else {
                out.append(String.format("\\u%04X", c));
            }
        });
        return out.isEmpty() ? "-" : out.toString();
    }
}
