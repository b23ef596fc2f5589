package dev.restorecdc.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import software.amazon.awssdk.services.eventbridge.model.PutEventsResponse;
import software.amazon.awssdk.services.sqs.model.Message;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The CloudTrail → EventBridge → Step Functions hop. moto's EventBridge cannot target Step
 * Functions, so the deployment's rule (the rendered pattern, matched by moto's own matcher) targets
 * a queue; this forwards each event that arrives there to StartExecution of the state machine, with
 * the whole event as input, as EventBridge's Step Functions target does.
 */
public final class RestoreEventHop implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final LocalClients aws;
    private final Deployment deployment;
    private final ServiceLog log = new ServiceLog("restore-event-hop");
    private final LinkedBlockingQueue<String> started = new LinkedBlockingQueue<>();
    private final Thread thread;
    private volatile boolean stopped;

    private RestoreEventHop(LocalClients aws, Deployment deployment) {
        this.aws = aws;
        this.deployment = deployment;
        this.thread = new Thread(this::forward, "restore-event-hop-" + deployment.namePrefix());
        thread.setDaemon(true);
    }

    public static RestoreEventHop start(LocalClients aws, Deployment deployment) {
        RestoreEventHop hop = new RestoreEventHop(aws, deployment);
        hop.thread.start();
        return hop;
    }

    /**
     * Sends a CloudTrail-shaped event ({@code source}, {@code detail-type}, {@code detail}, as in
     * src/test/resources/events/) to the default bus, as CloudTrail does for an API call.
     */
    public void putCloudTrailEvent(JsonNode event) {
        try {
            String detail = JSON.writeValueAsString(event.get("detail"));
            PutEventsResponse response = aws.events().putEvents(r -> r.entries(e -> e
                    .source(event.path("source").asText())
                    .detailType(event.path("detail-type").asText())
                    .detail(detail)
                    .eventBusName(deployment.eventBusName())));
            if (response.failedEntryCount() > 0) {
                throw new IllegalStateException("PutEvents refused the event: " + response.entries());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The ARN of the next execution this hop started, waiting up to {@code timeout}; null if none. */
    public String awaitExecution(Duration timeout) {
        try {
            return started.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    private void forward() {
        while (!stopped) {
            try {
                List<Message> messages = aws.sqs().receiveMessage(r -> r.queueUrl(deployment.restoreEventsQueueUrl())
                        .maxNumberOfMessages(10)).messages();
                for (Message message : messages) {
                    String input = withAccount(message.body());
                    String arn = aws.sfn().startExecution(r -> r.stateMachineArn(deployment.stateMachineArn())
                            .name(UUID.randomUUID().toString()).input(input)).executionArn();
                    aws.sqs().deleteMessage(r -> r.queueUrl(deployment.restoreEventsQueueUrl()).receiptHandle(message.receiptHandle()));
                    log.log("event " + JSON.readTree(input).path("id").asText() + " started " + arn);
                    started.add(arn);
                }
                if (messages.isEmpty()) {
                    Thread.sleep(MappingWorker.IDLE_POLL.toMillis());
                }
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException | IOException e) {
                if (stopped) {
                    return;
                }
                log.log("forwarding failed: " + e);
                try {
                    Thread.sleep(500);
                } catch (InterruptedException interrupted) {
                    return;
                }
            }
        }
    }

    /** moto's delivered event lacks "account", which EventBridge always sets; the input should look like AWS's. */
    private static String withAccount(String body) throws IOException {
        JsonNode event = JSON.readTree(body);
        if (event instanceof ObjectNode object && !object.has("account")) {
            object.put("account", LocalClients.ACCOUNT);
            return object.toString();
        }
        return body;
    }

    @Override
    public void close() {
        stopped = true;
        thread.interrupt();
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

}
