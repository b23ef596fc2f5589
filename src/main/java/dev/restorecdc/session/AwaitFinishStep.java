package dev.restorecdc.session;

import com.fasterxml.jackson.annotation.JsonProperty;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.time.Clock;
import java.util.Map;

/**
 * Step 7's wait: stores the task token where the CLI's {@code finish} (or a test) finds it for
 * SendTaskSuccess; the task itself ({@code waitForTaskToken}) waits for that call, at most until the
 * session's deadline. Renews the table's lock for that wait ({@link SessionLock}).
 */
@ApplicationScoped
public class AwaitFinishStep implements SessionStep<AwaitFinishStep.Input, AwaitFinishStep.Output> {

    public record Input(SessionConfig config, @JsonProperty("session_id") String sessionId,
            @JsonProperty("task_token") String taskToken) {
        public Input {
            StepInputs.requireConfig(config);
            StepInputs.requireText("session_id", sessionId);
            StepInputs.requireText("task_token", taskToken);
        }
    }

    public record Output(@JsonProperty("token_stored") boolean tokenStored) {
    }

    private final SessionRecords.Opener records;
    private final Clock clock;

    @Inject
    public AwaitFinishStep(SessionRecords.Opener records, Clock clock) {
        this.records = records;
        this.clock = clock;
    }

    @Override
    public String action() {
        return "awaitFinish";
    }

    @Override
    public Class<Input> inputType() {
        return Input.class;
    }

    @Override
    public Output run(Input in) {
        SessionRecords store = records.open(in.config().controlTableName(), in.config().sourceTableName());
        java.time.Instant now = clock.instant();
        // The cutover's waits go with the token: restore-cdc cutover proves with the deployment's values.
        store.update(in.sessionId(), Map.of(SessionRecord.TASK_TOKEN, in.taskToken(),
                SessionRecord.CUTOVER_SETTINGS, in.config().cutover().toValues()), now);
        store.session(in.sessionId()).flatMap(SessionRecord::createdAt)
                .ifPresent(createdAt -> SessionLock.renew(store, in.config(), in.sessionId(), createdAt, now));
        return new Output(true);
    }
}
