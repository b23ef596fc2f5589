package dev.restorecdc.aws;

import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

import java.util.Map;

/** The change queue's backlog, as SQS approximates it. */
public class QueueBacklogReader {

    /** Visible (waiting) and in-flight (received, not yet deleted) messages. */
    public record Backlog(long visible, long inFlight) {
        public long total() {
            return visible + inFlight;
        }
    }

    private final SqsClient sqs;

    public QueueBacklogReader(SqsClient sqs) {
        this.sqs = sqs;
    }

    public Backlog backlog(String queueUrl) {
        Map<QueueAttributeName, String> a = sqs.getQueueAttributes(r -> r.queueUrl(queueUrl).attributeNames(
                QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES,
                QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE)).attributes();
        return new Backlog(
                Long.parseLong(a.getOrDefault(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES, "0")),
                Long.parseLong(a.getOrDefault(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE, "0")));
    }
}
