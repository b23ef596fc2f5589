package dev.restorecdc.session;

import com.fasterxml.jackson.annotation.JsonProperty;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Step 6, one check of {@link CaughtUpCheck}: records the figures, and marks CAUGHT_UP with a
 * {@code ready_for_cutover} notice when ready.
 *
 * @throws SessionRefusedException (from {@link #run}) when the history budget runs out first
 *                                 ({@code max_session_seconds} bounds the operator's wait that
 *                                 follows, not this loop)
 */
@ApplicationScoped
public class CaughtUpStep implements SessionStep<CaughtUpStep.Input, CaughtUpStep.Output> {

    /**
     * @param consecutive checks in a row that passed, from the previous round (0 at first)
     * @param checks      checks made so far (0 at first)
     */
    public record Input(SessionConfig config, @JsonProperty("session_id") String sessionId, int consecutive, int checks) {
        public Input {
            StepInputs.requireConfig(config);
            StepInputs.requireText("session_id", sessionId);
        }
    }

    /** @param notice the {@code ready_for_cutover} notice when ready, else null */
    public record Output(boolean ready, int consecutive, int checks, Map<String, Object> figures, List<String> unmet,
            Map<String, Object> notice) {
    }

    private final SessionRecords.Opener records;
    private final QueueBacklog queue;
    private final MappingStates mappings;
    private final ShardView shards;
    private final Clock clock;

    @Inject
    public CaughtUpStep(SessionRecords.Opener records, QueueBacklog queue, MappingStates mappings, ShardView shards, Clock clock) {
        this.records = records;
        this.queue = queue;
        this.mappings = mappings;
        this.shards = shards;
        this.clock = clock;
    }

    /** Without a view of the stream: the per-shard conditions find nothing (the DLQ is still read). */
    public CaughtUpStep(SessionRecords.Opener records, QueueBacklog queue, MappingStates mappings, Clock clock) {
        this(records, queue, mappings, ShardView.NONE, clock);
    }

    @Override
    public String action() {
        return "caughtUp";
    }

    @Override
    public Class<Input> inputType() {
        return Input.class;
    }

    @Override
    public Output run(Input in) {
        SessionConfig config = in.config();
        int checks = in.checks() + 1;
        Instant now = clock.instant();
        SessionRecords store = records.open(config.controlTableName(), config.sourceTableName());
        SessionRecord record = store.session(in.sessionId()).orElseThrow(() -> SettleReplayFromStep.noRecord(in.sessionId()));

        int budget = new HistoryBudget(config).caughtUpChecks();
        if (checks > budget) {
            throw new SessionRefusedException("not caught up after " + budget + " checks; more would pass Step Functions' "
                    + HistoryBudget.HISTORY_LIMIT + "-event history limit (last figures in caught_up_figures)");
        }
        QueueBacklog.Backlog backlog = queue.backlog(config.queueUrl());
        MappingStates.MappingStatus capture = mappings.status(config.captureMappingUuid());
        CaughtUpCheck.Figures figures = new CaughtUpCheck.Figures(backlog.visible(), backlog.inFlight(),
                record.captureNewestAt(), record.captureRanAt(), capture.state(), capture.lastProcessingResult(),
                record.createdAt().orElse(now), now);
        CaughtUpCheck.Verdict verdict = new CaughtUpCheck(config.caughtUpBacklog(), config.caughtUpLag())
                .evaluate(figures, in.consecutive());
        verdict = CaughtUpShards.refine(verdict, in.consecutive(), CaughtUpShards.check(shards, queue, config, in.sessionId(),
                record.captureFloor().orElse(record.createdAt().orElse(now)), now), config.caughtUpLag());

        Map<String, Object> values = Map.of(SessionRecord.CAUGHT_UP_FIGURES, verdict.figures());
        Map<String, Object> notice = null;
        if (verdict.ready()) {
            store.updateStatus(in.sessionId(), SessionStatus.CAUGHT_UP, values, now);
            notice = Notices.of("ready_for_cutover", config, in.sessionId(), SessionStatus.CAUGHT_UP, Map.of(
                    "target_table", record.targetTable().orElse(""),
                    "replay_from", record.replayFrom().map(Instant::toString).orElse(""),
                    "figures", verdict.figures()));
        } else {
            store.update(in.sessionId(), values, now);
        }
        return new Output(verdict.ready(), verdict.consecutive(), checks, verdict.figures(), verdict.unmet(), notice);
    }
}
