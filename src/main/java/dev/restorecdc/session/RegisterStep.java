package dev.restorecdc.session;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
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

    /** @param event the CloudTrail record of the restore (the EventBridge event's {@code detail}) */
    public record Input(SessionConfig config, @JsonProperty("session_id") String sessionId, JsonNode event) {
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

    @Inject
    public RegisterStep(SessionRecords.Opener records, RestoredTables restoredTables, Clock clock) {
        this.records = records;
        this.restoredTables = restoredTables;
        this.clock = clock;
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
        Optional<Instant> lookedUp = CaptureFloor.needsRestorePointLookup(request, config.replayFromMode())
                ? restoredTables.restoreDateTime(request.targetTable())
                : Optional.empty();
        Instant floor = CaptureFloor.of(request, config.replayFromMode(), lookedUp);
        Instant now = clock.instant();
        SessionRecords store = records.open(config.controlTableName(), config.sourceTableName());
        SessionRecords.NewSession session = new SessionRecords.NewSession(in.sessionId(), request.targetTable(),
                request.requestedAt(), request.restorePoint().or(() -> lookedUp), floor, request.eventId());
        // The CloudTrail event names the target at request time: refuse it now, not hours later,
        // and without taking the lock or enabling capture.
        Optional<String> outsidePattern = config.targetTablePattern().refusal(config.sourceTableName(), request.targetTable());
        SessionRecords.Registration registration = outsidePattern.isPresent()
                ? new SessionRecords.Registration(false, Optional.empty())
                : store.register(session, now);

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
}
