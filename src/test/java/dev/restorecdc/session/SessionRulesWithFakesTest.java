package dev.restorecdc.session;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The session steps' rules on in-memory fakes of their ports: no emulator, no waiting. */
class SessionRulesWithFakesTest {

    private final Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    private final Clock clock = Clock.fixed(now, ZoneOffset.UTC);
    private final InMemorySessionRecords records = new InMemorySessionRecords(SessionWorld.SOURCE);
    private final SessionRecords.Opener opener = (control, source) -> records;
    private Optional<Instant> restoreDateTime = Optional.empty();
    private final RestoredTables restored = table -> Optional.of(new RestoredTables.Summary(restoreDateTime,
            Optional.of("arn:aws:dynamodb:us-east-1:123456789012:table/orders")));
    private QueueBacklog.Backlog backlog = new QueueBacklog.Backlog(0, 0);
    private MappingStates.MappingStatus capture = new MappingStates.MappingStatus("Enabled", Optional.of("OK"));
    private final SessionConfig config = SessionConfig.from(SessionConfigTest.configJson());

    private RegisterStep.Output register(String sessionId, String fixture, Instant requestedAt) {
        JsonNode event = SessionWorld.restoreEvent(fixture, requestedAt).get("detail");
        return new RegisterStep(opener, restored, clock).run(new RegisterStep.Input(config, sessionId, event, null));
    }

    @Test
    void aSecondRestoreWhileOneIsActiveIsRefusedAndTheLockStaysWithTheFirst() {
        register("first", "by-name", now.minusSeconds(60));

        RegisterStep.Output second = register("second", "by-arn", now.minusSeconds(5));

        assertThat(second.registered()).isFalse();
        assertThat(second.reason()).contains("another restore session (first) is active");
        assertThat(second.notice()).containsEntry("event", "session_refused");
        assertThat(records.activeSessionId()).contains("first");
        assertThat(records.session("second").orElseThrow().status()).isEqualTo(SessionStatus.FAILED);
    }

    @Test
    void aRestoreIntoARegionTheDeploymentDoesNotFollowIsRefusedAtRegistration() {
        JsonNode event = SessionWorld.restoreEvent("other-region", now.minusSeconds(5)).get("detail");

        RegisterStep.Output out = new RegisterStep(opener, restored, clock)
                .run(new RegisterStep.Input(config, "elsewhere", event, null));

        assertThat(out.registered()).isFalse();
        assertThat(out.reason()).contains("in region eu-west-1 is not followed", "restores in us-east-1 only", "restore_regions");
        assertThat(out.notice()).containsEntry("event", "session_refused");
        assertThat(records.activeSessionId()).as("no lock taken").isEmpty();
        assertThat(records.session("elsewhere").orElseThrow().status()).isEqualTo(SessionStatus.FAILED);
    }

    @Test
    void aRestoreIntoAFollowedRegionRegistersWithTheTargetsArn() {
        JsonNode event = SessionWorld.restoreEvent("other-region", now.minusSeconds(5)).get("detail");

        RegisterStep.Output out = new RegisterStep(opener, restored, clock, RestoreRegions.parse(Optional.of("eu-west-1, ap-south-1")))
                .run(new RegisterStep.Input(config, "elsewhere", event, null));

        assertThat(out.registered()).isTrue();
        SessionRecord record = records.session("elsewhere").orElseThrow();
        assertThat(record.targetTable()).contains("orders-restored-undo");
        assertThat(record.targetRegion()).contains("eu-west-1");
        assertThat(record.replayTarget()).contains("arn:aws:dynamodb:eu-west-1:123456789012:table/orders-restored-undo");
    }

    @Test
    void aSameRegionRestoreRecordsNoTargetArn() {
        register("s1", "by-arn", now.minusSeconds(5));

        SessionRecord record = records.session("s1").orElseThrow();
        assertThat(record.targetTableArn()).isEmpty();
        assertThat(record.replayTarget()).contains("orders-restored-undo");
    }

    @Test
    void aRetriedRegistrationOfTheSameSessionIsStillRegistered() {
        register("s1", "by-name", now.minusSeconds(5));

        assertThat(register("s1", "by-name", now.minusSeconds(5)).registered()).isTrue();
    }

    @Test
    void aLatestRestorableCopyReplaysFromTheRestoredTablesRestorePoint() {
        register("s1", "by-name", now.minusSeconds(5));
        restoreDateTime = Optional.of(now.minusSeconds(300));
        JsonNode event = SessionWorld.restoreEvent("by-name", now.minusSeconds(5)).get("detail");

        SettleReplayFromStep.Output out = new SettleReplayFromStep(opener, restored, clock)
                .run(new SettleReplayFromStep.Input(config, "s1", event));

        assertThat(out.replayFromRule()).isEqualTo("auto:restore_point");
        assertThat(records.session("s1").orElseThrow().replayFrom()).contains(now.minusSeconds(300));
        assertThat(records.session("s1").orElseThrow().status()).isEqualTo(SessionStatus.CONFIGURING);
    }

    @Test
    void aReplayWindowStartingBeforeThePreviousSessionsCaptureEndIsRefused() {
        records.update("s0", Map.of(SessionRecord.STATUS, "FINISHED", SessionRecord.CAPTURE_NEWEST_AT, now), now);
        register("s1", "by-arn", now.minusSeconds(30));
        JsonNode event = SessionWorld.restoreEvent("by-arn", now.minusSeconds(30)).get("detail");

        assertThatThrownBy(() -> new SettleReplayFromStep(opener, restored, clock)
                .run(new SettleReplayFromStep.Input(config, "s1", event)))
                .isInstanceOf(SessionRefusedException.class)
                .hasMessageContaining("previous session's capture end");
    }

    @Test
    void caughtUpNeedsTwoGoodChecksInARowThenMarksTheSessionCaughtUp() {
        register("s1", "by-name", now.minusSeconds(5));
        records.update("s1", Map.of(SessionRecord.CAPTURE_NEWEST_AT, now.minusSeconds(3), SessionRecord.CAPTURE_RAN_AT, now), now);
        CaughtUpStep step = new CaughtUpStep(opener, queueUrl -> backlog, uuid -> capture, clock);

        CaughtUpStep.Output first = step.run(new CaughtUpStep.Input(config, "s1", 0, 0, 0));
        CaughtUpStep.Output second = step.run(new CaughtUpStep.Input(config, "s1", first.consecutive(), first.checks(), 0));

        assertThat(first.ready()).isFalse();
        assertThat(first.notice()).isNull();
        assertThat(second.ready()).isTrue();
        assertThat(second.notice()).containsEntry("event", "ready_for_cutover");
        assertThat(records.session("s1").orElseThrow().status()).isEqualTo(SessionStatus.CAUGHT_UP);
    }

    @Test
    void aBacklogAboveTheThresholdResetsTheRunOfGoodChecks() {
        register("s1", "by-name", now.minusSeconds(5));
        records.update("s1", Map.of(SessionRecord.CAPTURE_NEWEST_AT, now.minusSeconds(3), SessionRecord.CAPTURE_RAN_AT, now), now);
        backlog = new QueueBacklog.Backlog(config.caughtUpBacklog() + 1, 0);

        CaughtUpStep.Output out = new CaughtUpStep(opener, queueUrl -> backlog, uuid -> capture, clock)
                .run(new CaughtUpStep.Input(config, "s1", 1, 5, 0));

        assertThat(out.ready()).isFalse();
        assertThat(out.consecutive()).isZero();
        assertThat(out.checks()).isEqualTo(6);
    }

    @Test
    void finishMarksFinishedAndReleasesTheLockSoTheNextRestoreIsFollowed() {
        register("s1", "by-name", now.minusSeconds(60));

        SessionEnd end = new FinishStep(opener, clock).run(new FinishStep.Input(config, "s1", null));

        assertThat(end.status()).isEqualTo("FINISHED");
        assertThat(end.lockReleased()).isTrue();
        assertThat(end.notice()).containsEntry("event", "session_finished").containsEntry("finished_by", "operator");
        assertThat(records.session("s1").orElseThrow().reason()).contains("finished by operator");
        assertThat(register("s2", "by-arn", now.minusSeconds(5)).registered()).isTrue();
    }

    @Test
    void aFailedSessionThatNeverTookTheLockLeavesAnotherSessionsLockAlone() {
        register("s1", "by-name", now.minusSeconds(60));

        SessionEnd end = new FailStep(opener, clock).run(new FailStep.Input(config, "s2", null));

        assertThat(end.lockReleased()).isFalse();
        assertThat(records.activeSessionId()).contains("s1");
    }
}
