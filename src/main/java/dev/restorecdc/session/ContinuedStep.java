package dev.restorecdc.session;

import com.fasterxml.jackson.annotation.JsonProperty;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.time.Clock;
import java.time.Instant;
import java.util.Map;

/**
 * The first step of a fresh execution that continues a session (Step Functions' 25,000-event history
 * limit, see {@link CaughtUpStep}): records the new execution in the session record (for
 * {@code restore-cdc abort} and the cleanup when an execution ends) and renews the lock.
 *
 * @throws SessionRefusedException (from {@link #run}) when the session has ended meanwhile or its
 *                                 lock is no longer its own
 */
@ApplicationScoped
public class ContinuedStep implements SessionStep<ContinuedStep.Input, ContinuedStep.Output> {

    /** @param executionArn the fresh execution ({@code $$.Execution.Id}) */
    public record Input(SessionConfig config, @JsonProperty("session_id") String sessionId,
            @JsonProperty("execution_arn") String executionArn, int generation) {
        public Input {
            StepInputs.requireConfig(config);
            StepInputs.requireText("session_id", sessionId);
            StepInputs.requireText("execution_arn", executionArn);
        }
    }

    public record Output(boolean continued, int generation) {
    }

    private final SessionRecords.Opener records;
    private final Clock clock;

    @Inject
    public ContinuedStep(SessionRecords.Opener records, Clock clock) {
        this.records = records;
        this.clock = clock;
    }

    @Override
    public String action() {
        return "continued";
    }

    @Override
    public Class<Input> inputType() {
        return Input.class;
    }

    @Override
    public Output run(Input in) {
        Instant now = clock.instant();
        SessionRecords store = records.open(in.config().controlTableName(), in.config().sourceTableName());
        SessionRecord record = store.session(in.sessionId()).orElseThrow(() -> SettleReplayFromStep.noRecord(in.sessionId()));
        if (record.terminal()) {
            throw new SessionRefusedException("session " + in.sessionId() + " is already " + record.status()
                    + record.reason().map(r -> " (" + r + ")").orElse("") + "; its continuation stops");
        }
        SessionLock.renew(store, in.config(), in.sessionId(), record.createdAt().orElse(now), now);
        store.update(in.sessionId(), Map.of(SessionRecord.EXECUTION_ARN, in.executionArn(),
                SessionRecord.CONTINUATIONS, in.generation()), now);
        return new Output(true, in.generation());
    }
}
