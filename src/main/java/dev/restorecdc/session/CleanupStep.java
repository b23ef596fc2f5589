package dev.restorecdc.session;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The cleanup from outside the state machine: an EventBridge rule on the state machine's "Step
 * Functions Execution Status Change" events (status FAILED, TIMED_OUT or ABORTED) invokes the workflow
 * function with {@code {"action": "cleanup", "config": ..., "execution": <the event's detail>}}. It
 * covers what the state machine cannot clean up itself: a {@code States.Runtime} error (which
 * {@code States.ALL} does not catch), a stopped execution, a failed cleanup step. A session that has
 * already ended (the machine's own FAILED/EXPIRED paths, a refused registration) only gets its lock
 * released if it still holds it; a session still open is ended with {@link SessionAbort}: ABORTED for
 * a stopped execution, FAILED otherwise, with the execution's error, and a notice. An event of an
 * execution the session has moved on from (it continued in a fresh one) changes nothing.
 */
@ApplicationScoped
public class CleanupStep implements SessionStep<CleanupStep.Input, CleanupStep.Output> {

    private static final Logger LOG = Logger.getLogger(CleanupStep.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    /** @param execution the event's {@code detail}: executionArn, name, status, input, error, cause */
    public record Input(SessionConfig config, JsonNode execution) {
        public Input {
            StepInputs.requireConfig(config);
            if (execution == null || !execution.isObject()) {
                throw new IllegalArgumentException("execution must be the status change event's detail, got " + execution);
            }
            StepInputs.requireText("execution.executionArn", execution.path("executionArn").asText(null));
        }
    }

    /** @param action {@code ended} (this call ended the session), {@code released} (only the lock), or {@code none} */
    public record Output(@JsonProperty("session_id") String sessionId, String action, String status, String reason,
            @JsonProperty("lock_released") boolean lockReleased, @JsonProperty("mappings_disabled") boolean mappingsDisabled) {
    }

    private final SessionRecords.Opener records;
    private final MappingSwitch mappings;
    private final Notifier notifier;
    private final Clock clock;

    @Inject
    public CleanupStep(SessionRecords.Opener records, MappingSwitch mappings, Notifier notifier, Clock clock) {
        this.records = records;
        this.mappings = mappings;
        this.notifier = notifier;
        this.clock = clock;
    }

    @Override
    public String action() {
        return "cleanup";
    }

    @Override
    public Class<Input> inputType() {
        return Input.class;
    }

    @Override
    public Output run(Input in) {
        SessionConfig config = in.config();
        JsonNode execution = in.execution();
        String executionArn = execution.path("executionArn").asText();
        String executionStatus = execution.path("status").asText("FAILED");
        String sessionId = sessionId(execution);
        SessionRecords store = records.open(config.controlTableName(), config.sourceTableName());
        Optional<SessionRecord> record = store.session(sessionId);
        if (record.isEmpty()) {
            LOG.infof("execution %s ended %s before session %s was registered: nothing to clean up", executionArn,
                    executionStatus, sessionId);
            return new Output(sessionId, "none", null, null, false, false);
        }
        if (record.get().executionArn().filter(arn -> !arn.equals(executionArn)).isPresent()) {
            LOG.infof("execution %s of session %s ended %s, but the session runs in %s now: nothing to clean up",
                    executionArn, sessionId, executionStatus, record.get().executionArn().get());
            return new Output(sessionId, "none", record.get().status().name(), null, false, false);
        }
        if (record.get().terminal()) {
            // The machine's own end (FAILED, EXPIRED, refused): only a lock its cleanup left behind.
            boolean ours = store.activeSessionId().filter(sessionId::equals).isPresent();
            if (!ours) {
                return new Output(sessionId, "none", record.get().status().name(), null, false, false);
            }
        }
        SessionStatus status = "ABORTED".equals(executionStatus) ? SessionStatus.ABORTED : SessionStatus.FAILED;
        String reason = reason(execution, executionStatus, status);
        SessionAbort.Outcome outcome = SessionAbort.end(store, mappings, config.captureMappingUuid(), config.replayMappingUuid(),
                sessionId, status, reason, clock.instant());
        if (!outcome.ended()) {
            return new Output(sessionId, outcome.lockReleased() ? "released" : "none", record.get().status().name(), null,
                    outcome.lockReleased(), outcome.mappingsDisabled());
        }
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("reason", reason);
        details.put("execution_arn", executionArn);
        details.put("execution_status", executionStatus);
        details.put("record", store.session(sessionId).map(SessionRecord::summary).orElse(Map.of()));
        String event = status == SessionStatus.ABORTED ? "session_aborted" : "session_failed";
        try {
            notifier.notify(config, "dynamodb-restore-cdc: restore session " + status + " (execution " + executionStatus + ")",
                    status == SessionStatus.ABORTED ? "Restore session aborted" : "Restore session failed",
                    Notices.of(event, config, sessionId, status, details));
        } catch (RuntimeException e) {
            LOG.errorf(e, "session %s ended %s, but its notification failed", sessionId, status);
        }
        return new Output(sessionId, "ended", status.name(), reason, outcome.lockReleased(), outcome.mappingsDisabled());
    }

    /** The session of an execution: a continuation carries it in its input ({@code session.session_id}); the first execution is named after it. */
    static String sessionId(JsonNode execution) {
        String input = execution.path("input").asText("");
        if (!input.isBlank()) {
            try {
                JsonNode id = JSON.readTree(input).path("session").path("session_id");
                if (id.isTextual() && !id.asText().isBlank()) {
                    return id.asText();
                }
            } catch (Exception notJson) {
                // the name below
            }
        }
        return StepInputs.requireText("execution.name", execution.path("name").asText(null));
    }

    private static String reason(JsonNode execution, String executionStatus, SessionStatus status) {
        String what = switch (executionStatus) {
            case "ABORTED" -> "its execution was stopped";
            case "TIMED_OUT" -> "its execution timed out";
            default -> "its execution failed outside the state machine's own cleanup";
        };
        String error = execution.path("error").asText("");
        String cause = execution.path("cause").asText("");
        String detail = error.isBlank() && cause.isBlank() ? "" : " (" + (error.isBlank() ? "" : error + (cause.isBlank() ? "" : ": "))
                + cause + ")";
        return status.name().toLowerCase() + ": " + what + detail + "; capture and replay were turned off from outside";
    }
}
