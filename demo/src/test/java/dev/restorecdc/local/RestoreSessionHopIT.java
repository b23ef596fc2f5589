package dev.restorecdc.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.sfn.model.ExecutionStatus;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * One restore session on the local AWS, started the way AWS starts it: a RestoreTableToPointInTime
 * call, whose CloudTrail event the default bus matches against the rendered pattern, and the rule
 * starts the rendered state machine, whose lambda:invoke tasks run the real workflow handler. The
 * session scenarios are the session tests'.
 */
class RestoreSessionHopIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration PATIENCE = Duration.ofSeconds(150);
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
    void aCloudTrailRestoreEventStartsTheStateMachineWhoseTasksRunTheRealWorkflowHandler() throws Exception {
        Deployment d = deploy("ledger");

        String execution = restoreAndSendTheCloudTrailEvent(d);

        assertThat(execution).as("the restore call's CloudTrail event matched the rule, which started the state machine").isNotNull();
        String sessionId = execution.substring(execution.lastIndexOf(':') + 1);
        Map<String, AttributeValue> registered = awaitItem(() -> session(d, sessionId));
        assertThat(text(registered, "target_table")).as("Register (lambda:invoke → workflow) read the event").isEqualTo("ledger-restored");
        JsonNode input = JSON.readTree(aws.clients().sfn().describeExecution(r -> r.executionArn(execution)).input());
        assertThat(input.get("detail-type").asText()).isEqualTo("AWS API Call via CloudTrail");
        assertThat(input.get("account").asText()).isEqualTo(LocalClients.ACCOUNT);
        assertThat(input.at("/detail/requestParameters/sourceTableName").asText()).isEqualTo("ledger");
    }

    /** The state machine names the mapping "Uuid" (the AWS SDK for Java v2 member name, as AWS requires); the emulator maps it to the API's UUID. */
    @Test
    void aCloudTrailRestoreEventRunsTheSessionFromCaughtUpToFinished() throws Exception {
        Deployment d = deploy("journal");
        String execution = restoreAndSendTheCloudTrailEvent(d);
        assertThat(execution).as("the restore call's CloudTrail event matched the rule, which started the state machine").isNotNull();
        String sessionId = execution.substring(execution.lastIndexOf(':') + 1);
        put("journal", "during", "1");
        JsonNode caughtUp = await("session CAUGHT_UP with a task token", () -> {
            Map<String, AttributeValue> s = session(d, sessionId);
            return s != null && "CAUGHT_UP".equals(text(s, "status")) && s.containsKey("task_token") ? s : null;
        }, execution);
        // CAUGHT_UP allows a small backlog still in flight (the cutover proves the rest), so await the write itself.
        await("the write made during the restore replayed into the restored table",
                () -> "1".equals(value("journal-restored", "during")) ? JSON.createObjectNode() : null, execution);

        aws.clients().sfn().sendTaskSuccess(r -> r.taskToken(caughtUp.get("task_token").asText()).output("{}"));
        await("execution SUCCEEDED", () -> aws.clients().sfn().describeExecution(r -> r.executionArn(execution)).status()
                == ExecutionStatus.SUCCEEDED ? JSON.createObjectNode() : null, execution);

        assertThat(text(session(d, sessionId), "status")).isEqualTo("FINISHED");
        assertThat(mappingState(d.captureMappingUuid())).isEqualTo("Disabled");
        assertThat(mappingState(d.replayMappingUuid())).isEqualTo("Disabled");
        assertThat(aws.clients().dynamo().getItem(r -> r.tableName(d.controlTableName()).key(Map.of(
                "pk", AttributeValue.fromS("TABLE#journal"), "sk", AttributeValue.fromS("ACTIVE")))).item()).as("lock released").isEmpty();
    }

    /**
     * Issue 14, finding 9: a restore into another region. The call is made in eu-west-1 (by the source's
     * ARN, the only way AWS restores across regions), so CloudTrail reports it on eu-west-1's bus; the
     * deployment's forwarding rule there (restore_regions) sends it home, the session registers the
     * target's region, and replay, run by the real function in the home region, writes into the
     * eu-west-1 table until the session is caught up.
     */
    @Test
    void aRestoreIntoAnotherRegionIsFollowedAndReplayedThere() throws Exception {
        Deployment d = deploy("atlas", DeploymentValues.defaults().with("restore_regions", java.util.List.of("eu-west-1")));
        put("atlas", "before", "1");
        try (LocalClients west = new LocalClients(aws.clients().endpoint(), software.amazon.awssdk.regions.Region.EU_WEST_1)) {
            Instant requested = Instant.now();
            west.dynamo().restoreTableToPointInTime(r -> r.sourceTableArn(d.sourceTableArn()).targetTableName("atlas-restored")
                    .useLatestRestorableTime(true));
            String execution = aws.awaitExecution(d, requested, Duration.ofSeconds(30));
            assertThat(execution).as("the eu-west-1 CloudTrail event, forwarded home, started the state machine").isNotNull();
            String sessionId = execution.substring(execution.lastIndexOf(':') + 1);

            Map<String, AttributeValue> registered = awaitItem(() -> session(d, sessionId));
            assertThat(text(registered, "target_table")).isEqualTo("atlas-restored");
            assertThat(text(registered, "target_table_arn")).as("the session knows the target's region")
                    .isEqualTo("arn:aws:dynamodb:eu-west-1:" + LocalClients.ACCOUNT + ":table/atlas-restored");

            put("atlas", "during", "1");
            await("session CAUGHT_UP", () -> {
                Map<String, AttributeValue> s = session(d, sessionId);
                return s != null && "CAUGHT_UP".equals(text(s, "status")) && s.containsKey("task_token") ? s : null;
            }, execution);
            await("the write made during the restore replayed into the eu-west-1 table", () -> {
                Map<String, AttributeValue> item = west.dynamo().getItem(r -> r.tableName("atlas-restored").consistentRead(true)
                        .key(Map.of("pk", AttributeValue.fromS("during")))).item();
                return item != null && !item.isEmpty() ? JSON.createObjectNode() : null;
            }, execution);
            assertThat(aws.clients().dynamo().listTables().tableNames()).as("nothing restored or written at home")
                    .doesNotContain("atlas-restored");
            assertThat(west.dynamo().describeTable(r -> r.tableName("atlas-restored")).table().streamSpecification())
                    .as("the settings copy ran on the eu-west-1 table").isNotNull();

            // The key log (home) and the target (eu-west-1) agree: the operator's verify reads both where they are.
            java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
            java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
            int exit = dev.restorecdc.cli.RestoreCdc.run(new String[] {"verify", "--session", sessionId, "--table", "atlas",
                    "--recheck-delay", "0s"}, aws.emulator().awsEnvironment(),
                    new java.io.PrintStream(out, true, java.nio.charset.StandardCharsets.UTF_8),
                    new java.io.PrintStream(err, true, java.nio.charset.StandardCharsets.UTF_8));
            assertThat(exit).as("verify: %s %s", out, err).isZero();
            assertThat(out.toString(java.nio.charset.StandardCharsets.UTF_8)).doesNotContain("0 of 0 logged keys");
        }
    }

    /** Issue 14, finding 4: the deployed cleanup rule, the local AWS's status change event and the real workflow function. */
    @Test
    void aStoppedSessionIsCleanedUpByTheDeployedRuleThroughTheRealWorkflowFunction() throws Exception {
        Deployment d = deploy("ledger2");
        String execution = restoreAndSendTheCloudTrailEvent(d);
        assertThat(execution).isNotNull();
        String sessionId = execution.substring(execution.lastIndexOf(':') + 1);
        await("session CAUGHT_UP with a task token", () -> {
            Map<String, AttributeValue> s = session(d, sessionId);
            return s != null && "CAUGHT_UP".equals(text(s, "status")) && s.containsKey("task_token") ? s : null;
        }, execution);
        assertThat(mappingState(d.captureMappingUuid())).isEqualTo("Enabled");

        aws.clients().sfn().stopExecution(r -> r.executionArn(execution).error("Operator").cause("stopped from the console"));

        Map<String, AttributeValue> ended = awaitItem(() -> {
            Map<String, AttributeValue> s = session(d, sessionId);
            return s != null && "ABORTED".equals(text(s, "status")) ? s : null;
        });
        assertThat(text(ended, "reason")).contains("its execution was stopped").contains("Operator");
        assertThat(mappingState(d.captureMappingUuid())).isEqualTo("Disabled");
        assertThat(mappingState(d.replayMappingUuid())).isEqualTo("Disabled");
        assertThat(aws.clients().dynamo().getItem(r -> r.tableName(d.controlTableName()).consistentRead(true).key(Map.of(
                "pk", AttributeValue.fromS("TABLE#ledger2"), "sk", AttributeValue.fromS("ACTIVE")))).item()).as("lock released").isEmpty();
    }

    /** Restores the deployment's source table; returns the execution the restore's CloudTrail event started through the rule. */
    private static String restoreAndSendTheCloudTrailEvent(Deployment d) throws Exception {
        String table = d.sourceTableName();
        put(table, "before", "1");
        Instant requested = Instant.now();
        aws.clients().dynamo().restoreTableToPointInTime(r -> r.sourceTableName(table).targetTableName(table + "-restored")
                .useLatestRestorableTime(true));
        return aws.awaitExecution(d, requested, Duration.ofSeconds(30));
    }

    private static Deployment deploy(String table) {
        DeploymentValues values = DeploymentValues.defaults();
        for (String setting : new String[] {"stream", "ttl", "pitr", "tags", "deletion_protection", "autoscaling", "resource_policy"}) {
            values = values.with("copy_settings." + setting, false); // the settings copy is the session tests' subject
        }
        return deploy(table, values);
    }

    private static Deployment deploy(String table, DeploymentValues base) {
        aws.createSourceTable(table, "pk");
        DeploymentValues values = base
                .with("queue.visibility_timeout_seconds", 2)
                .with("session.restore_poll_seconds", 1)
                .with("session.restore_timeout_seconds", 120)
                .with("session.caught_up_poll_seconds", 1)
                .with("session.drain_poll_seconds", 1)
                .with("session.max_session_seconds", 600);
        return aws.deploy(table, values);
    }

    /** The task failures in the execution's history, so a failed run says why. */
    private static String failures(String execution) {
        StringBuilder out = new StringBuilder();
        aws.clients().sfn().getExecutionHistory(r -> r.executionArn(execution).maxResults(1000)).events().forEach(e -> {
            if (e.taskFailedEventDetails() != null) {
                out.append("\n  ").append(e.taskFailedEventDetails().resourceType()).append(':').append(e.taskFailedEventDetails().resource())
                        .append(' ').append(e.taskFailedEventDetails().error()).append(' ').append(e.taskFailedEventDetails().cause());
            }
            if (e.lambdaFunctionFailedEventDetails() != null) {
                out.append("\n  lambda ").append(e.lambdaFunctionFailedEventDetails().error()).append(' ').append(e.lambdaFunctionFailedEventDetails().cause());
            }
        });
        return out.toString();
    }

    private static Map<String, AttributeValue> session(Deployment d, String sessionId) {
        Map<String, AttributeValue> item = aws.clients().dynamo().getItem(r -> r.tableName(d.controlTableName()).consistentRead(true).key(Map.of(
                "pk", AttributeValue.fromS("TABLE#" + d.sourceTableName()), "sk", AttributeValue.fromS("SESSION#" + sessionId)))).item();
        return item == null || item.isEmpty() ? null : item;
    }

    private static String text(Map<String, AttributeValue> item, String name) {
        return item == null || item.get(name) == null ? null : item.get(name).s();
    }

    private static String mappingState(String uuid) {
        return aws.clients().lambda().getEventSourceMapping(r -> r.uuid(uuid)).state();
    }

    private static void put(String table, String pk, String value) {
        aws.clients().dynamo().putItem(r -> r.tableName(table).item(Map.of("pk", AttributeValue.fromS(pk), "v", AttributeValue.fromS(value))));
    }

    private static String value(String table, String pk) {
        Map<String, AttributeValue> item = aws.clients().dynamo().getItem(r -> r.tableName(table).consistentRead(true)
                .key(Map.of("pk", AttributeValue.fromS(pk)))).item();
        return item == null || item.isEmpty() ? null : item.get("v").s();
    }

    private static Map<String, AttributeValue> awaitItem(Supplier<Map<String, AttributeValue>> probe) throws InterruptedException {
        Instant deadline = Instant.now().plus(PATIENCE);
        while (Instant.now().isBefore(deadline)) {
            Map<String, AttributeValue> item = probe.get();
            if (item != null) {
                return item;
            }
            Thread.sleep(500);
        }
        throw new AssertionError("timed out waiting for the session record; logs in " + LambdaService.LOG_DIR);
    }

    private static JsonNode await(String what, Supplier<Object> probe, String execution) throws InterruptedException {
        Instant deadline = Instant.now().plus(PATIENCE);
        while (Instant.now().isBefore(deadline)) {
            Object found = probe.get();
            if (found != null) {
                if (found instanceof Map<?, ?> item) {
                    ObjectNode node = JSON.createObjectNode();
                    item.forEach((k, v) -> node.put((String) k, ((AttributeValue) v).s()));
                    return node;
                }
                return (JsonNode) found;
            }
            var status = aws.clients().sfn().describeExecution(r -> r.executionArn(execution));
            if (status.status() == ExecutionStatus.FAILED || status.status() == ExecutionStatus.ABORTED) {
                throw new AssertionError("execution " + status.status() + " while waiting for " + what + ": " + status.error()
                        + "; failures in its history: " + failures(execution));
            }
            Thread.sleep(500);
        }
        throw new AssertionError("timed out waiting for " + what + "; logs in " + LambdaService.LOG_DIR);
    }
}
