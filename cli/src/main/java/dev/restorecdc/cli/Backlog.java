package dev.restorecdc.cli;

import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;
import software.amazon.awssdk.services.sqs.model.QueueDoesNotExistException;

import java.util.Map;

/**
 * What waits in the deployment's queues: the changes queue's visible and in-flight messages and
 * the dead-letter queue's visible ones (SQS's approximate counts), or why they cannot be read.
 */
record Backlog(String queue, long visible, long inFlight, String deadLetterQueue, long deadLetters, String problem) {

    static Backlog read(SqsClient sqs, DeploymentNames names) {
        try {
            Map<QueueAttributeName, String> queue = attributes(sqs, names.queue());
            Map<QueueAttributeName, String> dlq = attributes(sqs, names.deadLetterQueue());
            return new Backlog(names.queue(), count(queue, QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES),
                    count(queue, QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE), names.deadLetterQueue(),
                    count(dlq, QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES), null);
        } catch (QueueDoesNotExistException e) {
            return unknown(names, "queue not found (deployment not applied, or another --name-prefix?)");
        } catch (AwsServiceException e) {
            if (AwsErrors.isAccessDenied(e)) {
                return unknown(names, "no permission for " + AwsErrors.action(e));
            }
            throw e;
        }
    }

    private static Backlog unknown(DeploymentNames names, String problem) {
        return new Backlog(names.queue(), -1, -1, names.deadLetterQueue(), -1, problem);
    }

    private static Map<QueueAttributeName, String> attributes(SqsClient sqs, String name) {
        String url = sqs.getQueueUrl(r -> r.queueName(name)).queueUrl();
        return sqs.getQueueAttributes(r -> r.queueUrl(url).attributeNames(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES,
                QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE)).attributes();
    }

    private static long count(Map<QueueAttributeName, String> attributes, QueueAttributeName name) {
        String value = attributes.get(name);
        return value == null ? 0 : Long.parseLong(value);
    }

    String describe() {
        if (problem != null) {
            return "backlog unknown: " + queue + ": " + problem;
        }
        return "backlog: " + queue + " " + visible + " visible, " + inFlight + " in flight; " + deadLetterQueue + " "
                + deadLetters + (deadLetters > 0 ? " (restore-cdc repair handles them)" : "");
    }
}
