package dev.restorecdc.session;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.restorecdc.cdc.Timestamps;
import dev.restorecdc.aws.SessionStore;
import dev.restorecdc.local.Emulator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.applicationautoscaling.model.ServiceNamespace;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.PointInTimeRecoveryStatus;
import software.amazon.awssdk.services.dynamodb.model.StreamViewType;
import software.amazon.awssdk.services.dynamodb.model.TableDescription;
import software.amazon.awssdk.services.dynamodb.model.TimeToLiveStatus;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The session steps, dispatched by action as the workflow function does, against the emulator, one AWS-shaped world per test (the emulator is reset in between). */
class SessionStepsOnEmulatorTest {

    private static Emulator emulator;
    private SessionWorld world;
    private SessionSteps steps;
    private SessionStore store;

    @BeforeAll
    static void startEmulator() {
        emulator = Emulator.start();
    }

    @AfterAll
    static void stopEmulator() {
        emulator.close();
    }

    @BeforeEach
    void freshWorld() {
        emulator.reset();
        world = new SessionWorld(emulator);
        steps = world.steps();
        store = new SessionStore(world.dynamo, SessionWorld.CONTROL, SessionWorld.SOURCE);
    }

    private Map<String, Object> run(String action, String sessionId, Map<String, Object> extra) {
        // through JSON, as the state machine reads the task's Payload
        return SessionWorld.JSON.convertValue(steps.run(world.input(action, sessionId, extra)), new TypeReference<>() { });
    }

    private Map<String, Object> register(String sessionId, ObjectNode event) {
        return run("register", sessionId, Map.of("event", SessionWorld.map(event.get("detail"))));
    }

    private Map<String, AttributeValue> record(String sessionId) {
        return world.sessionItem(sessionId);
    }

    private static Instant secondsAgo(long seconds) {
        return Instant.now().truncatedTo(ChronoUnit.SECONDS).minusSeconds(seconds);
    }

    @Test
    void theLockOnDynamoDbCarriesItsExpiryIsRenewedOnlyByItsHolderAndIsTakenOverOnceExpired() {
        register("first", SessionWorld.restoreEvent("by-name", secondsAgo(5)));
        Instant expires = store.lock().orElseThrow().expiresAt().orElseThrow();
        assertThat(expires).isAfter(Instant.now().plusSeconds(60));

        assertThat(store.renewLock("other", Instant.now())).isFalse();
        assertThat(register("second", SessionWorld.restoreEvent("by-arn", secondsAgo(4))).get("registered")).isEqualTo(false);
        assertThat(store.lock().orElseThrow().expiresAt()).contains(expires);

        assertThat(store.renewLock("first", Instant.now().minusSeconds(1))).isTrue();
        Map<String, Object> third = register("third", SessionWorld.restoreEvent("by-name", secondsAgo(3)));

        assertThat(third.get("registered")).isEqualTo(true);
        assertThat(store.activeSessionId()).contains("third");
        assertThat(record("first").get("status").s()).isEqualTo("ABORTED");
        assertThat(record("first").get("reason").s()).contains("lock expired").contains("third");
    }

    @Test
    void registerTakesTheLockAndStartsTheSessionWithTheCaptureFloor() {
        Instant requested = secondsAgo(5);

        Map<String, Object> out = register("s1", SessionWorld.restoreEvent("by-name", requested));

        assertThat(out).containsEntry("registered", true).containsEntry("target_table", "orders-restored-latest")
                .containsEntry("capture_floor", requested.minusSeconds(15 * 60).toString())
                .containsEntry("record_key", Map.of("pk", Map.of("S", "TABLE#orders"), "sk", Map.of("S", "SESSION#s1")));
        assertThat(store.activeSessionId()).contains("s1");
        assertThat(record("s1")).containsEntry("status", AttributeValue.fromS("REQUESTED"))
                .containsEntry("requested_at", AttributeValue.fromS(Timestamps.format(requested)))
                .containsEntry("target_table", AttributeValue.fromS("orders-restored-latest"));
    }

    @Test
    void secondRestoreWhileOneIsActiveIsRefusedAndLeavesTheActiveSessionAlone() {
        register("s1", SessionWorld.restoreEvent("by-name", secondsAgo(60)));

        Map<String, Object> out = register("s2", SessionWorld.restoreEvent("by-arn", secondsAgo(5)));

        assertThat(out).containsEntry("registered", false).containsEntry("active_session_id", "s1");
        assertThat((String) out.get("reason")).contains("another restore session (s1) is active for table orders");
        assertThat(out.get("notice")).asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.MAP)
                .containsEntry("event", "session_refused");
        assertThat(store.activeSessionId()).contains("s1");
        assertThat(record("s1")).containsEntry("status", AttributeValue.fromS("REQUESTED"));
        assertThat(record("s2")).containsEntry("status", AttributeValue.fromS("FAILED"));
    }

    @Test
    void registerRetriedForTheSameSessionIsStillRegistered() {
        ObjectNode event = SessionWorld.restoreEvent("by-name", secondsAgo(5));
        register("s1", event);

        assertThat(register("s1", event)).containsEntry("registered", true);
    }

    @Test
    void copyReplaysFromTheRestoredTablesRestoreDateTime() {
        ObjectNode event = SessionWorld.restoreEvent("by-name", secondsAgo(5));
        world.restore(event);
        register("s1", event);
        Instant restoreDateTime = world.dynamo.describeTable(r -> r.tableName("orders-restored-latest")).table()
                .restoreSummary().restoreDateTime();

        Map<String, Object> out = run("settleReplayFrom", "s1", Map.of("event", SessionWorld.map(event.get("detail"))));

        assertThat(out).containsEntry("replay_from", restoreDateTime.toString()).containsEntry("replay_from_rule", "auto:restore_point");
        assertThat(record("s1")).containsEntry("status", AttributeValue.fromS("CONFIGURING"))
                .containsEntry("replay_from", AttributeValue.fromS(Timestamps.format(restoreDateTime)))
                .containsEntry("replay_from_rule", AttributeValue.fromS("auto:restore_point"));
    }

    @Test
    void undoReplaysFromTheRequestTime() {
        Instant requested = secondsAgo(5);
        ObjectNode event = SessionWorld.restoreEvent("by-arn", requested);
        world.restore(event);
        register("s1", event);

        Map<String, Object> out = run("settleReplayFrom", "s1", Map.of("event", SessionWorld.map(event.get("detail"))));

        assertThat(out).containsEntry("replay_from", requested.toString()).containsEntry("replay_from_rule", "auto:restore_requested");
    }

    @Test
    void targetOutsideThePatternIsRefusedAtRegistrationWithoutTakingTheLock() {
        world.config.put("target_table_pattern", "orders-copy-*");
        ObjectNode event = SessionWorld.restoreEvent("by-arn", secondsAgo(5));

        Map<String, Object> out = register("s1", event);

        assertThat(out).containsEntry("registered", false).containsEntry("active_session_id", null);
        assertThat((String) out.get("reason")).contains("orders-restored-undo is outside target_table_pattern 'orders-copy-*'");
        assertThat(out.get("notice")).asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.MAP)
                .containsEntry("event", "session_refused");
        assertThat(store.activeSessionId()).isEmpty();
        assertThat(record("s1")).containsEntry("status", AttributeValue.fromS("FAILED"));
        assertThat(record("s1").get("reason").s()).contains("outside target_table_pattern");
    }

    @Test
    void aTargetRestoredFromAnotherTableIsRefusedWhenTheRestoreCompletes() {
        world.dynamo.createTable(r -> r.tableName("orders-ledger").billingMode(software.amazon.awssdk.services.dynamodb.model.BillingMode.PAY_PER_REQUEST)
                .attributeDefinitions(a -> a.attributeName("id").attributeType("S"))
                .keySchema(k -> k.attributeName("id").keyType("HASH")));
        world.dynamo.updateContinuousBackups(r -> r.tableName("orders-ledger")
                .pointInTimeRecoverySpecification(p -> p.pointInTimeRecoveryEnabled(true)));
        ObjectNode event = SessionWorld.restoreEvent("by-name", secondsAgo(5));
        String target = event.at("/detail/requestParameters/targetTableName").asText();
        world.dynamo.restoreTableToPointInTime(r -> r.sourceTableName("orders-ledger").targetTableName(target).useLatestRestorableTime(true));
        register("s1", event);

        assertThatThrownBy(() -> run("settleReplayFrom", "s1", Map.of("event", SessionWorld.map(event.get("detail")))))
                .isInstanceOf(SessionRefusedException.class)
                .hasMessageContaining(target + " was restored from arn:aws:dynamodb:us-east-1:123456789012:table/orders-ledger")
                .hasMessageContaining("not from this deployment's source table");
    }

    @Test
    void replayFromBeforeThePreviousSessionsCaptureEndIsRefused() {
        Instant requested = secondsAgo(30);
        Map<String, AttributeValue> previous = new HashMap<>(store.sessionKey("s0"));
        previous.put("status", AttributeValue.fromS("FINISHED"));
        previous.put("capture_newest_at", AttributeValue.fromS(requested.plusSeconds(10).toString()));
        world.dynamo.putItem(r -> r.tableName(SessionWorld.CONTROL).item(previous));
        ObjectNode event = SessionWorld.restoreEvent("by-arn", requested);
        world.restore(event);
        register("s1", event);

        assertThatThrownBy(() -> run("settleReplayFrom", "s1", Map.of("event", SessionWorld.map(event.get("detail")))))
                .isInstanceOf(SessionRefusedException.class)
                .hasMessageContaining("previous session's capture end " + requested.plusSeconds(10));
    }

    /**
     * Capture's session-wide stamp is written at most once a second per environment and may miss an
     * environment's last interval; the shards' progress, written by every invocation, says how far
     * the previous session really captured.
     */
    @Test
    void replayFromBeforeAShardOfThePreviousSessionIsRefusedThoughItsSessionStampIsOlder() {
        Instant requested = secondsAgo(30);
        Map<String, AttributeValue> previous = new HashMap<>(store.sessionKey("s0"));
        previous.put("status", AttributeValue.fromS("FINISHED"));
        previous.put("capture_newest_at", AttributeValue.fromS(requested.minusSeconds(60).toString()));
        world.dynamo.putItem(r -> r.tableName(SessionWorld.CONTROL).item(previous));
        world.dynamo.putItem(r -> r.tableName(SessionWorld.CONTROL).item(Map.of(
                "pk", AttributeValue.fromS(ControlTableKeys.shardProgressPk("s0")),
                "sk", AttributeValue.fromS(ControlTableKeys.shardProgressSk("shardId-00000001")),
                "newest_at", AttributeValue.fromS(requested.plusSeconds(5).toString()))));
        ObjectNode event = SessionWorld.restoreEvent("by-arn", requested);
        world.restore(event);
        register("s1", event);

        assertThatThrownBy(() -> run("settleReplayFrom", "s1", Map.of("event", SessionWorld.map(event.get("detail")))))
                .isInstanceOf(SessionRefusedException.class)
                .hasMessageContaining("previous session's capture end " + requested.plusSeconds(5));
    }

    @Test
    void copySettingsReappliesEverySettingAndASecondRunChangesNothing() {
        ObjectNode event = SessionWorld.restoreEvent("by-name", secondsAgo(5));
        world.restore(event);
        register("s1", event);
        String target = "orders-restored-latest";
        String targetArn = "arn:aws:dynamodb:us-east-1:123456789012:table/" + target;

        @SuppressWarnings("unchecked")
        Map<String, String> first = (Map<String, String>) run("copySettings", "s1", Map.of()).get("settings_applied");

        assertThat(first).containsEntry("stream", "copied (NEW_AND_OLD_IMAGES)").containsEntry("ttl", "copied (expires_at)")
                .containsEntry("pitr", "copied (35 days)").containsEntry("tags", "copied (2 of 2)")
                .containsEntry("deletion_protection", "copied").containsEntry("resource_policy", "copied")
                .containsEntry("autoscaling", "copied (2 scalable targets, 2 policies)");
        TableDescription t = world.dynamo.describeTable(r -> r.tableName(target)).table();
        assertThat(t.streamSpecification().streamViewType()).isEqualTo(StreamViewType.NEW_AND_OLD_IMAGES);
        assertThat(t.deletionProtectionEnabled()).isTrue();
        assertThat(world.dynamo.describeTimeToLive(r -> r.tableName(target)).timeToLiveDescription().timeToLiveStatus())
                .isEqualTo(TimeToLiveStatus.ENABLED);
        assertThat(world.dynamo.describeContinuousBackups(r -> r.tableName(target)).continuousBackupsDescription()
                .pointInTimeRecoveryDescription().pointInTimeRecoveryStatus()).isEqualTo(PointInTimeRecoveryStatus.ENABLED);
        assertThat(world.dynamo.listTagsOfResource(r -> r.resourceArn(targetArn)).tags()).hasSize(2);
        assertThat(world.dynamo.getResourcePolicy(r -> r.resourceArn(targetArn)).policy())
                .contains(targetArn + "\"", targetArn + "/index/*").doesNotContain(SessionWorld.SOURCE_ARN + "\"");
        assertThat(world.autoscaling.describeScalableTargets(r -> r.serviceNamespace(ServiceNamespace.DYNAMODB)
                .resourceIds("table/" + target, "table/" + target + "/index/by_status")).scalableTargets()).hasSize(2);
        assertThat(record("s1").get("settings_applied").m()).containsEntry("pitr", AttributeValue.fromS("copied (35 days)"));

        @SuppressWarnings("unchecked")
        Map<String, String> second = (Map<String, String>) run("copySettings", "s1", Map.of()).get("settings_applied");

        assertThat(second).containsEntry("stream", "already set").containsEntry("ttl", "already set")
                .containsEntry("pitr", "already set").containsEntry("tags", "already set")
                .containsEntry("deletion_protection", "already set").containsEntry("resource_policy", "already set");
    }

    @Test
    void autoscalingIsNotCopiedToATargetRestoredOnDemand() {
        ObjectNode event = SessionWorld.restoreEvent("by-name", secondsAgo(5));
        world.restore(event);
        world.dynamo.updateTable(r -> r.tableName("orders-restored-latest")
                .billingMode(software.amazon.awssdk.services.dynamodb.model.BillingMode.PAY_PER_REQUEST));
        register("s1", event);

        @SuppressWarnings("unchecked")
        Map<String, String> applied = (Map<String, String>) run("copySettings", "s1", Map.of()).get("settings_applied");

        assertThat(applied).containsEntry("autoscaling", "not copied (target is on-demand)");
        assertThat(world.autoscaling.describeScalableTargets(r -> r.serviceNamespace(ServiceNamespace.DYNAMODB)
                .resourceIds("table/orders-restored-latest")).scalableTargets()).isEmpty();
    }

    @Test
    void switchedOffSettingsAreReportedAndLeftAlone() {
        ObjectNode copy = (ObjectNode) world.config.get("copy_settings");
        List.of("stream", "ttl", "pitr", "tags", "deletion_protection", "autoscaling", "resource_policy")
                .forEach(name -> copy.put(name, false));
        ObjectNode event = SessionWorld.restoreEvent("by-name", secondsAgo(5));
        world.restore(event);
        register("s1", event);

        @SuppressWarnings("unchecked")
        Map<String, String> applied = (Map<String, String>) run("copySettings", "s1", Map.of()).get("settings_applied");

        assertThat(applied).hasSize(7).allSatisfy((k, v) -> assertThat(v).isEqualTo("not copied (copy_settings off)"));
        assertThat(world.dynamo.describeTable(r -> r.tableName("orders-restored-latest")).table().deletionProtectionEnabled())
                .isNotEqualTo(Boolean.TRUE);
    }

    @Test
    void caughtUpNeedsTwoGoodChecksInARowThenMarksCaughtUp() {
        register("s1", SessionWorld.restoreEvent("by-name", secondsAgo(5)));
        world.lambda.updateEventSourceMapping(r -> r.uuid(world.captureMappingUuid).enabled(true));
        Instant now = Instant.now();
        store.update("s1", Map.of("capture_newest_at", now.minusSeconds(3), "capture_ran_at", now), now);

        Map<String, Object> first = run("caughtUp", "s1", Map.of("consecutive", 0, "checks", 0));
        Map<String, Object> second = run("caughtUp", "s1", Map.of("consecutive", first.get("consecutive"), "checks", first.get("checks")));

        assertThat(first).containsEntry("ready", false).containsEntry("consecutive", 1).containsEntry("checks", 1)
                .containsEntry("notice", null);
        assertThat(second).containsEntry("ready", true).containsEntry("consecutive", 2).containsEntry("checks", 2);
        assertThat(record("s1")).containsEntry("status", AttributeValue.fromS("CAUGHT_UP"));
        assertThat(record("s1").get("caught_up_figures").m()).containsEntry("queue_visible", AttributeValue.fromN("0"))
                .as("capture lag is the worst shard's: no shard has a change capture has not processed")
                .containsEntry("capture_lag_seconds", AttributeValue.fromN("0"))
                .containsEntry("last_batch_lag_seconds", AttributeValue.fromN("3"));
    }

    @Test
    void aBacklogAboveTheThresholdIsNotCaughtUp() {
        register("s1", SessionWorld.restoreEvent("by-name", secondsAgo(5)));
        world.lambda.updateEventSourceMapping(r -> r.uuid(world.captureMappingUuid).enabled(true));
        world.config.put("caught_up_backlog", 2);
        for (int i = 0; i < 3; i++) {
            int n = i;
            world.sqs.sendMessage(r -> r.queueUrl(world.queueUrl).messageBody("{}").messageGroupId("g" + n)
                    .messageDeduplicationId("d" + n));
        }

        Map<String, Object> out = run("caughtUp", "s1", Map.of("consecutive", 1, "checks", 5));

        assertThat(out).containsEntry("ready", false).containsEntry("consecutive", 0).containsEntry("checks", 6);
        assertThat(out.get("unmet")).asList().contains("queue backlog 3 > caught_up_backlog 2");
    }

    @Test
    void awaitFinishStoresTheTaskTokenForTheOperator() {
        register("s1", SessionWorld.restoreEvent("by-name", secondsAgo(5)));

        run("awaitFinish", "s1", Map.of("task_token", "AQCEAAAAKgAAAAMAAAAA-token"));

        assertThat(record("s1")).containsEntry("task_token", AttributeValue.fromS("AQCEAAAAKgAAAAMAAAAA-token"));
    }

    @Test
    void drainedOnlyOnceCaptureIsOffAndTheQueueIsEmpty() {
        register("s1", SessionWorld.restoreEvent("by-name", secondsAgo(5)));
        world.lambda.updateEventSourceMapping(r -> r.uuid(world.captureMappingUuid).enabled(true));

        assertThat(run("drained", "s1", Map.of("checks", 0))).containsEntry("drained", false)
                .containsEntry("capture_mapping_state", "Enabled");

        world.lambda.updateEventSourceMapping(r -> r.uuid(world.captureMappingUuid).enabled(false));
        world.sqs.sendMessage(r -> r.queueUrl(world.queueUrl).messageBody("{}").messageGroupId("g").messageDeduplicationId("d"));
        assertThat(run("drained", "s1", Map.of("checks", 1))).containsEntry("drained", false).containsEntry("backlog", 1L);

        world.sqs.purgeQueue(r -> r.queueUrl(world.queueUrl));
        assertThat(run("drained", "s1", Map.of("checks", 2))).containsEntry("drained", true).containsEntry("checks", 3);
    }

    @Test
    void finishMarksFinishedThenReleasesTheLockSoTheNextRestoreIsFollowed() {
        register("s1", SessionWorld.restoreEvent("by-name", secondsAgo(60)));

        Map<String, Object> out = run("finish", "s1", Map.of("finished_by", "operator"));

        assertThat(out).containsEntry("status", "FINISHED").containsEntry("lock_released", true)
                .containsEntry("detail_type", "Restore session finished");
        assertThat(record("s1")).containsEntry("status", AttributeValue.fromS("FINISHED"))
                .containsEntry("reason", AttributeValue.fromS("finished by operator"));
        assertThat(store.activeSessionId()).isEmpty();
        assertThat(register("s2", SessionWorld.restoreEvent("by-arn", secondsAgo(5)))).containsEntry("registered", true);
    }

    @Test
    void theMaximumDurationEndsTheSessionExpiredNotFinishedAndSaysSoLoudly() {
        register("s1", SessionWorld.restoreEvent("by-name", secondsAgo(60)));

        Map<String, Object> out = run("finish", "s1", Map.of("finished_by", "max_session_seconds"));

        assertThat(out).containsEntry("status", "EXPIRED").containsEntry("lock_released", true)
                .containsEntry("detail_type", "Restore session expired");
        assertThat((String) out.get("subject")).contains("EXPIRED");
        assertThat(out.get("notice")).asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.MAP)
                .containsEntry("event", "session_expired").containsEntry("status", "EXPIRED");
        assertThat(record("s1")).containsEntry("status", AttributeValue.fromS("EXPIRED"));
        assertThat(record("s1").get("reason").s()).startsWith("expired: max_session_seconds").contains("NOT in the restored table");
        assertThat(store.activeSessionId()).isEmpty();
    }

    @Test
    void failRecordsTheReasonAndReleasesOnlyItsOwnLock() {
        register("s1", SessionWorld.restoreEvent("by-name", secondsAgo(60)));
        Map<String, Object> lambdaError = Map.of("Error", "SessionRefusedException",
                "Cause", "{\"errorMessage\":\"target table x is outside target_table_pattern 'orders*'\",\"errorType\":\"SessionRefusedException\"}");

        Map<String, Object> other = run("fail", "s2", Map.of("error", Map.of("Error", "States.Runtime")));

        assertThat(other).containsEntry("lock_released", false);
        assertThat(store.activeSessionId()).contains("s1");

        Map<String, Object> own = run("fail", "s1", Map.of("error", lambdaError));

        assertThat(own).containsEntry("lock_released", true)
                .containsEntry("reason", "SessionRefusedException: target table x is outside target_table_pattern 'orders*'");
        assertThat(record("s1")).containsEntry("status", AttributeValue.fromS("FAILED"));
        assertThat(store.activeSessionId()).isEmpty();
    }

    @Test
    void unknownActionIsRefusedNamingTheActions() {
        assertThatThrownBy(() -> run("launch", "s1", Map.of())).hasMessageContaining("got 'launch'")
                .hasMessageContaining("register, settleReplayFrom");
    }
}
