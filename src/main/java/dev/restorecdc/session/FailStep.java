package dev.restorecdc.session;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.time.Clock;
import java.util.Map;

/**
 * Every failure path's bookkeeping: marks FAILED with the reason and releases the lock if this
 * session holds it (a session that failed before taking it leaves another session's lock alone).
 */
@ApplicationScoped
public class FailStep implements SessionStep<FailStep.Input, SessionEnd> {

    /** @param error Step Functions' caught error, {@code {"Error": ..., "Cause": ...}} */
    public record Input(SessionConfig config, @JsonProperty("session_id") String sessionId, JsonNode error) {
        public Input {
            StepInputs.requireConfig(config);
            StepInputs.requireText("session_id", sessionId);
        }
    }

    private final SessionRecords.Opener records;
    private final Clock clock;

    @Inject
    public FailStep(SessionRecords.Opener records, Clock clock) {
        this.records = records;
        this.clock = clock;
    }

    @Override
    public String action() {
        return "fail";
    }

    @Override
    public Class<Input> inputType() {
        return Input.class;
    }

    @Override
    public SessionEnd run(Input in) {
        String reason = FailureReason.of(in.error());
        SessionRecords store = records.open(in.config().controlTableName(), in.config().sourceTableName());
        return SessionEnd.end(store, in.config(), in.sessionId(), SessionStatus.FAILED, reason, "session_failed",
                Map.of("reason", reason), clock.instant(), "dynamodb-restore-cdc: restore session FAILED", "Restore session failed");
    }
}
