package dev.restorecdc.cli;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class DoctorTest {

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
    void flagsATableWithoutStreamAndWithoutPointInTimeRecovery() {
        fixtures.sourceTable("bare", false, false);

        CliHarness.Run run = moto.run("doctor", "--table", "bare");

        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.out()).containsPattern("(?m)^ok +table +bare is ACTIVE")
                .containsPattern("(?m)^FAIL +stream +no stream")
                .contains("fix: aws dynamodb update-table --table-name bare --stream-specification StreamEnabled=true")
                .containsPattern("(?m)^FAIL +point-in-time recovery +disabled")
                .contains("PointInTimeRecoveryEnabled=true");
    }

    @Test
    void passesEveryCheckOnAPreparedIdleDeployment() throws Exception {
        DeploymentNames names = DeploymentNames.forTable("orders");
        fixtures.sourceTable("orders", true, true);
        fixtures.controlTable(names.controlTable());
        fixtures.queues(names);
        fixtures.deployment("orders", names);

        CliHarness.Run run = moto.run("doctor", "--table", "orders", "--json");

        assertThat(run.err()).isEmpty();
        JsonNode report = Fixtures.JSON.readTree(run.out());
        Map<String, String> verdicts = new HashMap<>();
        report.get("checks").forEach(c -> verdicts.merge(c.get("check").asText(), c.get("verdict").asText() + ": " + c.get("detail").asText(),
                (a, b) -> a + " | " + b));
        assertThat(verdicts.values()).as(run.out()).allMatch(v -> v.startsWith("ok: ") && !v.contains("| warn") && !v.contains("| FAIL"));
        assertThat(verdicts).containsKeys("table", "stream", "point-in-time recovery", "cloudtrail trail", "session lock",
                "state machine", "restore rule", "function", "capture mapping", "replay mapping", "queue", "dead-letter queue");
        assertThat(verdicts.get("restore regions")).as("said plainly (issue 14, finding 9)")
                .contains("restores into us-east-1 are followed").contains("ANOTHER region is NOT").contains("restore_regions");
        assertThat(report.get("failures").asInt()).isZero();
        assertThat(run.exit()).isZero();
    }

    /** restore_regions: each listed region needs its forwarding rule, or restores there start no session. */
    @Test
    void checksTheForwardingRuleOfEveryRestoreRegion() throws Exception {
        DeploymentNames names = DeploymentNames.forTable("atlas");
        fixtures.sourceTable("atlas", true, true);
        fixtures.controlTable(names.controlTable());
        fixtures.queues(names);
        fixtures.deployment("atlas", names);
        moto.aws.lambda().updateFunctionConfiguration(r -> r.functionName(names.workflowFunction())
                .environment(e -> e.variables(Map.of("CDC_RESTORE_REGIONS", "eu-west-1"))));

        CliHarness.Run missing = moto.run("doctor", "--table", "atlas");

        assertThat(missing.out()).containsPattern("(?m)^FAIL +restore regions +restores there start no session: eu-west-1 \\(no rule "
                + names.forwardRule() + "\\)");

        var west = moto.aws.events(software.amazon.awssdk.regions.Region.EU_WEST_1);
        west.putRule(r -> r.name(names.forwardRule()).eventPattern("{\"source\":[\"aws.dynamodb\"]}"));
        west.putTargets(r -> r.rule(names.forwardRule()).targets(t -> t.id("home-bus")
                .arn("arn:aws:events:us-east-1:" + Fixtures.ACCOUNT + ":event-bus/default")
                .roleArn("arn:aws:iam::" + Fixtures.ACCOUNT + ":role/" + names.prefix() + "-forward")));

        CliHarness.Run forwarded = moto.run("doctor", "--table", "atlas");

        assertThat(forwarded.out()).containsPattern("(?m)^ok +restore regions +restores into us-east-1 and eu-west-1 are followed")
                .contains("multi-region trail")
                .containsPattern("(?m)^ok +cloudtrail trail +trail management logs management events in all regions");

        moto.aws.cloudTrail().updateTrail(r -> r.name("management").isMultiRegionTrail(false));

        assertThat(moto.run("doctor", "--table", "atlas").out()).as("eu-west-1's restore calls are logged in eu-west-1")
                .containsPattern("(?m)^warn +cloudtrail trail +trail management logs management events in us-east-1 only; "
                        + "a restore into eu-west-1 is logged there");
    }

    @Test
    void namesAnotherConsumerOfTheSourcesStreamSinceAStreamServesTwoReadersPerShard() throws Exception {
        DeploymentNames names = DeploymentNames.forTable("shared");
        fixtures.sourceTable("shared", true, true);
        fixtures.controlTable(names.controlTable());
        fixtures.queues(names);
        fixtures.deployment("shared", names);
        String streamArn = moto.aws.dynamo().describeTable(r -> r.tableName("shared")).table().latestStreamArn();
        byte[] zip = Fixtures.emptyZip();
        moto.aws.lambda().createFunction(r -> r.functionName("analytics").runtime("java21")
                .role("arn:aws:iam::" + Fixtures.ACCOUNT + ":role/" + names.prefix()).handler("x")
                .code(c -> c.zipFile(software.amazon.awssdk.core.SdkBytes.fromByteArray(zip))));
        String other = moto.aws.lambda().createEventSourceMapping(r -> r.functionName("analytics").eventSourceArn(streamArn)
                .startingPosition("LATEST")).uuid();

        CliHarness.Run run = moto.run("doctor", "--table", "shared");

        assertThat(run.out()).containsPattern("(?m)^warn +stream consumers +1 other reader\\(s\\) of the stream: event source mapping "
                + other + " -> \\S+:function:analytics").contains("two simultaneous readers per shard");
    }

    @Test
    void failsQueuesLeftAtTheProvidersDefaultSizeOf256KiB() {
        DeploymentNames names = DeploymentNames.forTable("small");
        fixtures.sourceTable("small", true, true);
        fixtures.controlTable(names.controlTable());
        fixtures.queues(names, 262_144);

        CliHarness.Run run = moto.run("doctor", "--table", "small");

        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.out()).containsPattern("(?m)^FAIL +queue +" + names.queue() + " takes messages of at most 262144 bytes")
                .containsPattern("(?m)^FAIL +dead-letter queue +" + names.deadLetterQueue() + " takes messages of at most 262144 bytes")
                .contains("MaximumMessageSize=1048576");
    }

    @Test
    void failsWhenTheLockOutlivesItsSession() throws Exception {
        DeploymentNames names = DeploymentNames.forTable("stuck");
        fixtures.sourceTable("stuck", true, true);
        fixtures.controlTable(names.controlTable());
        fixtures.session(names.controlTable(), "stuck", "old", Map.of("status", Fixtures.s("FINISHED")));
        moto.aws.dynamo().putItem(r -> r.tableName(names.controlTable()).item(Map.of("pk", Fixtures.s("TABLE#stuck"),
                "sk", Fixtures.s("ACTIVE"), "session_id", Fixtures.s("old"))));

        CliHarness.Run run = moto.run("doctor", "--table", "stuck");

        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.out()).containsPattern("(?m)^FAIL +session lock +left behind by session old, which is FINISHED")
                .contains("restore-cdc abort --session old --table stuck");
    }
}
