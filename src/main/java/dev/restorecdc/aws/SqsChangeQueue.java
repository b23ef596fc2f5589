package dev.restorecdc.aws;

import dev.restorecdc.cdc.ChangeQueue;
import dev.restorecdc.cdc.QueuedChange;
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
    public Map<QueuedChange, String> send(List<QueuedChange> batch) {
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
        Map<QueuedChange, String> refused = new HashMap<>();
        SendMessageBatchResponse response;
        try {
            response = sqs.sendMessageBatch(b -> b.queueUrl(queueUrl).entries(entries));
        } catch (SdkException e) {
            batch.forEach(change -> refused.put(change, "SendMessageBatch failed: " + e.getMessage()));
            return refused;
        }
        for (BatchResultErrorEntry error : response.failed()) {
            refused.put(batch.get(Integer.parseInt(error.id())), error.code() + ": " + error.message());
        }
        return refused;
    }
}
