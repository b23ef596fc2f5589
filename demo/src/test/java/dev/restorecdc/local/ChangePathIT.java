package dev.restorecdc.local;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.lambda.model.InvokeResponse;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The packaged artefact on the local AWS: the real capture and replay handlers run as Lambda
 * functions (bin/lambda-runtime), fed by the emulated mappings, enabled through the Lambda API.
 * Needs `mvn package` first (failsafe runs after it).
 */
class ChangePathIT {

    private static final Duration PATIENCE = Duration.ofSeconds(90);
    private static LocalAws aws;

    @BeforeAll
    static void start() {
        aws = LocalAws.start();
    }

    @AfterAll
    static void stop() {
        aws.close();
    }

    @Test
    void writesToTheSourceArriveInTheTargetThroughRealCaptureQueueAndReplay() {
        Deployment d = deployStatic("orders");
        enable(d.captureMappingUuid(), true);
        enable(d.replayMappingUuid(), true);

        put("orders", "a1", "1");
        put("orders", "a2", "1");
        put("orders", "a1", "2");
        aws.clients().dynamo().deleteItem(r -> r.tableName("orders").key(Map.of("pk", AttributeValue.fromS("a2"))));
        put("orders", "a3", "1");

        await("a1=2 and a3 replayed, a2 deleted", () -> "2".equals(value("orders-restored", "a1"))
                && "1".equals(value("orders-restored", "a3")) && value("orders-restored", "a2") == null);
        await("queue drained", () -> backlog(d.queueUrl()) == 0);
    }

    @Test
    void aDisabledCaptureMappingDeliversNothingUntilItIsEnabledAgain() throws Exception {
        Deployment d = deployStatic("carts");
        enable(d.replayMappingUuid(), true);

        put("carts", "c1", "1");
        Thread.sleep(3000);
        assertThat(backlog(d.queueUrl())).isZero();
        assertThat(value("carts-restored", "c1")).isNull();

        enable(d.captureMappingUuid(), true);
        await("c1 replayed after enabling capture", () -> "1".equals(value("carts-restored", "c1")));
    }

    @Test
    void aMessageReplayCanNeverApplyGoesToTheDlqWithItsReasonAtOnceAndTheChangePathGoesOn() {
        Deployment d = deployStatic("payments");
        // A body with no keys: replay can never apply it (poison), whatever the number of receives.
        aws.clients().sqs().sendMessage(r -> r.queueUrl(d.queueUrl()).messageGroupId("g").messageDeduplicationId("bad-1")
                .messageBody("{\"v\":1,\"eventName\":\"INSERT\"}"));
        enable(d.captureMappingUuid(), true);
        enable(d.replayMappingUuid(), true);
        put("payments", "p1", "1");

        await("the poison message in the DLQ and the valid change applied",
                () -> !dlq(d).isEmpty() && "1".equals(value("payments-restored", "p1")));
        List<Message> dead = dlq(d);
        assertThat(dead).hasSize(1);
        assertThat(dead.get(0).body()).contains("\"eventName\":\"INSERT\"");
        assertThat(dead.get(0).messageAttributes()).containsKey("reason");
        await("queue drained", () -> backlog(d.queueUrl()) == 0);
    }

    @Test
    void aLambdaInvokeThroughTheEmulatorReachesTheFunctionProcess() {
        Deployment d = deployStatic("invoices");

        InvokeResponse response = aws.clients().lambda().invoke(r -> r.functionName(d.captureFunctionName())
                .payload(SdkBytes.fromUtf8String("{\"Records\":[]}")));

        assertThat(response.functionError()).as(response.payload().asUtf8String()).isNull();
        assertThat(response.payload().asUtf8String()).contains("batchItemFailures");
    }

    /** Static mode (CDC_TARGET_TABLE, CDC_REPLAY_FROM): replay needs no session; short visibility so retries take seconds. */
    private static Deployment deployStatic(String table) {
        aws.createSourceTable(table, "pk");
        aws.createSourceTable(table + "-restored", "pk");
        return aws.deploy(table, DeploymentValues.defaults()
                .with("queue.visibility_timeout_seconds", 1)
                .with("queue.max_receive_count", 2)
                .withEnvironment("replay", "CDC_TARGET_TABLE", table + "-restored")
                .withEnvironment("replay", "CDC_REPLAY_FROM", "2000-01-01T00:00:00Z"));
    }

    private static void enable(String uuid, boolean enabled) {
        aws.clients().lambda().updateEventSourceMapping(r -> r.uuid(uuid).enabled(enabled));
    }

    private static void put(String table, String pk, String value) {
        aws.clients().dynamo().putItem(r -> r.tableName(table).item(Map.of("pk", AttributeValue.fromS(pk), "v", AttributeValue.fromS(value))));
    }

    private static String value(String table, String pk) {
        Map<String, AttributeValue> item = aws.clients().dynamo().getItem(r -> r.tableName(table).consistentRead(true)
                .key(Map.of("pk", AttributeValue.fromS(pk)))).item();
        return item == null || item.isEmpty() ? null : item.get("v").s();
    }

    private static int backlog(String queueUrl) {
        Map<QueueAttributeName, String> attributes = aws.clients().sqs().getQueueAttributes(r -> r.queueUrl(queueUrl).attributeNames(
                QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES, QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE)).attributes();
        return Integer.parseInt(attributes.get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES))
                + Integer.parseInt(attributes.get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE));
    }

    private static List<Message> dlq(Deployment d) {
        // Peek without consuming: visibility 0 leaves the message where it is.
        return aws.clients().sqs().receiveMessage(r -> r.queueUrl(d.dlqUrl()).maxNumberOfMessages(10).visibilityTimeout(0)
                .messageAttributeNames("All")).messages();
    }

    private static void await(String what, BooleanSupplier condition) {
        Instant deadline = Instant.now().plus(PATIENCE);
        while (Instant.now().isBefore(deadline)) {
            if (condition.getAsBoolean()) {
                return;
            }
            try {
                Thread.sleep(250);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted waiting for " + what);
            }
        }
        throw new AssertionError("timed out after " + PATIENCE + " waiting for " + what + "; logs in " + LambdaService.LOG_DIR);
    }
}
