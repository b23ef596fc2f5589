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

    /** How many SendMessageBatch calls of one invocation run at once: a stream batch of 100 records fills 10. */
    static final int MAX_CONCURRENT_CALLS = 10;

    /** Daemon threads, so they never hold the runtime up; idle between invocations. */
    private static final java.util.concurrent.ExecutorService SENDERS = java.util.concurrent.Executors.newFixedThreadPool(
            MAX_CONCURRENT_CALLS, work -> {
                Thread thread = new Thread(work, "capture-send");
                thread.setDaemon(true);
                return thread;
            });

    /** The batches' SendMessageBatch calls at once (they hold disjoint items, so no order binds them). */
    @Override
    public List<Map<QueuedChange, Refusal>> sendAll(List<List<QueuedChange>> batches) {
        if (batches.size() == 1) {
            return List.of(send(batches.get(0)));
        }
        List<java.util.concurrent.Future<Map<QueuedChange, Refusal>>> running = new ArrayList<>(batches.size());
        for (List<QueuedChange> batch : batches) {
            running.add(SENDERS.submit(() -> send(batch)));
        }
        List<Map<QueuedChange, Refusal>> results = new ArrayList<>(batches.size());
        for (int i = 0; i < running.size(); i++) {
            try {
                results.add(running.get(i).get());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                results.add(refuseAll(batches.get(i), "interrupted"));
            } catch (java.util.concurrent.ExecutionException e) {
                results.add(refuseAll(batches.get(i), String.valueOf(e.getCause())));
            }
        }
        return results;
    }

    private static Map<QueuedChange, Refusal> refuseAll(List<QueuedChange> batch, String why) {
        Map<QueuedChange, Refusal> refused = new HashMap<>();
        batch.forEach(change -> refused.put(change, Refusal.transientFailure("SendMessageBatch not sent: " + why)));
        return refused;
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
