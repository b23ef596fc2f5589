package dev.restorecdc.session;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.time.Clock;
import java.time.Instant;

/**
 * The {@code cutOver} step, run once the operator's {@code restore-cdc cutover} has proven every
 * shard drained and the queue and DLQ empty: marks the session CUT_OVER with the time and the
 * proof, and drops the used task token (the next wait stores a new one, which tells the command
 * that replay is off). From then on capture records late writes instead of queueing them.
 *
 * @throws SessionRefusedException (from {@link #run}) when the session is not CAUGHT_UP
 */
@ApplicationScoped
public class CutoverStep implements SessionStep<CutoverStep.Input, CutoverStep.Output> {

    /** @param proof the command's figures (newest write seen, shards, readings), kept as JSON */
    public record Input(SessionConfig config, @JsonProperty("session_id") String sessionId, JsonNode proof) {
        public Input {
            StepInputs.requireConfig(config);
            StepInputs.requireText("session_id", sessionId);
        }
    }

    public record Output(String status, @JsonProperty("cut_over_at") String cutOverAt) {
    }

    private final SessionRecords.Opener records;
    private final Clock clock;

    @Inject
    public CutoverStep(SessionRecords.Opener records, Clock clock) {
        this.records = records;
        this.clock = clock;
    }

    @Override
    public String action() {
        return "cutOver";
    }

    @Override
    public Class<Input> inputType() {
        return Input.class;
    }

    @Override
    public Output run(Input in) {
        Instant now = clock.instant();
        String proof = in.proof() == null || in.proof().isNull() ? "{}" : in.proof().toString();
        boolean marked = records.open(in.config().controlTableName(), in.config().sourceTableName())
                .markCutOver(in.sessionId(), now, proof);
        if (!marked) {
            throw new SessionRefusedException("session " + in.sessionId() + " is not CAUGHT_UP: no cutover");
        }
        return new Output(SessionStatus.CUT_OVER.name(), now.toString());
    }
}
