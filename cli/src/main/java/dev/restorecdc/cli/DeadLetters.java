package dev.restorecdc.cli;

import dev.restorecdc.cdc.ChangeCodec;
import dev.restorecdc.cdc.ItemKey;
import dev.restorecdc.cdc.MalformedChangeException;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchResponse;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;
import software.amazon.awssdk.services.sqs.model.QueueDoesNotExistException;

import java.util.ArrayList;
import java.util.List;

/**
 * The deployment's dead-letter queue, read the way repair needs it: batches of messages decoded
 * into changes (their keys), deleted only once their key was rewritten, and the ones left alone
 * made visible again at the end so the next reader sees them at once.
 */
final class DeadLetters {

    /** Long enough to rewrite one batch of keys; a message not deleted by then reappears. */
    static final int HOLD_SECONDS = 120;

    private final SqsClient sqs;
    private final String url;
    private final ChangeCodec codec;

    private DeadLetters(SqsClient sqs, String url, ChangeCodec codec) {
        this.sqs = sqs;
        this.url = url;
        this.codec = codec;
    }

    static DeadLetters open(SqsClient sqs, String queueName, ChangeCodec codec) {
        try {
            return new DeadLetters(sqs, sqs.getQueueUrl(r -> r.queueName(queueName)).queueUrl(), codec);
        } catch (QueueDoesNotExistException e) {
            throw new CliFailure("dead-letter queue " + queueName + " does not exist (deployment not applied, or another "
                    + "--name-prefix?)");
        }
    }

    /** One received message: the item it is about (a change, or capture's record of a refused change), or why it names none. */
    record Letter(Message message, ItemKey key, String problem) {
    }

    long approximateCount() {
        String count = sqs.getQueueAttributes(r -> r.queueUrl(url).attributeNames(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES))
                .attributes().get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES);
        return count == null ? 0 : Long.parseLong(count);
    }

    List<Letter> receive() {
        List<Letter> letters = new ArrayList<>();
        for (Message message : sqs.receiveMessage(r -> r.queueUrl(url).maxNumberOfMessages(10)
                .visibilityTimeout(HOLD_SECONDS).waitTimeSeconds(0)).messages()) {
            try {
                letters.add(new Letter(message, codec.keyOf(message.body()), null));
            } catch (MalformedChangeException | IllegalArgumentException e) {
                letters.add(new Letter(message, null, e.getMessage()));
            }
        }
        return letters;
    }

    /** Deletes the messages; returns how many SQS deleted. */
    int delete(List<Message> messages) {
        int deleted = 0;
        for (int from = 0; from < messages.size(); from += 10) {
            List<Message> chunk = messages.subList(from, Math.min(messages.size(), from + 10));
            List<DeleteMessageBatchRequestEntry> entries = new ArrayList<>();
            for (int i = 0; i < chunk.size(); i++) {
                entries.add(DeleteMessageBatchRequestEntry.builder().id(Integer.toString(i))
                        .receiptHandle(chunk.get(i).receiptHandle()).build());
            }
            DeleteMessageBatchResponse response = sqs.deleteMessageBatch(r -> r.queueUrl(url).entries(entries));
            deleted += response.successful().size();
        }
        return deleted;
    }

    /** Makes held messages visible again (dry run, or messages repair could not handle). */
    void release(List<Message> messages) {
        for (Message message : messages) {
            sqs.changeMessageVisibility(r -> r.queueUrl(url).receiptHandle(message.receiptHandle()).visibilityTimeout(0));
        }
    }
}
