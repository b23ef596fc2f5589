package dev.restorecdc.cli;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.sfn.model.ExecutionStatus;
import software.amazon.awssdk.services.sqs.model.Message;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

class StatusFinishTest {

    static CliHarness moto;
    static Fixtures fixtures;

    @BeforeAll
    static void startMoto() {
        moto = CliHarness.start();
        fixtures = new Fixtures(moto);
    }

    @AfterAll
    static void stopMoto() {
        moto.close();
    }

    @Test
    void statusJsonListsTheTablesSessionsNewestFirstWithBacklogLagsAndCounters() throws Exception {
        DeploymentNames names = DeploymentNames.forTable("ledger");
        fixtures.controlTable(names.controlTable());
        fixtures.queues(names);
        String queue = moto.aws.sqs().getQueueUrl(r -> r.queueName(names.queue())).queueUrl();
        for (int i = 0; i < 2; i++) {
            int n = i;
            moto.aws.sqs().sendMessage(r -> r.queueUrl(queue).messageBody("{}").messageGroupId("g" + n).messageDeduplicationId("d" + n));
        }
        fixtures.session(names.controlTable(), "ledger", "old", Map.of("status", Fixtures.s("FINISHED"),
                "requested_at", Fixtures.s("2026-11-20T08:00:00Z"), "reason", Fixtures.s("finished by operator")));
        fixtures.session(names.controlTable(), "ledger", "new", Map.ofEntries(
                Map.entry("status", Fixtures.s("REPLAYING")),
                Map.entry("requested_at", Fixtures.s("2026-11-25T10:00:00.000Z")),
                Map.entry("restore_point", Fixtures.s("2026-11-25T09:55:00.000Z")),
                Map.entry("replay_from", Fixtures.s("2026-11-25T10:00:00.000Z")),
                Map.entry("replay_from_rule", Fixtures.s("auto:restore_requested")),
                Map.entry("target_table", Fixtures.s("ledger-restored")),
                Map.entry("capture_newest_at", Fixtures.s("2026-11-25T10:20:00.000Z")),
                Map.entry("capture_ran_at", Fixtures.s("2026-11-25T10:20:03.500Z")),
                Map.entry("replay_newest_at", Fixtures.s("2026-11-25T10:19:50.000Z")),
                Map.entry("captured", Fixtures.n(120)),
                Map.entry("replayed_puts", Fixtures.n(90)),
                Map.entry("replayed_deletes", Fixtures.n(7)),
                Map.entry("settings_applied", AttributeValue.fromM(Map.of("ttl", Fixtures.s("copied"),
                        "pitr", Fixtures.s("enabled"))))));
        moto.aws.dynamo().putItem(r -> r.tableName(names.controlTable()).item(Map.of("pk", Fixtures.s("TABLE#ledger"),
                "sk", Fixtures.s("ACTIVE"), "session_id", Fixtures.s("new"))));

        CliHarness.Run run = moto.run("status", "--table", "ledger", "--json");

        assertThat(run.exit()).as(run.err()).isZero();
        JsonNode status = Fixtures.JSON.readTree(run.out());
        assertThat(status.get("control_table").asText()).isEqualTo(names.controlTable());
        JsonNode table = status.get("tables").get(0);
        assertThat(table.get("table").asText()).isEqualTo("ledger");
        assertThat(table.get("active_session").asText()).isEqualTo("new");
        assertThat(table.get("backlog").get("visible").asLong()).isEqualTo(2);
        assertThat(table.get("backlog").get("in_flight").asLong()).isZero();
        assertThat(table.get("backlog").get("dead_letters").asLong()).isZero();
        JsonNode newest = table.get("sessions").get(0);
        assertThat(newest.get("session_id").asText()).isEqualTo("new");
        assertThat(newest.get("status").asText()).isEqualTo("REPLAYING");
        assertThat(newest.get("target_table").asText()).isEqualTo("ledger-restored");
        assertThat(newest.get("replay_from_rule").asText()).isEqualTo("auto:restore_requested");
        assertThat(newest.get("capture_lag_seconds").asDouble()).isEqualTo(3.5);
        assertThat(newest.get("replay_lag_seconds").asDouble()).isEqualTo(10.0);
        assertThat(newest.get("counters").get("replayed_puts").asLong()).isEqualTo(90);
        assertThat(newest.get("counters").get("failed").asLong()).isZero();
        assertThat(newest.get("settings_applied").get("ttl").asText()).isEqualTo("copied");
        assertThat(newest.get("waiting_for_operator").asBoolean()).isFalse();
        assertThat(table.get("sessions").get(1).get("session_id").asText()).isEqualTo("old");

        CliHarness.Run human = moto.run("status", "--table", "ledger");

        assertThat(human.out()).contains("active session: new").contains("2 visible, 0 in flight")
                .containsPattern("(?m)^SESSION +PHASE +REQUESTED AT").containsPattern("(?m)^new +REPLAYING +2026-11-25T10:00:00.000Z")
                .contains("old reason: finished by operator");
    }

    /**
     * moto 5.2.1 has no GetActivityTask and cannot run Lambda tasks without Docker, so the wait is a
     * real {@code sqs:sendMessage.waitForTaskToken} task: Step Functions puts its task token in a
     * message, the test stores it as the session's task_token (as the workflow step does), and plays
     * the state machine's finishing (marks the session FINISHED) once the execution has succeeded.
     */
    @Test
    void statusShowsTheReplaysTargetErrorAndTheDeadLetterDepth() throws Exception {
        DeploymentNames names = DeploymentNames.forTable("gone");
        fixtures.controlTable(names.controlTable());
        String dlq = fixtures.queues(names);
        moto.aws.sqs().sendMessage(r -> r.queueUrl(dlq).messageBody("{}").messageGroupId("g").messageDeduplicationId("d"));
        fixtures.session(names.controlTable(), "gone", "g1", Map.of("status", Fixtures.s("REPLAYING"),
                "replay_error", Fixtures.s("replay cannot write target gone-restored: ResourceNotFoundException: no table"),
                "replay_error_at", Fixtures.s("2026-11-25T10:00:00.000Z")));

        CliHarness.Run human = moto.run("status", "--table", "gone");
        JsonNode json = Fixtures.JSON.readTree(moto.run("status", "--table", "gone", "--json").out());

        assertThat(human.out()).contains("g1 replay error (at 2026-11-25T10:00:00.000Z): replay cannot write target gone-restored")
                .contains(names.deadLetterQueue() + " 1 (restore-cdc repair handles them)");
        assertThat(json.get("tables").get(0).get("sessions").get(0).get("replay_error").asText()).contains("ResourceNotFoundException");
        assertThat(json.get("tables").get(0).get("backlog").get("dead_letters").asLong()).isEqualTo(1);
    }

    @Test
    void finishSendsTheTaskTokenAndWaitsUntilTheSessionIsFinished() throws Exception {
        DeploymentNames names = DeploymentNames.forTable("wallet");
        fixtures.controlTable(names.controlTable());
        String tokens = moto.aws.sqs().createQueue(r -> r.queueName("wallet-tokens")).queueUrl();
        String definition = """
                {"StartAt":"AwaitFinish","States":{
                  "AwaitFinish":{"Type":"Task","Resource":"arn:aws:states:::sqs:sendMessage.waitForTaskToken",
                    "Parameters":{"QueueUrl":"%s","MessageBody":{"task_token.$":"$$.Task.Token"}},"Next":"Done"},
                  "Done":{"Type":"Succeed"}}}""".formatted(tokens);
        String machine = moto.aws.sfn().createStateMachine(r -> r.name("wallet-session").definition(definition)
                .roleArn("arn:aws:iam::123456789012:role/states")).stateMachineArn();
        String execution = moto.aws.sfn().startExecution(r -> r.stateMachineArn(machine)).executionArn();
        String token = Fixtures.JSON.readTree(receiveOne(tokens).body()).get("task_token").asText();
        fixtures.session(names.controlTable(), "wallet", "w1", Map.of("status", Fixtures.s("CAUGHT_UP"),
                "task_token", Fixtures.s(token), "requested_at", Fixtures.s("2026-11-25T10:00:00Z")));
        CompletableFuture<Void> finishing = CompletableFuture.runAsync(() -> playFinishing(execution, names.controlTable()));

        CliHarness.Run run = moto.run("finish", "--session", "w1", "--table", "wallet", "--poll", "200ms", "--timeout", "60s");

        assertThat(run.exit()).as(run.out() + run.err()).isZero();
        assertThat(run.out()).contains("sent the finish signal for session w1").contains("session w1 FINISHED");
        finishing.get(10, TimeUnit.SECONDS);
        assertThat(moto.aws.sfn().describeExecution(r -> r.executionArn(execution)).status()).isEqualTo(ExecutionStatus.SUCCEEDED);

        CliHarness.Run again = moto.run("finish", "--session", "w1", "--control-table", names.controlTable());

        assertThat(again.exit()).isZero();
        assertThat(again.out()).contains("already FINISHED");
    }

    @Test
    void finishRefusesASessionThatIsNotWaitingYet() {
        DeploymentNames names = DeploymentNames.forTable("early");
        fixtures.controlTable(names.controlTable());
        fixtures.session(names.controlTable(), "early", "e1", Map.of("status", Fixtures.s("RESTORING")));

        CliHarness.Run run = moto.run("finish", "--session", "e1", "--table", "early");

        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.err()).contains("session e1 is RESTORING and not waiting for the operator yet (no task token)");
    }

    @Test
    void finishTimesOutWithAClearMessage() {
        DeploymentNames names = DeploymentNames.forTable("slow");
        fixtures.controlTable(names.controlTable());
        fixtures.session(names.controlTable(), "slow", "f1", Map.of("status", Fixtures.s("FINISHING")));

        CliHarness.Run run = moto.run("finish", "--session", "f1", "--table", "slow", "--poll", "100ms", "--timeout", "1s");

        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.err()).contains("timed out after 1s: session f1 is still FINISHING");
    }

    @Test
    void anUnreachableEndpointIsNamed() throws Exception {
        int closedPort;
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        Map<String, String> env = new java.util.HashMap<>(moto.env);
        env.put("AWS_ENDPOINT_URL", "http://127.0.0.1:" + closedPort);

        CliHarness.Run run = CliHarness.run(env, "status", "--table", "ledger");

        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.err()).contains("cannot reach http://127.0.0.1:" + closedPort + " for dynamodb:")
                .contains("is the emulator running?");
    }

    private static Message receiveOne(String queue) throws InterruptedException {
        Instant deadline = Instant.now().plusSeconds(30);
        while (Instant.now().isBefore(deadline)) {
            List<Message> messages = moto.aws.sqs().receiveMessage(r -> r.queueUrl(queue).waitTimeSeconds(1)).messages();
            if (!messages.isEmpty()) {
                return messages.get(0);
            }
        }
        throw new AssertionError("the state machine never sent its task token");
    }

    /** The state machine's part: once the operator's signal ended the wait, the session is marked FINISHED. */
    private static void playFinishing(String execution, String control) {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        // Waits for the execution's end, not for a time: polls at most every 50 ms.
        while (moto.aws.sfn().describeExecution(r -> r.executionArn(execution)).status() != ExecutionStatus.SUCCEEDED) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("execution " + execution + " did not succeed within 30 s");
            }
            java.util.concurrent.locks.LockSupport.parkNanos(Duration.ofMillis(50).toNanos());
        }
        fixtures.session(control, "wallet", "w1", Map.of("status", Fixtures.s("FINISHED"),
                "reason", Fixtures.s("finished by operator")));
    }
}
