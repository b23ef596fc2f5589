package dev.restorecdc.session;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.restorecdc.aws.SessionStore;
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

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The real state machine, rendered as Terraform renders it, on the project's emulator launcher,
 * from a CloudTrail-shaped event to the end. Its workflow tasks run {@link SessionSteps} in this
 * JVM (see {@link WorkflowInvoker}); capture and replay do not run (that is the local Lambda
 * service's part), so the queue stays empty and capture never reports a lag.
 */
class RestoreSessionOnEmulatorTest {

    private WorkflowInvoker invoker;
    private Emulator emulator;
    private SessionWorld world;
    private SfnClient sfn;
    private SessionStore store;
    private String sessionEvents;
    private String notifications;
    private String machine;

    @BeforeEach
    void deploy() {
        invoker = new WorkflowInvoker();
        emulator = Emulator.start(Map.of("RCDC_LAMBDA_INVOKE_URL", invoker.url()));
        world = new SessionWorld(emulator);
        invoker.serve(world.steps());
        sfn = emulator.configure(SfnClient.builder()).build();
        store = new SessionStore(world.dynamo, SessionWorld.CONTROL, SessionWorld.SOURCE);
        // Seconds instead of minutes; capture never runs here, so one second of grace is its lag.
        world.config.put("caught_up_lag_seconds", 1).put("max_session_seconds", 120);

        notifications = queue("notifications");
        try (SnsClient sns = emulator.configure(SnsClient.builder()).build()) {
            String topic = sns.createTopic(r -> r.name("rcdc-orders")).topicArn();
            sns.subscribe(r -> r.topicArn(topic).protocol("sqs").endpoint(arn(notifications)));
            world.config.put("sns_topic_arn", topic);
        }
        sessionEvents = queue("session-events");
        try (EventBridgeClient bridge = emulator.configure(EventBridgeClient.builder()).build()) {
            bridge.putRule(r -> r.name("session-events").eventPattern("{\"source\":[\"dynamodb-restore-cdc\"]}"));
            bridge.putTargets(r -> r.rule("session-events").targets(t -> t.id("q").arn(arn(sessionEvents))));
        }
    }

    private void createMachine() {
        String role;
        try (IamClient iam = emulator.configure(IamClient.builder()).build()) {
            role = iam.createRole(r -> r.roleName("rcdc-orders-session").assumeRolePolicyDocument("{}")).role().arn();
        }
        String definition = TerraformTemplate.stateMachine(SessionWorld.map(world.config));
        machine = sfn.createStateMachine(r -> r.name("rcdc-orders-session").definition(definition).roleArn(role))
                .stateMachineArn();
    }

    @AfterEach
    void stop() {
        emulator.close();
        invoker.close();
    }

    @Test
    void copyFromCloudTrailEventToCaughtUpAndFinishedByTheOperator() {
        createMachine();
        ObjectNode event = SessionWorld.restoreEvent("by-name", now().minusSeconds(5));
        world.restore(event);

        String execution = start("copy", event);
        String token = awaitTaskToken("copy");

        Map<String, AttributeValue> waiting = world.sessionItem("copy");
        assertThat(waiting.get("status").s()).isEqualTo("CAUGHT_UP");
        assertThat(waiting.get("replay_from_rule").s()).isEqualTo("auto:restore_point");
        assertThat(waiting.get("settings_applied").m()).containsKeys("stream", "ttl", "pitr", "tags",
                "deletion_protection", "autoscaling", "resource_policy");
        assertThat(waiting).containsKey("caught_up_figures");
        assertThat(store.activeSessionId()).contains("copy");
        assertThat(mapping(world.captureMappingUuid)).isEqualTo("Enabled");
        assertThat(mapping(world.replayMappingUuid)).isEqualTo("Enabled");

        sfn.sendTaskSuccess(r -> r.taskToken(token).output("{}"));
        Run run = await(execution);

        assertThat(run.status()).as("failed tasks: %s", run.failures()).isEqualTo(ExecutionStatus.SUCCEEDED);
        assertThat(run.states()).containsSubsequence("Configuration", "Register", "Registered", "EnableCapture",
                "MarkRestoring", "DescribeTarget", "RestoreStatus", "SettleReplayFrom", "CopySettings", "EnableReplay",
                "MarkReplaying", "CheckCaughtUp", "IsCaughtUp", "WaitCaughtUp", "CheckCaughtUp", "NotifyReady",
                "PublishReadyEvent", "AwaitFinish", "MarkFinishing", "DisableCapture", "CheckDrained", "IsDrained",
                "DisableReplay", "Finish", "NotifyFinished", "PublishFinishedEvent", "Finished");
        Map<String, AttributeValue> finished = world.sessionItem("copy");
        assertThat(finished.get("status").s()).isEqualTo("FINISHED");
        assertThat(finished.get("reason").s()).isEqualTo("finished by operator");
        assertThat(store.activeSessionId()).isEmpty();
        assertThat(mapping(world.captureMappingUuid)).isEqualTo("Disabled");
        assertThat(mapping(world.replayMappingUuid)).isEqualTo("Disabled");
        assertThat(sessionEventTypes()).containsExactly("Restore session ready for cutover", "Restore session finished");
        List<JsonNode> mails = received(notifications);
        assertThat(mails).extracting(m -> m.get("Subject").asText()).containsExactly(
                "dynamodb-restore-cdc: restored table ready for cutover", "dynamodb-restore-cdc: restore session finished");
        JsonNode ready = json(mails.get(0).get("Message").asText());
        assertThat(ready.get("event").asText()).isEqualTo("ready_for_cutover");
        assertThat(ready.get("source_table").asText()).isEqualTo("orders");
        assertThat(ready.get("target_table").asText()).isEqualTo("orders-restored-latest");
        assertThat(ready.at("/figures/consecutive").asInt()).isEqualTo(2);
    }

    @Test
    void theMaximumDurationEndsTheSessionExpiredAndCleansUp() {
        // max_session_seconds counts from registration: it ends the caught-up loop or the operator's wait, whichever runs then.
        world.config.put("max_session_seconds", 4);
        createMachine();
        ObjectNode event = SessionWorld.restoreEvent("by-arn", now().minusSeconds(5));
        world.restore(event);

        Run run = await(start("undo", event));

        assertThat(run.status()).as("failed tasks: %s", run.failures()).isEqualTo(ExecutionStatus.FAILED);
        assertThat(run.error()).isEqualTo("SessionExpired");
        assertThat(run.states()).containsSubsequence("FinishedByMaxDuration", "MarkFinishing", "DisableCapture",
                "DisableReplay", "Finish", "NotifyFinished", "PublishFinishedEvent", "FinishedOrExpired", "Expired");
        Map<String, AttributeValue> finished = world.sessionItem("undo");
        assertThat(finished.get("status").s()).isEqualTo("EXPIRED");
        assertThat(finished.get("reason").s()).startsWith("expired: max_session_seconds (4 s)");
        assertThat(sessionEventTypes()).contains("Restore session expired");
        assertThat(mapping(world.captureMappingUuid)).isEqualTo("Disabled");
        assertThat(mapping(world.replayMappingUuid)).isEqualTo("Disabled");
        assertThat(finished.get("replay_from_rule").s()).isEqualTo("auto:restore_requested");
        assertThat(store.activeSessionId()).isEmpty();
    }

    @Test
    void aSecondRestoreWhileOneIsActiveIsRefusedWithoutTouchingTheActiveSession() {
        createMachine();
        ObjectNode first = SessionWorld.restoreEvent("by-name", now().minusSeconds(10));
        world.restore(first);
        String firstExecution = start("first", first);
        String token = awaitTaskToken("first");
        ObjectNode second = SessionWorld.restoreEvent("by-arn", now().minusSeconds(1));
        world.restore(second);

        Run refused = await(start("second", second));

        assertThat(refused.status()).isEqualTo(ExecutionStatus.FAILED);
        assertThat(refused.error()).isEqualTo("SessionRefused");
        assertThat(refused.states()).containsExactly("Configuration", "IsContinuation", "Register", "Registered", "NotifyRefused",
                "PublishRefusedEvent", "Refused");
        assertThat(world.sessionItem("second").get("reason").s()).contains("another restore session (first)");
        assertThat(store.activeSessionId()).contains("first");
        assertThat(mapping(world.captureMappingUuid)).isEqualTo("Enabled");
        assertThat(mapping(world.replayMappingUuid)).isEqualTo("Enabled");

        sfn.sendTaskSuccess(r -> r.taskToken(token).output("{}"));
        assertThat(await(firstExecution).status()).isEqualTo(ExecutionStatus.SUCCEEDED);
    }

    @Test
    void aTargetOutsideThePatternIsRefusedAtRegistration() {
        world.config.put("target_table_pattern", "orders-copy-*");
        createMachine();
        ObjectNode event = SessionWorld.restoreEvent("by-name", now().minusSeconds(5));

        Run run = await(start("outside", event));

        assertThat(run.status()).isEqualTo(ExecutionStatus.FAILED);
        assertThat(run.error()).isEqualTo("SessionRefused");
        assertThat(run.states()).containsSubsequence("Register", "Registered", "NotifyRefused", "PublishRefusedEvent", "Refused");
        assertThat(run.states()).doesNotContain("EnableCapture", "DescribeTarget", "SettleReplayFrom");
        Map<String, AttributeValue> refused = world.sessionItem("outside");
        assertThat(refused.get("status").s()).isEqualTo("FAILED");
        assertThat(refused.get("reason").s()).contains("orders-restored-latest is outside target_table_pattern 'orders-copy-*'");
        assertThat(store.activeSessionId()).isEmpty();
        assertThat(mapping(world.captureMappingUuid)).isEqualTo("Disabled");
        assertThat(mapping(world.replayMappingUuid)).isEqualTo("Disabled");
        assertThat(sessionEventTypes()).containsExactly("Restore session refused");
    }

    @Test
    void aRestoreWhoseTableNeverAppearsFailsTheSession() {
        createMachine();
        ObjectNode event = SessionWorld.restoreEvent("by-name", now().minusSeconds(5));

        Run run = await(start("gone", event));

        assertThat(run.status()).isEqualTo(ExecutionStatus.FAILED);
        assertThat(run.states()).containsSubsequence("EnableCapture", "DescribeTarget", "RestoreGone", "FailDisableCapture", "MarkFailed");
        assertThat(world.sessionItem("gone").get("reason").s())
                .isEqualTo("RestoreFailed: restored table orders-restored-latest does not exist: the restore failed or the table was deleted");
        assertThat(store.activeSessionId()).isEmpty();
        assertThat(mapping(world.captureMappingUuid)).isEqualTo("Disabled");
    }

    @Test
    void aSessionOutlivingOneExecutionsHistoryGoesOnInFreshExecutionsAndExpiresOnlyAtMaxSessionSeconds() {
        // Compressed time: 3 checks per execution stand for HistoryBudget's ~1,100 at the default poll.
        invoker.serve(world.steps(Optional.of(3)));
        world.config.put("max_session_seconds", 15);
        world.config.put("caught_up_lag_seconds", 1);
        createMachine();
        ObjectNode event = SessionWorld.restoreEvent("by-name", now().minusSeconds(5));
        world.restore(event);

        // Capture far behind (as with a backlog of days): a source change nobody captures (no capture
        // runs in this test) grows older than caught_up_lag_seconds, so the session never catches up.
        world.dynamo.putItem(r -> r.tableName(SessionWorld.SOURCE).item(Map.of("pk", AttributeValue.fromS("uncaptured"))));
        start("long", event);

        String second = Await.present("a second continuation", Duration.ofSeconds(90), () -> executions().stream()
                .filter(e -> e.name().equals("long-c2")).findFirst().map(e -> e.executionArn())
                .or(() -> ended(executions())));
        assertThat(second).as("executions %s", executions()).doesNotStartWith("ENDED");
        assertThat(store.activeSessionId()).contains("long");
        assertThat(store.session("long").orElseThrow().terminal()).isFalse();
        assertThat(sfn.describeExecution(r -> r.executionArn(execution(machine, "long"))).status()).isEqualTo(ExecutionStatus.SUCCEEDED);

        SessionRecord expired = Await.until("session long to end", Duration.ofSeconds(120),
                () -> store.session("long").orElseThrow(), SessionRecord::terminal);
        assertThat(expired.status()).isEqualTo(SessionStatus.EXPIRED);
        Duration lasted = Duration.between(expired.createdAt().orElseThrow(), expired.updatedAt().orElseThrow());
        assertThat(lasted).isGreaterThanOrEqualTo(Duration.ofSeconds(15));
        List<String> names = executions().stream().map(e -> e.name()).toList();
        assertThat(names).contains("long", "long-c1", "long-c2");
        String last = expired.executionArn().orElseThrow();
        assertThat(last).isEqualTo(execution(machine, "long-c" + (names.size() - 1)));
        assertThat(executions()).filteredOn(e -> !e.executionArn().equals(last))
                .allSatisfy(e -> assertThat(e.status()).isEqualTo(ExecutionStatus.SUCCEEDED));
        Run run = await(last);
        assertThat(run.error()).isEqualTo("SessionExpired");
        assertThat(run.states()).containsSubsequence("IsContinuation", "ContinueSession", "WaitCaughtUp", "CheckCaughtUp",
                "IsCaughtUp", "FinishedByMaxDuration", "MarkFinishing", "Finish", "Expired");
        assertThat(store.activeSessionId()).isEmpty();
        assertThat(mapping(world.captureMappingUuid)).isEqualTo("Disabled");
        assertThat(mapping(world.replayMappingUuid)).isEqualTo("Disabled");
    }

    /** An execution that failed instead of continuing, with what failed in it (so a wait stops at once and says why). */
    private Optional<String> ended(List<software.amazon.awssdk.services.sfn.model.ExecutionListItem> all) {
        return all.stream().filter(e -> e.status() == ExecutionStatus.FAILED || e.status() == ExecutionStatus.ABORTED)
                .findFirst().map(e -> "ENDED " + e.name() + " " + await(e.executionArn()));
    }

    private List<software.amazon.awssdk.services.sfn.model.ExecutionListItem> executions() {
        return sfn.listExecutions(r -> r.stateMachineArn(machine).maxResults(1000)).executions();
    }

    private static String execution(String machine, String name) {
        return machine.replace(":stateMachine:", ":execution:") + ":" + name;
    }

    @Test
    void aStoppedExecutionIsCleanedUpByTheRuleOnItsStatusChange() {
        createMachine();
        cleanupRule();
        ObjectNode event = SessionWorld.restoreEvent("by-name", now().minusSeconds(5));
        world.restore(event);
        String execution = start("stopped", event);
        awaitTaskToken("stopped");
        assertThat(mapping(world.captureMappingUuid)).isEqualTo("Enabled");

        sfn.stopExecution(r -> r.executionArn(execution).error("Operator").cause("stopped from the console"));

        SessionRecord ended = Await.until("session stopped to end", Duration.ofSeconds(60),
                () -> store.session("stopped").orElseThrow(), SessionRecord::terminal);
        Run run = await(execution);
        assertThat(run.status()).isEqualTo(ExecutionStatus.ABORTED);
        assertThat(ended.status()).as("%s after %s", ended.reason(), run).isEqualTo(SessionStatus.ABORTED);
        assertThat(ended.reason()).hasValueSatisfying(r -> assertThat(r).contains("its execution was stopped"));
        assertThat(run.states()).doesNotContain("FinishedByMaxDuration", "FailDisableCapture", "MarkFailed");
        assertThat(store.activeSessionId()).isEmpty();
        assertThat(mapping(world.captureMappingUuid)).isEqualTo("Disabled");
        assertThat(mapping(world.replayMappingUuid)).isEqualTo("Disabled");
        assertThat(Await.until("the aborted notice", Duration.ofSeconds(30), this::sessionEventTypes,
                types -> types.contains("Restore session aborted"))).contains("Restore session aborted");
    }

    @Test
    void aRuntimeErrorTheMachineCannotCatchIsCleanedUpFromOutside() {
        // A ResultSelector naming a field the task's result lacks fails with States.Runtime, which
        // no Catch (States.ALL included) matches: the execution fails without its cleanup states.
        invoker.answer("caughtUp", input -> Map.of("ready", false));
        createMachine();
        cleanupRule();
        ObjectNode event = SessionWorld.restoreEvent("by-name", now().minusSeconds(5));
        world.restore(event);

        Run run = await(start("broken", event));

        assertThat(run.status()).isEqualTo(ExecutionStatus.FAILED);
        assertThat(run.error()).isEqualTo("States.Runtime");
        assertThat(run.states()).doesNotContain("FailDisableCapture", "MarkFailed");
        SessionRecord ended = Await.until("session broken to end", Duration.ofSeconds(60),
                () -> store.session("broken").orElseThrow(), SessionRecord::terminal);
        assertThat(ended.status()).isEqualTo(SessionStatus.FAILED);
        assertThat(ended.reason()).hasValueSatisfying(r -> assertThat(r).contains("States.Runtime"));
        assertThat(store.activeSessionId()).isEmpty();
        assertThat(mapping(world.captureMappingUuid)).isEqualTo("Disabled");
        assertThat(mapping(world.replayMappingUuid)).isEqualTo("Disabled");
    }

    @Test
    void aTransientFailureOfEveryWorkflowStepIsRetriedAndTheSessionGoesOn() {
        invoker.failFirstCallOf(java.util.Set.of("register", "settleReplayFrom", "copySettings", "caughtUp", "awaitFinish",
                "drained", "finish"), "software.amazon.awssdk.core.exception.SdkClientException");
        createMachine();
        cleanupRule();
        ObjectNode event = SessionWorld.restoreEvent("by-name", now().minusSeconds(5));
        world.restore(event);
        String execution = start("flaky", event);
        String token = Await.present("the task_token of session flaky", Duration.ofSeconds(120),
                () -> store.session("flaky").flatMap(SessionRecord::taskToken));

        sfn.sendTaskSuccess(r -> r.taskToken(token).output("{}"));
        Run run = await(execution);

        assertThat(run.status()).as("failed tasks: %s", run.failures()).isEqualTo(ExecutionStatus.SUCCEEDED);
        assertThat(run.failures()).hasSize(7).allSatisfy(f -> assertThat(f).startsWith("software.amazon.awssdk.core.exception.SdkClientException"));
        assertThat(invoker.calls()).containsEntry("register", 2).containsEntry("caughtUp", 3).containsEntry("awaitFinish", 2)
                .containsEntry("drained", 2).containsEntry("finish", 2);
        assertThat(store.session("flaky").orElseThrow().status()).isEqualTo(SessionStatus.FINISHED);
        assertThat(store.activeSessionId()).isEmpty();
    }

    @Test
    void aThrottledInvokeOfEachLongRunningStepIsRetriedAndTheSessionGoesOn() {
        invoker.throttleFirstCallOf(java.util.Set.of("caughtUp", "awaitFinish", "drained"));
        createMachine();
        ObjectNode event = SessionWorld.restoreEvent("by-name", now().minusSeconds(5));
        world.restore(event);
        String execution = start("throttled", event);
        String token = Await.present("the task_token of session throttled", Duration.ofSeconds(120),
                () -> store.session("throttled").flatMap(SessionRecord::taskToken));

        sfn.sendTaskSuccess(r -> r.taskToken(token).output("{}"));
        Run run = await(execution);

        assertThat(run.status()).as("failed tasks: %s", run.failures()).isEqualTo(ExecutionStatus.SUCCEEDED);
        assertThat(run.failures()).hasSize(3).allSatisfy(f -> assertThat(f).startsWith("Lambda.TooManyRequestsException"));
        assertThat(store.session("throttled").orElseThrow().status()).isEqualTo(SessionStatus.FINISHED);
    }

    /** The cleanup rule as Terraform declares it (the same templates): the workflow function's cleanup on FAILED/TIMED_OUT/ABORTED. */
    private void cleanupRule() {
        try (EventBridgeClient bridge = emulator.configure(EventBridgeClient.builder()).build()) {
            bridge.putRule(r -> r.name("rcdc-orders-session-ended").eventPattern(TerraformTemplate.sessionEndedPattern(machine)));
            String template = TerraformTemplate.sessionEndedInputTemplate(SessionWorld.map(world.config));
            bridge.putTargets(r -> r.rule("rcdc-orders-session-ended").targets(t -> t.id("cleanup")
                    .arn(world.config.get("workflow_function_arn").asText())
                    .inputTransformer(i -> i.inputPathsMap(Map.of("detail", "$.detail")).inputTemplate(template))));
        }
    }

    record Run(ExecutionStatus status, String error, List<String> states, List<String> failures) {
    }

    private static Instant now() {
        return Instant.now().truncatedTo(ChronoUnit.SECONDS);
    }

    /** Starts an execution as EventBridge would, with the whole event as input; its name is the session id. */
    private String start(String name, ObjectNode event) {
        return sfn.startExecution(r -> r.stateMachineArn(machine).name(name).input(event.toString())).executionArn();
    }

    private String awaitTaskToken(String sessionId) {
        return Await.present("the task_token of session " + sessionId, Duration.ofSeconds(90),
                () -> store.session(sessionId).flatMap(SessionRecord::taskToken));
    }

    private Run await(String execution) {
        DescribeExecutionResponse described = Await.until("execution " + execution + " to end", Duration.ofSeconds(120),
                () -> sfn.describeExecution(r -> r.executionArn(execution)), d -> d.status() != ExecutionStatus.RUNNING);
        List<HistoryEvent> history = sfn.getExecutionHistory(r -> r.executionArn(execution).maxResults(1000)).events();
        List<String> states = new ArrayList<>();
        history.stream().filter(e -> e.stateEnteredEventDetails() != null).forEach(e -> states.add(e.stateEnteredEventDetails().name()));
        List<String> failures = history.stream().filter(e -> e.taskFailedEventDetails() != null)
                .map(e -> e.taskFailedEventDetails().error() + ": " + e.taskFailedEventDetails().cause()).toList();
        return new Run(described.status(), described.error(), states, failures);
    }

    private String mapping(String uuid) {
        return world.lambda.getEventSourceMapping(r -> r.uuid(uuid)).state();
    }

    private List<String> sessionEventTypes() {
        return received(sessionEvents).stream().map(e -> e.get("detail-type").asText()).toList();
    }

    /** Everything the queue holds, oldest first (standard queues do not promise order; moto keeps it). */
    private List<JsonNode> received(String queueUrl) {
        List<JsonNode> bodies = new ArrayList<>();
        List<Message> messages;
        do {
            messages = world.sqs.receiveMessage(r -> r.queueUrl(queueUrl).maxNumberOfMessages(10).waitTimeSeconds(1)).messages();
            for (Message m : messages) {
                bodies.add(json(m.body()));
            }
        } while (!messages.isEmpty());
        return bodies;
    }

    private String queue(String name) {
        return world.sqs.createQueue(r -> r.queueName(name)).queueUrl();
    }

    private String arn(String queueUrl) {
        return world.sqs.getQueueAttributes(r -> r.queueUrl(queueUrl).attributeNames(QueueAttributeName.QUEUE_ARN))
                .attributes().get(QueueAttributeName.QUEUE_ARN);
    }

    private static JsonNode json(String text) {
        try {
            return SessionWorld.JSON.readTree(text);
        } catch (IOException e) {
            throw new IllegalStateException(text, e);
        }
    }
}
