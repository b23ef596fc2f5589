package dev.restorecdc.aws;

import dev.restorecdc.cdc.ChangeQueue;
import dev.restorecdc.cdc.ChangeQueue.Refusal;
import dev.restorecdc.cdc.QueuedChange;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.BatchResultErrorEntry;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchResponse;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** The FIFO queue, through SendMessageBatch. */
public final class SqsChangeQueue implements ChangeQueue {

    private final SqsClient sqs;
    private final String queueUrl;

    public SqsChangeQueue(SqsClient sqs, String queueUrl) {
        this.sqs = sqs;
        this.queueUrl = queueUrl;
    }

    @Override
    public Map<QueuedChange, Refusal> send(List<QueuedChange> batch) {
        List<SendMessageBatchRequestEntry> entries = new ArrayList<>(batch.size());
        for (int i = 0; i < batch.size(); i++) {
            QueuedChange change = batch.get(i);
            entries.add(SendMessageBatchRequestEntry.builder()
                    .id(Integer.toString(i))
                    .messageBody(change.body())
                    .messageGroupId(change.groupId())
                    .messageDeduplicationId(change.deduplicationId())
                    .build());
        }
        Map<QueuedChange, Refusal> refused = new HashMap<>();
        SendMessageBatchResponse response;
        try {
            response = sqs.sendMessageBatch(b -> b.queueUrl(queueUrl).entries(entries));
        } catch (AwsServiceException e) {
            Refusal refusal = isTransient(e)
                    ? Refusal.transientFailure("SendMessageBatch failed: " + e.getMessage())
                    : Refusal.ofQueue("SendMessageBatch failed: " + e.getMessage());
            batch.forEach(change -> refused.put(change, refusal));
            return refused;
        } catch (SdkException e) {
            // No answer from SQS (network, timeout): nothing says the entries were refused for good.
            batch.forEach(change -> refused.put(change, Refusal.transientFailure("SendMessageBatch failed: " + e.getMessage())));
            return refused;
        }
        for (BatchResultErrorEntry error : response.failed()) {
            refused.put(batch.get(Integer.parseInt(error.id())), refusal(error));
        }
        return refused;
    }

    /**
     * SQS's own classification (BatchResultErrorEntry.SenderFault): false is SQS's fault and worth
     * sending again; true is the entry's fault (too long, illegal characters) and final, except
     * throttling, which SQS may report either way.
     */
    static Refusal refusal(BatchResultErrorEntry error) {
        String reason = error.code() + ": " + error.message();
        boolean throttled = error.code() != null && error.code().toLowerCase(java.util.Locale.ROOT).contains("throttl");
        return Boolean.TRUE.equals(error.senderFault()) && !throttled ? Refusal.ofRecord(reason) : Refusal.transientFailure(reason);
    }

    private static boolean isTransient(AwsServiceException e) {
        return e.isThrottlingException() || e.statusCode() >= 500 || e.statusCode() == 0;
    }
}
