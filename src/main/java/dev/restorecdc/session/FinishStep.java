package dev.restorecdc.session;

import com.fasterxml.jackson.annotation.JsonProperty;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.time.Clock;
import java.util.Map;

/**
 * The end of a finished session: marks FINISHED, or EXPIRED when the maximum duration ended it (the
 * sync stopped while the application may still write to the source: a loud notice), then releases
 * the lock (in this order, so a new session never sees this one half-open), and answers the
 * {@code session_finished} or {@code session_expired} notice with its subject and detail-type.
 */
@ApplicationScoped
public class FinishStep implements SessionStep<FinishStep.Input, SessionEnd> {

    /** {@code finished_by} when the operator wait's timeout ({@code max_session_seconds}) ended the session. */
    static final String MAX_DURATION = "max_session_seconds";

    /** @param finishedBy who ended the wait: {@code operator} (default) or {@code max_session_seconds} */
    public record Input(SessionConfig config, @JsonProperty("session_id") String sessionId,
            @JsonProperty("finished_by") String finishedBy) {
        public Input {
            StepInputs.requireConfig(config);
            StepInputs.requireText("session_id", sessionId);
            finishedBy = finishedBy == null || finishedBy.isBlank() ? "operator" : finishedBy;
        }
    }

    private final SessionRecords.Opener records;
    private final Clock clock;

    @Inject
    public FinishStep(SessionRecords.Opener records, Clock clock) {
        this.records = records;
        this.clock = clock;
    }

    @Override
    public String action() {
        return "finish";
    }

    @Override
    public Class<Input> inputType() {
        return Input.class;
    }

    @Override
    public SessionEnd run(Input in) {
        SessionConfig config = in.config();
        SessionRecords store = records.open(config.controlTableName(), config.sourceTableName());
        if (MAX_DURATION.equals(in.finishedBy())) {
            String reason = "expired: max_session_seconds (" + config.maxSession().toSeconds() + " s) passed without the "
                    + "operator's finish; capture and replay are stopped, and writes to the source table from now on are NOT "
                    + "in the restored table";
            return SessionEnd.end(store, config, in.sessionId(), SessionStatus.EXPIRED, reason, "session_expired",
                    Map.of("finished_by", in.finishedBy(), "reason", reason), clock.instant(),
                    "dynamodb-restore-cdc: restore session EXPIRED, sync stopped before cutover", "Restore session expired");
        }
        return SessionEnd.end(store, config, in.sessionId(), SessionStatus.FINISHED, "finished by " + in.finishedBy(),
                "session_finished", Map.of("finished_by", in.finishedBy()), clock.instant(),
                "dynamodb-restore-cdc: restore session finished", "Restore session finished");
    }
}
