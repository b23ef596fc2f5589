package dev.restorecdc.session;

import com.fasterxml.jackson.annotation.JsonProperty;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Step 6, one check of {@link CaughtUpCheck}: records the figures, and marks CAUGHT_UP with a
 * {@code ready_for_cutover} notice when ready. Every check renews the table's lock
 * ({@link SessionLock}). The session's deadline ({@code max_session_seconds} after registration)
 * ends the loop {@code expired}; before this execution's history budget ({@link HistoryBudget}) runs
 * out, {@code continue_as_new} tells the state machine to go on in a fresh execution, so the loop
 * lasts as long as the session whatever the poll interval.
 *
 * @throws SessionRefusedException (from {@link #run}) when the lock is no longer this session's
 */
@ApplicationScoped
public class CaughtUpStep implements SessionStep<CaughtUpStep.Input, CaughtUpStep.Output> {

    /**
     * @param consecutive checks in a row that passed, from the previous round (0 at first)
     * @param checks      checks made so far, over every execution of the session (0 at first)
     * @param generation  how many times the session continued in a fresh execution (0 in the first)
     */
    public record Input(SessionConfig config, @JsonProperty("session_id") String sessionId, int consecutive, int checks,
            int generation) {
        public Input {
            StepInputs.requireConfig(config);
            StepInputs.requireText("session_id", sessionId);
        }
    }

    /**
     * @param notice           the {@code ready_for_cutover} notice when ready, else null
     * @param expired          the session's deadline passed before it caught up: finish it EXPIRED
     * @param continueAsNew    not ready and this execution's history budget is spent: continue in a fresh execution
     * @param secondsLeft      whole seconds until the session's deadline, at least 1 (the operator wait's timeout)
     * @param continuationName the name of the fresh execution, when continuing ({@code <session>-c<n>}, at most 80 characters)
     */
    public record Output(boolean ready, int consecutive, int checks, Map<String, Object> figures, List<String> unmet,
            Map<String, Object> notice, boolean expired, @JsonProperty("continue_as_new") boolean continueAsNew,
            @JsonProperty("seconds_left") long secondsLeft, int generation,
            @JsonProperty("continuation_name") String continuationName) {
    }

    private final SessionRecords.Opener records;
    private final QueueBacklog queue;
    private final MappingStates mappings;
    private final ShardView shards;
    private final Clock clock;
    private final Optional<Integer> checksPerExecution;

    public CaughtUpStep(SessionRecords.Opener records, QueueBacklog queue, MappingStates mappings, ShardView shards, Clock clock) {
        this(records, queue, mappings, shards, clock, Optional.empty());
    }

    /**
     * @param checksPerExecution caps the checks one execution runs below what {@link HistoryBudget}
     *                           allows (tests run many continuations in compressed time); never raises it
     */
    @Inject
    public CaughtUpStep(SessionRecords.Opener records, QueueBacklog queue, MappingStates mappings, ShardView shards, Clock clock,
            @ConfigProperty(name = "restorecdc.session.caught-up-checks-per-execution") Optional<Integer> checksPerExecution) {
        this.records = records;
        this.queue = queue;
        this.mappings = mappings;
        this.shards = shards;
        this.clock = clock;
        this.checksPerExecution = checksPerExecution;
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

        Instant createdAt = record.createdAt().orElse(now);
        Instant deadline = SessionLock.deadline(config, createdAt);
        if (!now.isBefore(deadline)) {
            return new Output(false, in.consecutive(), in.checks(), record.caughtUpFigures(), List.of("max_session_seconds"),
                    null, true, false, 1, in.generation(), null);
        }
        SessionLock.renew(store, config, in.sessionId(), createdAt, now);
        int budget = budget(config);
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
        boolean continueAsNew = !verdict.ready() && checks >= budget * (in.generation() + 1);
        long secondsLeft = Math.max(1, (Duration.between(now, deadline).toMillis() + 999) / 1000);
        return new Output(verdict.ready(), verdict.consecutive(), checks, verdict.figures(), verdict.unmet(), notice, false,
                continueAsNew, secondsLeft, in.generation(), continueAsNew ? continuationName(in.sessionId(), in.generation() + 1) : null);
    }

    /** How many checks one execution may run. */
    int budget(SessionConfig config) {
        int budget = new HistoryBudget(config).caughtUpChecks();
        return checksPerExecution.filter(n -> n > 0).map(n -> Math.min(n, budget)).orElse(budget);
    }

    /** {@code <session>-c<n>}: unique per session and generation, within Step Functions' 80-character names. */
    static String continuationName(String sessionId, int generation) {
        String suffix = "-c" + generation;
        String base = sessionId.length() + suffix.length() > 80 ? sessionId.substring(0, 80 - suffix.length()) : sessionId;
        return base + suffix;
    }
}
