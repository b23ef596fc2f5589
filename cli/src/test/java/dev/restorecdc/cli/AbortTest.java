package dev.restorecdc.cli;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.sfn.model.ExecutionStatus;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code abort} and doctor's lock check, on the emulator: a stopped or stuck session ended by hand (issue 14, finding 4). */
class AbortTest {

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

    /** A deployment of {@code table} with both mappings enabled, as during a session. */
    private static DeploymentNames deployed(String table) throws Exception {
        DeploymentNames names = DeploymentNames.forTable(table);
        fixtures.sourceTable(table, true, true);
        fixtures.controlTable(names.controlTable());
        fixtures.queues(names);
        fixtures.deployment(table, names);
        for (String uuid : new String[] {mapping(names.captureFunction()), mapping(names.replayFunction())}) {
            moto.aws.lambda().updateEventSourceMapping(r -> r.uuid(uuid).enabled(true));
        }
        return names;
    }

    private static String mapping(String function) {
        return moto.aws.lambda().listEventSourceMappings(r -> r.functionName(function)).eventSourceMappings().get(0).uuid();
    }

    private static String state(String function) {
        return moto.aws.lambda().listEventSourceMappings(r -> r.functionName(function)).eventSourceMappings().get(0).state();
    }

    /** An execution that waits (as the session's does for the operator) until stopped. */
    private static String waitingExecution(String machineName, String name) {
        String role = "arn:aws:iam::" + Fixtures.ACCOUNT + ":role/" + machineName;
        String machine = moto.aws.sfn().createStateMachine(r -> r.name(machineName).roleArn(role).definition(
                "{\"StartAt\":\"Wait\",\"States\":{\"Wait\":{\"Type\":\"Wait\",\"Seconds\":600,\"End\":true}}}")).stateMachineArn();
        return moto.aws.sfn().startExecution(r -> r.stateMachineArn(machine).name(name)).executionArn();
    }

    private static void session(DeploymentNames names, String table, String id, String status, String executionArn) {
        Map<String, AttributeValue> item = new HashMap<>(Map.of("status", Fixtures.s(status),
                "requested_at", Fixtures.s("2026-11-25T10:00:00.000Z"), "created_at", Fixtures.s("2026-11-25T10:00:05.000Z")));
        if (executionArn != null) {
            item.put("execution_arn", Fixtures.s(executionArn));
        }
        fixtures.session(names.controlTable(), table, id, item);
    }

    private static void lock(DeploymentNames names, String table, String id, Instant expiresAt) {
        moto.aws.dynamo().putItem(r -> r.tableName(names.controlTable()).item(Map.of("pk", Fixtures.s("TABLE#" + table),
                "sk", Fixtures.s("ACTIVE"), "session_id", Fixtures.s(id), "lock_expires_at", Fixtures.s(expiresAt.toString()))));
    }

    private static Map<String, AttributeValue> item(DeploymentNames names, String table, String sk) {
        return moto.aws.dynamo().getItem(r -> r.tableName(names.controlTable()).consistentRead(true)
                .key(Map.of("pk", Fixtures.s("TABLE#" + table), "sk", Fixtures.s(sk)))).item();
    }

    @Test
    void abortStopsTheExecutionDisablesBothMappingsReleasesTheLockAndMarksTheSessionAborted() throws Exception {
        DeploymentNames names = deployed("payments");
        String execution = waitingExecution("payments-waiting", "s1");
        session(names, "payments", "s1", "REPLAYING", execution);
        lock(names, "payments", "s1", Instant.now().plus(Duration.ofDays(3)));

        CliHarness.Run run = moto.run("abort", "--session", "s1", "--table", "payments", "--reason", "wrong restore point");

        assertThat(run.exit()).as(run.err()).isZero();
        assertThat(run.out()).contains("was REPLAYING; marked ABORTED").contains("stopped execution " + execution)
                .contains("disabled the capture mapping").contains("released the lock of table payments");
        assertThat(moto.aws.sfn().describeExecution(r -> r.executionArn(execution)).status()).isEqualTo(ExecutionStatus.ABORTED);
        assertThat(state(names.captureFunction())).isEqualTo("Disabled");
        assertThat(state(names.replayFunction())).isEqualTo("Disabled");
        assertThat(item(names, "payments", "ACTIVE")).isNullOrEmpty();
        Map<String, AttributeValue> s1 = item(names, "payments", "SESSION#s1");
        assertThat(s1.get("status").s()).isEqualTo("ABORTED");
        assertThat(s1.get("reason").s()).isEqualTo("aborted by the operator: wrong restore point");

        CliHarness.Run again = moto.run("abort", "--session", "s1", "--table", "payments");
        assertThat(again.exit()).isZero();
        assertThat(again.out()).contains("had already ended ABORTED").contains("was already free");
    }

    @Test
    void abortOfASessionWithoutTheLockLeavesTheActiveSessionsMappingsAndLockAlone() throws Exception {
        DeploymentNames names = deployed("invoices");
        session(names, "invoices", "old", "FAILED", null);
        session(names, "invoices", "live", "REPLAYING", null);
        lock(names, "invoices", "live", Instant.now().plus(Duration.ofDays(3)));

        CliHarness.Run run = moto.run("abort", "--session", "old", "--table", "invoices");

        assertThat(run.exit()).as(run.err()).isZero();
        assertThat(run.out()).contains("left the mappings alone: they belong to session live");
        assertThat(state(names.captureFunction())).isEqualTo("Enabled");
        assertThat(item(names, "invoices", "ACTIVE").get("session_id").s()).isEqualTo("live");
        assertThat(item(names, "invoices", "SESSION#old").get("status").s()).isEqualTo("FAILED");
    }

    @Test
    void doctorFlagsALockWhoseExecutionNoLongerRunsAndNamesAbort() throws Exception {
        DeploymentNames names = deployed("stopped");
        String execution = waitingExecution("stopped-waiting", "s1");
        moto.aws.sfn().stopExecution(r -> r.executionArn(execution));
        session(names, "stopped", "s1", "CAUGHT_UP", execution);
        lock(names, "stopped", "s1", Instant.now().plus(Duration.ofDays(3)));

        CliHarness.Run run = moto.run("doctor", "--table", "stopped");

        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.out()).containsPattern("(?m)^FAIL +session lock +held by session s1 \\(CAUGHT_UP\\), whose execution is ABORTED")
                .contains("fix: restore-cdc abort --session s1 --table stopped");
    }

    @Test
    void doctorFlagsALockWhoseExpiryPassed() throws Exception {
        DeploymentNames names = deployed("expired");
        session(names, "expired", "s1", "REPLAYING", waitingExecution("expired-waiting", "s1"));
        lock(names, "expired", "s1", Instant.now().minusSeconds(60));

        CliHarness.Run run = moto.run("doctor", "--table", "expired");

        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.out()).containsPattern("(?m)^FAIL +session lock +held by session s1 \\(REPLAYING\\), whose lock expired at")
                .contains("fix: restore-cdc abort --session s1 --table expired");
    }
}
