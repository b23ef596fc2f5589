package dev.restorecdc.session;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

import dev.restorecdc.testing.ManualClock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Issue 14, findings 4 and 5, on in-memory fakes: the lock's expiry, the cleanup when an execution
 * ends outside the state machine's own paths, and a caught-up loop that outlives one execution's
 * history budget.
 */
class SessionEndsFromOutsideWithFakesTest {

    private static final String EXECUTION = "arn:aws:states:us-east-1:123456789012:execution:rcdc-orders-session:";

    private final ManualClock clock = new ManualClock(Instant.now().truncatedTo(ChronoUnit.SECONDS));
    private final InMemorySessionRecords records = new InMemorySessionRecords(SessionWorld.SOURCE);
    private final SessionRecords.Opener opener = (control, source) -> records;
    private final RestoredTables restored = table -> Optional.of(new RestoredTables.Summary(Optional.empty(),
            Optional.of(SessionWorld.SOURCE_ARN)));
    private final SessionConfig config = SessionConfig.from(SessionConfigTest.configJson());
    private final List<String> disabled = new ArrayList<>();
    private final List<Map<String, Object>> notices = new ArrayList<>();
    private final MappingSwitch mappings = disabled::add;
    private final Notifier notifier = (c, subject, detailType, notice) -> notices.add(notice);

    private RegisterStep.Output register(String sessionId) {
        JsonNode event = SessionWorld.restoreEvent("by-name", clock.instant().minusSeconds(5)).get("detail");
        return new RegisterStep(opener, restored, clock).run(new RegisterStep.Input(config, sessionId, event, EXECUTION + sessionId));
    }

    private CaughtUpStep.Output check(String sessionId, int checks, int generation) {
        return new CaughtUpStep(opener, queue -> new QueueBacklog.Backlog(config.caughtUpBacklog() + 1, 0),
                uuid -> new MappingStates.MappingStatus("Enabled", Optional.of("OK")), ShardView.NONE, clock, Optional.of(3))
                .run(new CaughtUpStep.Input(config, sessionId, 0, checks, generation));
    }

    private CleanupStep.Output cleanup(String executionName, String status, String input) {
        ObjectNode detail = SessionWorld.JSON.createObjectNode().put("executionArn", EXECUTION + executionName)
                .put("name", executionName).put("status", status).put("input", input);
        if (!status.equals("ABORTED")) {
            detail.put("error", "States.Runtime").put("cause", "The JSONPath '$.Payload.nope' could not be found");
        }
        return new CleanupStep(opener, mappings, notifier, clock).run(new CleanupStep.Input(config, detail));
    }

    @Test
    void theLockCarriesAnExpiryFromMaxSessionSecondsThatEveryCaughtUpCheckRenews() {
        register("s1");
        Instant registered = clock.instant();
        Instant expected = registered.plus(config.maxSession()).plus(config.drainPoll().multipliedBy(HistoryBudget.DRAIN_CHECKS))
                .plus(SessionLock.MARGIN);
        assertThat(records.lock().orElseThrow().expiresAt()).contains(expected);

        records.setLock("s1", registered.plusSeconds(1));
        clock.advance(java.time.Duration.ofSeconds(10));
        check("s1", 0, 0);

        assertThat(records.lock().orElseThrow().expiresAt()).contains(expected);
    }

    @Test
    void aLockWhoseExpiryPassedIsTakenOverByTheNextRegistrationAndItsSessionEndsAborted() {
        register("stale");
        records.setLock("stale", clock.instant().plusSeconds(30));
        clock.advance(java.time.Duration.ofSeconds(31));

        RegisterStep.Output next = register("next");

        assertThat(next.registered()).isTrue();
        assertThat(records.activeSessionId()).contains("next");
        SessionRecord stale = records.session("stale").orElseThrow();
        assertThat(stale.status()).isEqualTo(SessionStatus.ABORTED);
        assertThat(stale.reason()).hasValueSatisfying(r -> assertThat(r).contains("lock expired").contains("next"));
    }

    @Test
    void anUnexpiredLockStillRefusesTheNextRegistration() {
        register("first");
        clock.advance(config.maxSession());

        assertThat(register("second").registered()).isFalse();
        assertThat(records.activeSessionId()).contains("first");
    }

    @Test
    void aCheckThatFindsItsLockTakenOverStopsTheSession() {
        register("s1");
        records.setLock("other", clock.instant().plusSeconds(600));

        assertThatThrownBy(() -> check("s1", 0, 0)).isInstanceOf(SessionRefusedException.class)
                .hasMessageContaining("no longer held by session s1");
    }

    @Test
    void theCaughtUpLoopContinuesInAFreshExecutionWhenItsBudgetIsSpentAndExpiresOnlyAtTheDeadline() {
        register("long");
        int checks = 0;
        int generation = 0;
        List<String> continuations = new ArrayList<>();
        CaughtUpStep.Output out;
        do {
            clock.advance(java.time.Duration.ofSeconds(1));
            out = check("long", checks, generation);
            checks = out.checks();
            if (out.continueAsNew()) {
                continuations.add(out.continuationName());
                generation++;
                new ContinuedStep(opener, clock).run(new ContinuedStep.Input(config, "long", EXECUTION + out.continuationName(), generation));
            }
        } while (!out.expired());

        assertThat(clock.instant()).isEqualTo(records.session("long").orElseThrow().createdAt().orElseThrow().plus(config.maxSession()));
        assertThat(checks).isGreaterThan(50);
        assertThat(continuations).startsWith("long-c1", "long-c2", "long-c3").hasSize((checks - 1) / 3);
        assertThat(records.activeSessionId()).contains("long");
        assertThat(records.session("long").orElseThrow().status()).isNotEqualTo(SessionStatus.FAILED);
        assertThat(records.session("long").orElseThrow().executionArn()).contains(EXECUTION + continuations.get(continuations.size() - 1));
    }

    @Test
    void theOperatorsWaitEndsAtTheSessionsDeadlineNotMaxSessionSecondsLater() {
        register("s1");
        clock.advance(java.time.Duration.ofSeconds(45));

        CaughtUpStep.Output out = check("s1", 0, 0);

        assertThat(out.secondsLeft()).isEqualTo(config.maxSession().minusSeconds(45).toSeconds());
    }

    @Test
    void aStoppedExecutionIsCleanedUpFromOutsideMappingsOffLockReleasedAborted() {
        register("s1");
        records.updateStatus("s1", SessionStatus.REPLAYING, Map.of(), clock.instant());

        CleanupStep.Output out = cleanup("s1", "ABORTED", "{\"detail\":{}}");

        assertThat(out.action()).isEqualTo("ended");
        assertThat(disabled).containsExactly(config.captureMappingUuid(), config.replayMappingUuid());
        assertThat(records.activeSessionId()).isEmpty();
        assertThat(records.session("s1").orElseThrow().status()).isEqualTo(SessionStatus.ABORTED);
        assertThat(records.session("s1").orElseThrow().reason()).hasValueSatisfying(r -> assertThat(r).contains("stopped"));
        assertThat(notices).singleElement().satisfies(n -> assertThat(n).containsEntry("event", "session_aborted"));
    }

    @Test
    void aRuntimeErrorTheMachineCannotCatchEndsTheSessionFailedWithTheError() {
        register("s1");

        cleanup("s1", "FAILED", "{}");

        assertThat(records.session("s1").orElseThrow().status()).isEqualTo(SessionStatus.FAILED);
        assertThat(records.session("s1").orElseThrow().reason()).hasValueSatisfying(r -> assertThat(r).contains("States.Runtime"));
        assertThat(records.activeSessionId()).isEmpty();
        assertThat(disabled).hasSize(2);
    }

    @Test
    void aRefusedSessionsFailedExecutionLeavesTheActiveSessionsMappingsAndLockAlone() {
        register("active");
        register("refused");

        CleanupStep.Output out = cleanup("refused", "FAILED", "{}");

        assertThat(out.action()).isEqualTo("none");
        assertThat(disabled).isEmpty();
        assertThat(records.activeSessionId()).contains("active");
        assertThat(records.session("active").orElseThrow().status()).isEqualTo(SessionStatus.REQUESTED);
    }

    @Test
    void theEndOfAnExecutionTheSessionHasContinuedFromChangesNothing() {
        register("s1");
        new ContinuedStep(opener, clock).run(new ContinuedStep.Input(config, "s1", EXECUTION + "s1-c1", 1));

        CleanupStep.Output old = cleanup("s1", "ABORTED", "{}");
        assertThat(old.action()).isEqualTo("none");
        assertThat(records.activeSessionId()).contains("s1");

        CleanupStep.Output current = cleanup("s1-c1", "FAILED", "{\"session\":{\"session_id\":\"s1\"}}");
        assertThat(current.sessionId()).isEqualTo("s1");
        assertThat(current.action()).isEqualTo("ended");
        assertThat(records.activeSessionId()).isEmpty();
    }

    @Test
    void aSessionThatEndedOnItsOwnKeepsItsStatusAndTheCleanupIsANoOp() {
        register("s1");
        new FinishStep(opener, clock).run(new FinishStep.Input(config, "s1", FinishStep.MAX_DURATION));

        CleanupStep.Output out = cleanup("s1", "FAILED", "{}");

        assertThat(out.action()).isEqualTo("none");
        assertThat(records.session("s1").orElseThrow().status()).isEqualTo(SessionStatus.EXPIRED);
        assertThat(notices).isEmpty();
    }

    @Test
    void abortByTheOperatorEndsTheSessionAbortedWithItsReason() {
        register("s1");

        SessionAbort.Outcome outcome = SessionAbort.end(records, mappings, "cap", "rep", "s1", SessionStatus.ABORTED,
                "aborted by the operator: wrong restore", clock.instant());

        assertThat(outcome.ended()).isTrue();
        assertThat(outcome.lockReleased()).isTrue();
        assertThat(disabled).containsExactly("cap", "rep");
        assertThat(records.session("s1").orElseThrow().reason()).contains("aborted by the operator: wrong restore");
    }
}
