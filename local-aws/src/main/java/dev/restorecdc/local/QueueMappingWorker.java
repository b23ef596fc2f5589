package dev.restorecdc.local;

import software.amazon.awssdk.services.lambda.model.FunctionResponseType;
import software.amazon.awssdk.services.lambda.model.GetEventSourceMappingResponse;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;

import java.util.ArrayList;
import java.util.List;

/**
 * SQS queue → function, as Lambda's SQS poller does it: receive up to the batch size (at most 10
 * for FIFO), invoke, delete what succeeded. A failed message is left alone: it comes back after
 * the queue's visibility timeout, and SQS itself moves it to the DLQ once its receive count passes
 * maxReceiveCount (moto 5.2.1 does that on receive, as SQS does, so nothing here redrives).
 *
 * <p>Concurrency as Lambda's: up to the mapping's {@code ScalingConfig.MaximumConcurrency} batches
 * at once (bounded by the local service's {@link LocalFunction#concurrency()}), each a receive and
 * an invocation of its own. For a FIFO queue SQS itself keeps two batches of one message group from
 * being in flight together (a group with a message in flight is not delivered), so every group
 * stays in order while different groups replay in parallel.
 */
final class QueueMappingWorker extends MappingWorker {

    private String queueUrl;

    QueueMappingWorker(String uuid, LocalClients aws, LambdaService lambdas, ServiceLog log) {
        super(uuid, aws, lambdas, log);
    }

    /** The mapping as the main loop last read it; the pollers follow it. */
    private volatile GetEventSourceMappingResponse current;
    private final List<Thread> pollers = new ArrayList<>();

    @Override
    boolean poll(GetEventSourceMappingResponse mapping) {
        if (queueUrl == null) {
            String arn = mapping.eventSourceArn();
            String[] parts = arn.split(":");
            queueUrl = aws.sqs().getQueueUrl(r -> r.queueName(parts[5]).queueOwnerAWSAccountId(parts[4])).queueUrl();
        }
        int concurrency = concurrency(mapping);
        if (concurrency == 1 && pollers.isEmpty()) {
            return receiveAndInvoke(mapping);
        }
        // Several pollers, each receiving and invoking on its own, as Lambda's do: a slow batch never
        // holds the others up. The main loop only keeps their view of the mapping fresh (observed: its
        // state, its maximum concurrency) and this starts more pollers when the concurrency grows.
        current = mapping;
        while (pollers.size() < concurrency) {
            int index = pollers.size();
            Thread poller = new Thread(() -> pollAlone(index), "mapping-" + uuid + "-poller-" + index);
            poller.setDaemon(true);
            pollers.add(poller);
            poller.start();
        }
        return false;
    }

    @Override
    void observed(GetEventSourceMappingResponse mapping) {
        current = mapping;
    }

    /** One poller: receive, invoke, delete, while the mapping is enabled and this poller within its concurrency. */
    private void pollAlone(int index) {
        while (!stopped() && running()) {
            GetEventSourceMappingResponse mapping = current;
            boolean enabled = "Enabled".equals(mapping.state()) || "Enabling".equals(mapping.state());
            boolean worked = false;
            if (enabled && index < concurrency(mapping)) {
                try {
                    worked = receiveAndInvoke(mapping);
                } catch (RuntimeException e) {
                    if (stopped()) {
                        return;
                    }
                    log.log("mapping " + uuid + " poller " + index + ": " + e);
                }
            }
            if (!worked && !sleep(IDLE_POLL)) {
                return;
            }
        }
    }

    /** Batches in flight at once: the mapping's maximum concurrency, within the local service's limit. */
    static int concurrency(GetEventSourceMappingResponse mapping) {
        Integer maximum = mapping.scalingConfig() == null ? null : mapping.scalingConfig().maximumConcurrency();
        return Math.min(maximum == null ? Integer.MAX_VALUE : maximum, LocalFunction.concurrency());
    }

    @Override
    void stop() {
        super.stop();
        for (Thread poller : pollers) {
            poller.interrupt();
        }
        for (Thread poller : pollers) {
            try {
                poller.join(java.time.Duration.ofSeconds(10).toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private boolean receiveAndInvoke(GetEventSourceMappingResponse mapping) {
        int batchSize = Math.min(10, mapping.batchSize() == null ? 10 : mapping.batchSize());
        List<Message> messages = aws.sqs().receiveMessage(r -> r.queueUrl(queueUrl)
                .maxNumberOfMessages(batchSize)
                .messageSystemAttributeNames(MessageSystemAttributeName.ALL)
                .messageAttributeNames("All")).messages();
        if (messages.isEmpty()) {
            return false;
        }
        String event = SqsLambdaEvent.of(messages, mapping.eventSourceArn(), LocalClients.REGION.id());
        InvocationResult result = lambdas.invoke(functionName(mapping), event);
        boolean reportsFailures = mapping.functionResponseTypes().contains(FunctionResponseType.REPORT_BATCH_ITEM_FAILURES);
        BatchOutcome outcome = BatchOutcome.read(result, reportsFailures, messages.stream().map(Message::messageId).toList());
        List<DeleteMessageBatchRequestEntry> done = new ArrayList<>();
        for (int i = 0; i < messages.size(); i++) {
            Message message = messages.get(i);
            boolean ok = switch (outcome.kind()) {
                case SUCCESS -> true;
                case PARTIAL -> !outcome.failedIds().contains(message.messageId());
                case FAILED -> false;
            };
            if (ok) {
                done.add(DeleteMessageBatchRequestEntry.builder().id(String.valueOf(i)).receiptHandle(message.receiptHandle()).build());
            }
        }
        if (!done.isEmpty()) {
            var deleted = aws.sqs().deleteMessageBatch(r -> r.queueUrl(queueUrl).entries(done));
            if (deleted.hasFailed() && !deleted.failed().isEmpty()) {
                log.log("mapping " + uuid + ": could not delete " + deleted.failed() + " (they will be delivered again)");
            }
        }
        if (outcome.kind() != BatchOutcome.Kind.SUCCESS) {
            log.log("mapping " + uuid + ": " + (messages.size() - done.size()) + " of " + messages.size()
                    + " messages failed (" + outcome.reason() + "); they return after the visibility timeout");
        }
        return true;
    }
}
