package dev.restorecdc.lambda;

import dev.restorecdc.testing.ChangePathResource;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;

import java.util.ArrayList;
import java.util.List;

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
}
