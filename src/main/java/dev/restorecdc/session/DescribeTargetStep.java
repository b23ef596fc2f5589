package dev.restorecdc.session;

import com.fasterxml.jackson.annotation.JsonProperty;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.time.Clock;

/**
 * Step 3's poll: the restored table's status, in the table's own region. Step Functions' DynamoDB
 * integration ({@code aws-sdk:dynamodb:describeTable}) calls the state machine's region only, and a
 * restore may create its table in another region (Terraform's {@code restore_regions}), so the session
 * asks the workflow function, which describes the target wherever it is ({@code RegionalClients}).
 * A table that does not exist reads {@value #GONE}: the restore failed or the table was deleted.
 */
@ApplicationScoped
public class DescribeTargetStep implements SessionStep<DescribeTargetStep.Input, DescribeTargetStep.Output> {

    /** The status of a target that does not exist. */
    public static final String GONE = "NOT_FOUND";

    public record Input(SessionConfig config, @JsonProperty("session_id") String sessionId) {
        public Input {
            StepInputs.requireConfig(config);
            StepInputs.requireText("session_id", sessionId);
        }
    }

    /**
     * @param status    the table's status (CREATING, ACTIVE, ...) or {@value #GONE}
     * @param checkedAt when it was read (the state machine compares it with the restore deadline)
     */
    public record Output(String status, @JsonProperty("checked_at") String checkedAt) {
    }

    private final SessionRecords.Opener records;
    private final RestoredTables restoredTables;
    private final Clock clock;

    @Inject
    public DescribeTargetStep(SessionRecords.Opener records, RestoredTables restoredTables, Clock clock) {
        this.records = records;
        this.restoredTables = restoredTables;
        this.clock = clock;
    }

    @Override
    public String action() {
        return "describeTarget";
    }

    @Override
    public Class<Input> inputType() {
        return Input.class;
    }

    @Override
    public Output run(Input in) {
        SessionConfig config = in.config();
        String target = records.open(config.controlTableName(), config.sourceTableName()).session(in.sessionId())
                .orElseThrow(() -> SettleReplayFromStep.noRecord(in.sessionId()))
                .replayTarget().orElseThrow(() -> new IllegalStateException(
                        "session " + in.sessionId() + " has no " + SessionRecord.TARGET_TABLE));
        return new Output(restoredTables.status(target).orElse(GONE), dev.restorecdc.cdc.Timestamps.format(clock.instant()));
    }
}
