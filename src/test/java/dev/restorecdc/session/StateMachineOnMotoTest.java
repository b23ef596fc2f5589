package dev.restorecdc.session;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.restorecdc.testing.Await;
import dev.restorecdc.local.Emulator;
import dev.restorecdc.local.TerraformTemplate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sfn.model.DescribeExecutionResponse;
import software.amazon.awssdk.services.sfn.model.ExecutionStatus;
import software.amazon.awssdk.services.sfn.model.HistoryEvent;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The real state machine file, rendered as Terraform renders it, on moto's Step Functions executor
 * (the emulator switches it on). No workflow function answers here (the launcher gets no
 * {@code RCDC_LAMBDA_INVOKE_URL}, and moto's own Invoke would need Docker), so these runs cover the
 * states that need no function: the configuration, the mappings, the status writes, the failure
 * path and the notifications. (The restore wait is a workflow task since a restore may create its
 * table in another region: RestoreSessionOnEmulatorTest covers it, RestoreGone included.) One emulator per test, so each starts empty.
 */
class StateMachineOnMotoTest {

    private Emulator emulator;
    private SessionWorld world;
    private SfnClient sfn;
    private String notifications;
    private String events;

    @BeforeEach
    void startEmulator() {
        emulator = Emulator.start();
        world = new SessionWorld(emulator);
        // No such function: Lambda.ResourceNotFoundException, final (never retried), as for a missing
        // function in AWS. (A function moto cannot run fails with a generic error, which the machine
        // retries as a possibly transient workflow failure.)
        world.config.put("workflow_function_arn", world.config.get("workflow_function_arn").asText() + "-absent");
        sfn = emulator.configure(SfnClient.builder()).build();

        notifications = queue("notifications");
        try (SnsClient sns = emulator.configure(SnsClient.builder()).build()) {
            String topic = sns.createTopic(r -> r.name("rcdc-orders")).topicArn();
            sns.subscribe(r -> r.topicArn(topic).protocol("sqs").endpoint(arn(notifications)).attributes(Map.of("RawMessageDelivery", "true")));
            world.config.put("sns_topic_arn", topic);
        }
        events = queue("session-events");
        try (EventBridgeClient bridge = emulator.configure(EventBridgeClient.builder()).build()) {
            bridge.putRule(r -> r.name("session-events").eventPattern("{\"source\":[\"dynamodb-restore-cdc\"]}"));
            bridge.putTargets(r -> r.rule("session-events").targets(t -> t.id("q").arn(arn(events))));
        }
    }

    @AfterEach
    void stopEmulator() {
        emulator.close();
    }

    @Test
    void withoutAWorkflowFunctionTheSessionFailsCleanlyAndNotifies() {
        ObjectNode event = SessionWorld.restoreEvent("by-name", Instant.now().truncatedTo(ChronoUnit.SECONDS));

        Run run = execute(TerraformTemplate.stateMachine(SessionWorld.map(world.config)), event);

        assertThat(run.status()).isEqualTo(ExecutionStatus.FAILED);
        assertThat(run.states()).as("states; failed tasks: %s", run.failures()).containsExactly("Configuration", "IsContinuation", "Register", "RegisterFailed", "MarkFailed",
                "FailureNoticeFallback", "NotifyFailed", "PublishFailedEvent", "SessionFailed");
        assertThat(mappingState(world.captureMappingUuid)).isEqualTo("Disabled");
        JsonNode notice = json(receiveOne(notifications));
        assertThat(notice.get("event").asText()).isEqualTo("session_failed");
        assertThat(notice.get("session_id").asText()).isEqualTo(run.name());
        JsonNode published = json(receiveOne(events));
        assertThat(published.get("detail-type").asText()).isEqualTo("Restore session failed");
        assertThat(published.at("/detail/error/Error").asText()).isNotEmpty();
    }

    @Test
    void fromEnableCaptureAFailedTaskTakesTheFailurePathWhichDisablesBothMappings() {
        Instant requested = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        ObjectNode event = SessionWorld.restoreEvent("by-name", requested);
        world.restore(event);
        world.lambda.updateEventSourceMapping(r -> r.uuid(world.replayMappingUuid).enabled(true));
        ObjectNode input = event.deepCopy();
        ObjectNode session = input.putObject("session");
        session.put("session_id", "s1").put("target_table", "orders-restored-latest")
                .put("restore_deadline", requested.plus(Duration.ofMinutes(5)).toString());
        session.set("record_key", SessionWorld.JSON.valueToTree(Map.of("pk", Map.of("S", "TABLE#orders"), "sk", Map.of("S", "SESSION#s1"))));

        // A sub-graph of the real file: start where registration would have continued.
        ObjectNode definition = (ObjectNode) json(TerraformTemplate.stateMachine(SessionWorld.map(world.config)));
        definition.put("StartAt", "EnableCapture");
        input.set("config", definition.at("/States/Configuration/Result"));
        Run run = execute(definition.toString(), input);

        // DescribeTarget is a workflow task (the target may be in another region): without the function it fails at once.
        assertThat(run.states()).as("states; failed tasks: %s", run.failures()).startsWith("EnableCapture", "MarkRestoring", "DescribeTarget",
                "FailDisableCapture", "FailDisableReplay", "MarkFailed");
        assertThat(run.status()).isEqualTo(ExecutionStatus.FAILED);
        assertThat(world.sessionItem("s1")).containsEntry("status", AttributeValue.fromS("RESTORING"));
        assertThat(mappingState(world.captureMappingUuid)).isEqualTo("Disabled");
        assertThat(mappingState(world.replayMappingUuid)).isEqualTo("Disabled");
        assertThat(json(receiveOne(events)).get("detail-type").asText()).isEqualTo("Restore session failed");
    }

    /** @param failures the failed tasks' error and cause, in order (shown when an assertion fails) */
    record Run(String name, ExecutionStatus status, List<String> states, List<String> failures, List<HistoryEvent> history) {
    }

    private Run execute(String definition, JsonNode input) {
        String role;
        try (IamClient iam = emulator.configure(IamClient.builder()).build()) {
            role = iam.createRole(r -> r.roleName("rcdc-orders-session").assumeRolePolicyDocument("{}")).role().arn();
        }
        String machine = sfn.createStateMachine(r -> r.name("rcdc-orders-session").definition(definition).roleArn(role))
                .stateMachineArn();
        String name = "exec-" + System.nanoTime();
        String execution = sfn.startExecution(r -> r.stateMachineArn(machine).name(name).input(input.toString())).executionArn();
        DescribeExecutionResponse described = Await.until("execution " + execution + " to end", Duration.ofSeconds(60),
                () -> sfn.describeExecution(r -> r.executionArn(execution)), d -> d.status() != ExecutionStatus.RUNNING);
        List<HistoryEvent> history = sfn.getExecutionHistory(r -> r.executionArn(execution).maxResults(1000)).events();
        List<String> states = new ArrayList<>();
        history.stream().filter(e -> e.stateEnteredEventDetails() != null)
                .forEach(e -> states.add(e.stateEnteredEventDetails().name()));
        List<String> failures = history.stream().filter(e -> e.taskFailedEventDetails() != null)
                .map(e -> e.taskFailedEventDetails().error() + ": " + e.taskFailedEventDetails().cause()).toList();
        return new Run(name, described.status(), states, failures, history);
    }

    private String mappingState(String uuid) {
        return world.lambda.getEventSourceMapping(r -> r.uuid(uuid)).state();
    }

    private String queue(String name) {
        return world.sqs.createQueue(r -> r.queueName(name)).queueUrl();
    }

    private String arn(String queueUrl) {
        return world.sqs.getQueueAttributes(r -> r.queueUrl(queueUrl).attributeNames(QueueAttributeName.QUEUE_ARN))
                .attributes().get(QueueAttributeName.QUEUE_ARN);
    }

    private String receiveOne(String queueUrl) {
        List<Message> messages = world.sqs.receiveMessage(r -> r.queueUrl(queueUrl).waitTimeSeconds(5).maxNumberOfMessages(10)).messages();
        assertThat(messages).hasSize(1);
        return messages.get(0).body();
    }

    private static JsonNode json(String text) {
        try {
            return SessionWorld.JSON.readTree(text);
        } catch (java.io.IOException e) {
            throw new IllegalStateException(text, e);
        }
    }
}
