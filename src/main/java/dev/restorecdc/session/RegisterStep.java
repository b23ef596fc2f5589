package dev.restorecdc.session;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import dev.restorecdc.cdc.TableRefs;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * Step 1: take the table's lock and start the session record with its capture floor; a second
 * restore while one is active, or a target outside the deployment's pattern, is refused (its own
 * FAILED record, a {@code session_refused} notice, no lock taken), not raced. A configuration the history limit cannot hold fails here, not hours later.
 */
@ApplicationScoped
public class RegisterStep implements SessionStep<RegisterStep.Input, RegisterStep.Output> {

    /**
     * @param event        the CloudTrail record of the restore (the EventBridge event's {@code detail})
     * @param executionArn the execution running the session ({@code $$.Execution.Id}); optional, for
     *                     {@code restore-cdc abort} and the cleanup when the execution ends
     */
    public record Input(SessionConfig config, @JsonProperty("session_id") String sessionId, JsonNode event,
            @JsonProperty("execution_arn") String executionArn) {
        public Input {
            StepInputs.requireConfig(config);
            StepInputs.requireText("session_id", sessionId);
        }
    }

    /**
     * @param recordKey       the session item's key as DynamoDB JSON (the state machine's DynamoDB tasks use it as is)
     * @param restoreDeadline when the wait for the restored table gives up (now + restore_timeout_seconds)
     * @param reason          why the session was refused; null when registered
     * @param notice          the {@code session_refused} notice; null when registered
     */
    public record Output(
            boolean registered,
            @JsonProperty("session_id") String sessionId,
            @JsonProperty("record_key") Map<String, Object> recordKey,
            @JsonProperty("target_table") String targetTable,
            @JsonProperty("requested_at") String requestedAt,
            @JsonProperty("capture_floor") String captureFloor,
            @JsonProperty("restore_deadline") String restoreDeadline,
            @JsonProperty("active_session_id") String activeSessionId,
            String reason,
            Map<String, Object> notice) {
    }

    private final SessionRecords.Opener records;
    private final RestoredTables restoredTables;
    private final Clock clock;
    private final RestoreRegions restoreRegions;

    /** A deployment that follows same-region restores only. */
    public RegisterStep(SessionRecords.Opener records, RestoredTables restoredTables, Clock clock) {
        this(records, restoredTables, clock, RestoreRegions.none());
    }

    /** @param restoreRegions the other regions whose restores this deployment follows ({@code CDC_RESTORE_REGIONS}) */
    @Inject
    public RegisterStep(SessionRecords.Opener records, RestoredTables restoredTables, Clock clock, RestoreRegions restoreRegions) {
        this.records = records;
        this.restoredTables = restoredTables;
        this.clock = clock;
        this.restoreRegions = restoreRegions;
    }

    @Override
    public String action() {
        return "register";
    }

    @Override
    public Class<Input> inputType() {
        return Input.class;
    }

    @Override
    public Output run(Input in) {
        SessionConfig config = in.config();
        new HistoryBudget(config);
        RestoreRequest request = RestoreRequestParser.parse(in.event(), config.sourceTableName(), config.sourceTableArn());
        // A target in a region this deployment does not follow: refused now (no lock, no capture), and
        // before any call that region's table would need.
        Optional<String> otherRegion = restoreRegions.refusal(config.sourceTableName(),
                TableRefs.regionOf(config.sourceTableArn()).orElse(""), request.targetRegion(), request.targetTable());
        Optional<Instant> lookedUp = otherRegion.isEmpty() && CaptureFloor.needsRestorePointLookup(request, config.replayFromMode())
                ? restoredTables.restoreDateTime(request.target(config.sourceTableArn()))
                : Optional.empty();
        Instant floor = otherRegion.isPresent() ? request.requestedAt() : CaptureFloor.of(request, config.replayFromMode(), lookedUp);
        Instant now = clock.instant();
        SessionRecords store = records.open(config.controlTableName(), config.sourceTableName());
        SessionRecords.NewSession session = new SessionRecords.NewSession(in.sessionId(), request.targetTable(),
                request.requestedAt(), request.restorePoint().or(() -> lookedUp), floor, request.eventId(),
                request.targetTableArnElsewhere(config.sourceTableArn()));
        // The CloudTrail event names the target at request time: refuse it now, not hours later,
        // and without taking the lock or enabling capture.
        Optional<String> outsidePattern = otherRegion
                .or(() -> config.targetTablePattern().refusal(config.sourceTableName(), request.targetTable()));
        SessionRecords.Registration registration = outsidePattern.isPresent()
                ? new SessionRecords.Registration(false, Optional.empty())
                : store.register(session, now, SessionLock.expiresAt(config, now, now));
        if (registration.registered()) {
            if (in.executionArn() != null && !in.executionArn().isBlank()) {
                store.update(in.sessionId(), Map.of(SessionRecord.EXECUTION_ARN, in.executionArn()), now);
            }
            registration.expiredLockOf().ifPresent(old -> abortExpired(store, old, in.sessionId(), now));
        }

        String reason = null;
        Map<String, Object> notice = null;
        if (!registration.registered()) {
            String holder = registration.activeSessionId().orElse(outsidePattern.isPresent() ? "none" : "unknown");
            reason = outsidePattern.orElseGet(() -> "another restore session (" + holder + ") is active for table "
                    + config.sourceTableName() + "; the restore into " + request.targetTable() + " is not followed");
            store.recordRefused(session, reason, now);
            notice = Notices.of("session_refused", config, in.sessionId(), SessionStatus.FAILED,
                    Map.of("target_table", request.targetTable(), "reason", reason, "active_session_id", holder));
        }
        return new Output(registration.registered(), in.sessionId(),
                ControlTableKeys.sessionKeyJson(config.sourceTableName(), in.sessionId()), request.targetTable(),
                request.requestedAt().toString(), floor.toString(), now.plus(config.restoreTimeout()).toString(),
                registration.activeSessionId().orElse(null), reason, notice);
    }

    /** The session whose expired lock this registration took over ends ABORTED, if nothing ended it before. */
    private static void abortExpired(SessionRecords store, String old, String newSession, Instant now) {
        store.session(old).filter(r -> !r.terminal()).ifPresent(r -> store.updateStatus(old, SessionStatus.ABORTED,
                Map.of(SessionRecord.REASON, "aborted: its lock expired (lock_expires_at passed) and session " + newSession
                        + " took the table over"), now));
    }
}
