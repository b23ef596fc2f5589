package dev.restorecdc.local;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Sustained throttling of the restored table (a provisioned table, say) must not carry valid
 * changes to the DLQ: SQS counts every receive, so the deployment's max_receive_count × visibility
 * timeout has to outlast the throttling. The packaged replay runs through a fault proxy that throttles
 * every BatchWriteItem on the target (the control table is left alone) for 1.5 × 5 × the visibility
 * timeout (5 being the max_receive_count deployments had before), with the visibility timeout and the
 * replay timeout scaled down to 2 s. Nothing may reach the DLQ, and everything is applied once the
 * throttling stops.
 */
class ReplayUnderThrottlingIT {

    private static final Duration VISIBILITY = Duration.ofSeconds(2);
    private static final Duration THROTTLED_FOR = VISIBILITY.multipliedBy(5).multipliedBy(3).dividedBy(2);
    private static final Duration PATIENCE = Duration.ofSeconds(120);
    private static LocalAws aws;
    private static FaultProxy proxy;

    @BeforeAll
    static void start() {
        aws = LocalAws.start();
        proxy = FaultProxy.start(aws.emulator().endpoint());
    }

    @AfterAll
    static void stop() {
        proxy.close();
        aws.close();
    }

    @Test
    void aTargetThrottledLongerThanFiveReceivesMovesNothingToTheDlqAndEverythingIsAppliedAfterwards() {
        String table = "ledger";
        String target = table + "-restored";
        aws.createSourceTable(table, "pk");
        aws.createSourceTable(target, "pk");
        Deployment d = aws.deploy(table, DeploymentValues.defaults()
                .with("queue.visibility_timeout_seconds", (int) VISIBILITY.toSeconds())
                .with("replay.timeout_seconds", 2)
                .withEnvironment("replay", "AWS_ENDPOINT_URL", proxy.endpoint().toString())
                .withEnvironment("replay", "CDC_TARGET_TABLE", target)
                .withEnvironment("replay", "CDC_REPLAY_FROM", "2000-01-01T00:00:00Z"));
        AtomicBoolean throttling = new AtomicBoolean(true);
        AtomicReference<Instant> firstThrottled = new AtomicReference<>();
        proxy.on("DynamoDB_20120810.BatchWriteItem", (body, upstream) -> {
            if (throttling.get() && body.contains("\"" + target + "\"")) {
                firstThrottled.compareAndSet(null, Instant.now());
                return new FaultProxy.Reply(400, "{\"__type\":\"com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException\","
                        + "\"message\":\"The level of configured provisioned throughput for the table was exceeded.\"}");
            }
            return upstream.send(body);
        });
        aws.clients().lambda().updateEventSourceMapping(r -> r.uuid(d.captureMappingUuid()).enabled(true));
        aws.clients().lambda().updateEventSourceMapping(r -> r.uuid(d.replayMappingUuid()).enabled(true));

        Map<String, String> expected = new HashMap<>();
        for (int i = 0; i < 30; i++) {
            String pk = "k" + (i % 6);
            String value = Integer.toString(i);
            aws.clients().dynamo().putItem(r -> r.tableName(table).item(Map.of("pk", AttributeValue.fromS(pk), "v", AttributeValue.fromS(value))));
            expected.put(pk, value);
        }

        await("replay reaches the throttled target", () -> firstThrottled.get() != null);
        await("the target throttled for " + THROTTLED_FOR.toSeconds() + " s",
                () -> Duration.between(firstThrottled.get(), Instant.now()).compareTo(THROTTLED_FOR) >= 0);
        assertThat(depth(d.dlqUrl())).as("nothing in the DLQ while throttled").isZero();
        throttling.set(false);

        await("every change applied once throttling stops", () -> expected.entrySet().stream()
                .allMatch(e -> e.getValue().equals(value(target, e.getKey()))));
        assertThat(depth(d.dlqUrl())).as("nothing in the DLQ").isZero();
        assertThat(proxy.requests("DynamoDB_20120810.BatchWriteItem").stream().filter(b -> b.contains("\"" + target + "\"")).count())
                .as("replay kept trying through the throttling").isGreaterThan(5);
    }

    private static String value(String table, String pk) {
        Map<String, AttributeValue> item = aws.clients().dynamo().getItem(r -> r.tableName(table).consistentRead(true)
                .key(Map.of("pk", AttributeValue.fromS(pk)))).item();
        return item == null || item.isEmpty() ? null : item.get("v").s();
    }

    private static int depth(String queueUrl) {
        Map<QueueAttributeName, String> attributes = aws.clients().sqs().getQueueAttributes(r -> r.queueUrl(queueUrl).attributeNames(
                QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES, QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE)).attributes();
        return Integer.parseInt(attributes.get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES))
                + Integer.parseInt(attributes.get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE));
    }

    private static void await(String what, BooleanSupplier condition) {
        Instant deadline = Instant.now().plus(PATIENCE);
        while (!condition.getAsBoolean()) {
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError("timed out after " + PATIENCE + " waiting for " + what + "; logs in " + LambdaService.LOG_DIR);
            }
            if (!MappingWorker.sleep(Duration.ofMillis(200))) {
                throw new AssertionError("interrupted waiting for " + what);
            }
        }
    }
}
