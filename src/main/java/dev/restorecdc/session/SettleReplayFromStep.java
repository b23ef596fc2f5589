package dev.restorecdc.session;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Step 3, once the restored table is ACTIVE: settle the exact replay_from (from the target's
 * RestoreSummary for copies) and mark the session CONFIGURING.
 *
 * @throws SessionRefusedException (from {@link #run}) for a target outside {@code target_table_pattern}
 *                                 or a replay window whose history is incomplete
 */
@ApplicationScoped
public class SettleReplayFromStep implements SessionStep<SettleReplayFromStep.Input, SettleReplayFromStep.Output> {

    /** @param event the CloudTrail record of the restore */
    public record Input(SessionConfig config, @JsonProperty("session_id") String sessionId, JsonNode event) {
        public Input {
            StepInputs.requireConfig(config);
            StepInputs.requireText("session_id", sessionId);
        }
    }

    /**
     * Instants as ISO-8601; {@code restore_point} is null when the target has no RestoreSummary;
     * {@code replay_semantics_note} is null unless an undo fell back to images.
     */
    public record Output(
            @JsonProperty("replay_from") String replayFrom,
            @JsonProperty("replay_from_rule") String replayFromRule,
            @JsonProperty("restore_point") String restorePoint,
            @JsonProperty("replay_semantics") String replaySemantics,
            @JsonProperty("replay_semantics_note") String replaySemanticsNote) {
    }

    private final SessionRecords.Opener records;
    private final RestoredTables restoredTables;
    private final Clock clock;

    @Inject
    public SettleReplayFromStep(SessionRecords.Opener records, RestoredTables restoredTables, Clock clock) {
        this.records = records;
        this.restoredTables = restoredTables;
        this.clock = clock;
    }

    @Override
    public String action() {
        return "settleReplayFrom";
    }

    @Override
    public Class<Input> inputType() {
        return Input.class;
    }

    @Override
    public Output run(Input in) {
        SessionConfig config = in.config();
        SessionRecords store = records.open(config.controlTableName(), config.sourceTableName());
        SessionRecord record = store.session(in.sessionId()).orElseThrow(() -> noRecord(in.sessionId()));
        RestoreRequest request = RestoreRequestParser.parse(in.event(), config.sourceTableName(), config.sourceTableArn());
        config.targetTablePattern().requireMatch(config.sourceTableName(), request.targetTable());
        Optional<RestoredTables.Summary> summary = restoredTables.summary(record.replayTarget().orElse(request.targetTable()));
        RestoredFrom.requireSource(config.sourceTableArn(), request.targetTable(), summary.flatMap(RestoredTables.Summary::sourceTableArn));
        Optional<Instant> restorePoint = summary.flatMap(RestoredTables.Summary::restoreDateTime);
        ReplayFrom replayFrom = ReplayFromRule.settle(request, config.replayFromMode(), restorePoint);
        Instant floor = record.captureFloor().orElseThrow(
                () -> new IllegalStateException("session " + in.sessionId() + " has no " + SessionRecord.CAPTURE_FLOOR));
        Instant now = clock.instant();
        ReplayWindowCheck.requireComplete(replayFrom, floor, store.previousCaptureEnd(in.sessionId()), now);

        Map<String, Object> values = new LinkedHashMap<>();
        values.put(SessionRecord.REPLAY_FROM, replayFrom.instant());
        values.put(SessionRecord.REPLAY_FROM_RULE, replayFrom.rule());
        restorePoint.ifPresent(p -> values.put(SessionRecord.RESTORE_POINT, p));
        ReplaySemanticsRule.Choice semantics = ReplaySemanticsRule.settle(request, config.replaySemanticsMode(),
                restoredTables.streamViewType(config.sourceTableName()));
        values.put(SessionRecord.REPLAY_SEMANTICS, semantics.semantics().recordValue());
        values.put(SessionRecord.REPLAY_SEMANTICS_RULE, semantics.rule());
        semantics.note().ifPresent(note -> values.put(SessionRecord.REPLAY_SEMANTICS_NOTE, note));
        store.updateStatus(in.sessionId(), SessionStatus.CONFIGURING, values, now);
        return new Output(replayFrom.instant().toString(), replayFrom.rule(), restorePoint.map(Instant::toString).orElse(null),
                semantics.semantics().recordValue(), semantics.note().orElse(null));
    }

    static IllegalStateException noRecord(String sessionId) {
        return new IllegalStateException("no session record for " + sessionId);
    }
}
