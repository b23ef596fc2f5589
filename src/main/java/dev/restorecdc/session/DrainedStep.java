package dev.restorecdc.session;

import com.fasterxml.jackson.annotation.JsonProperty;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/**
 * Finishing, one check: drained once the capture mapping is Disabled and the queue has no visible
 * or in-flight message.
 *
 * @throws SessionRefusedException (from {@link #run}) after {@link HistoryBudget#DRAIN_CHECKS}
 *                                 checks without draining; the queue is kept for inspection
 */
@ApplicationScoped
public class DrainedStep implements SessionStep<DrainedStep.Input, DrainedStep.Output> {

    /** @param checks checks made so far (0 at first) */
    public record Input(SessionConfig config, @JsonProperty("session_id") String sessionId, int checks) {
        public Input {
            StepInputs.requireConfig(config);
            StepInputs.requireText("session_id", sessionId);
        }
    }

    /** @param backlog visible + in-flight messages */
    public record Output(boolean drained, int checks, long backlog,
            @JsonProperty("capture_mapping_state") String captureMappingState) {
    }

    private final QueueBacklog queue;
    private final MappingStates mappings;

    @Inject
    public DrainedStep(QueueBacklog queue, MappingStates mappings) {
        this.queue = queue;
        this.mappings = mappings;
    }

    @Override
    public String action() {
        return "drained";
    }

    @Override
    public Class<Input> inputType() {
        return Input.class;
    }

    @Override
    public Output run(Input in) {
        SessionConfig config = in.config();
        int checks = in.checks() + 1;
        QueueBacklog.Backlog backlog = queue.backlog(config.queueUrl());
        String captureState = mappings.status(config.captureMappingUuid()).state();
        boolean drained = "Disabled".equals(captureState) && backlog.total() == 0;
        if (!drained && checks > HistoryBudget.DRAIN_CHECKS) {
            throw new SessionRefusedException("queue not drained after " + HistoryBudget.DRAIN_CHECKS + " checks: "
                    + backlog.total() + " messages left, capture mapping " + captureState
                    + "; the queue is kept for inspection");
        }
        return new Output(drained, checks, backlog.total(), captureState);
    }
}
