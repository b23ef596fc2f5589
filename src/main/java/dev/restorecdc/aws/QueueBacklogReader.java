package dev.restorecdc.aws;

import dev.restorecdc.session.QueueBacklog;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

import java.util.Map;

/** The change queue's backlog from SQS's approximate counts (one GetQueueAttributes call). */
@ApplicationScoped
public class QueueBacklogReader implements QueueBacklog {

    private final SqsClient sqs;

    @Inject
    public QueueBacklogReader(SqsClient sqs) {
        this.sqs = sqs;
    }

    @Override
    public Backlog backlog(String queueUrl) {
        Map<QueueAttributeName, String> a = sqs.getQueueAttributes(r -> r.queueUrl(queueUrl).attributeNames(
                QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES,
                QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE)).attributes();
        return new Backlog(
                Long.parseLong(a.getOrDefault(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES, "0")),
                Long.parseLong(a.getOrDefault(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE, "0")));
    }
}
