package dev.restorecdc.session;

import com.fasterxml.jackson.annotation.JsonProperty;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.time.Clock;
import java.util.Map;

/**
 * The end of a finished session: marks FINISHED, then releases the lock (in this order, so a new
 * session never sees this one half-open), and answers the {@code session_finished} notice.
 */
@ApplicationScoped
public class FinishStep implements SessionStep<FinishStep.Input, SessionEnd> {

    /** @param finishedBy who ended the wait: {@code operator} (default) or {@code timeout} */
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
        SessionRecords store = records.open(in.config().controlTableName(), in.config().sourceTableName());
        return SessionEnd.end(store, in.config(), in.sessionId(), SessionStatus.FINISHED, "finished by " + in.finishedBy(),
                "session_finished", Map.of("finished_by", in.finishedBy()), clock.instant());
    }
}
