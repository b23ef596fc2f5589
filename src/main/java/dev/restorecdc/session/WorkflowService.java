package dev.restorecdc.session;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.restorecdc.aws.EventSourceMappingReader;
import dev.restorecdc.aws.EventSourceMappingReader.MappingStatus;
import dev.restorecdc.aws.QueueBacklogReader;
import dev.restorecdc.aws.QueueBacklogReader.Backlog;
import dev.restorecdc.aws.RestoredTableReader;
import dev.restorecdc.aws.SessionStore;
import dev.restorecdc.aws.TableSettingsCopier;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;
import software.amazon.awssdk.services.applicationautoscaling.ApplicationAutoScalingClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.RestoreSummary;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.sqs.SqsClient;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The restore session's steps that need code, one per {@code action} of the workflow function's
 * input {@code {"action": ..., "config": {...}, "session_id": ..., ...}}. Single AWS calls (enable a
 * mapping, set a status, notify) are the state machine's own direct integrations.
 */
@ApplicationScoped
public class WorkflowService {

    private static final Logger LOG = Logger.getLogger(WorkflowService.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    /** {@code finished_by} when the operator wait's timeout ({@code max_session_seconds}) ended the session. */
    static final String MAX_DURATION = "max_session_seconds";

    private final DynamoDbClient dynamo;
    private final QueueBacklogReader queue;
    private final EventSourceMappingReader mappings;
    private final RestoredTableReader restoredTables;
    private final TableSettingsCopier settingsCopier;
    private final Clock clock;

    @Inject
    public WorkflowService(DynamoDbClient dynamo, SqsClient sqs, LambdaClient lambda,
            ApplicationAutoScalingClient autoscaling) {
        this(dynamo, sqs, lambda, autoscaling, Clock.systemUTC(), Duration.ofSeconds(2));
    }

    public WorkflowService(DynamoDbClient dynamo, SqsClient sqs, LambdaClient lambda,
            ApplicationAutoScalingClient autoscaling, Clock clock, Duration tablePollInterval) {
        this.dynamo = dynamo;
        this.queue = new QueueBacklogReader(sqs);
        this.mappings = new EventSourceMappingReader(lambda);
        this.restoredTables = new RestoredTableReader(dynamo);
        this.settingsCopier = new TableSettingsCopier(dynamo, autoscaling, tablePollInterval);
        this.clock = clock;
    }

    /** Runs one action; the result becomes the task's {@code Payload}. */
    public Map<String, Object> run(Map<String, Object> input) {
        JsonNode in = JSON.valueToTree(input);
        String action = in.path("action").asText("");
        SessionConfig config = SessionConfig.from(in.get("config"));
        LOG.infof("workflow action %s for %s session %s", action, config.sourceTableName(), in.path("session_id").asText());
        return switch (action) {
            case "register" -> register(config, in);
            case "settleReplayFrom" -> settleReplayFrom(config, in);
            case "copySettings" -> copySettings(config, in);
            case "caughtUp" -> caughtUp(config, in);
            case "awaitFinish" -> awaitFinish(config, in);
            case "cutOver" -> CutoverStep.run(dynamo, config, in, clock.instant());
            case "drained" -> drained(config, in);
            case "finish" -> finish(config, in);
            case "fail" -> fail(config, in);
            default -> throw new IllegalArgumentException("action must be one of register, settleReplayFrom, "
                    + "copySettings, caughtUp, awaitFinish, cutOver, drained, finish, fail; got '" + action + "'");
        };
    }

    /**
     * Step 1. Input: {@code event} (the CloudTrail record), {@code session_id}. Output:
     * {@code registered}, {@code session_id}, {@code record_key}, {@code target_table},
     * {@code requested_at}, {@code capture_floor}, {@code restore_deadline}, {@code reason},
     * {@code active_session_id}.
     */
    Map<String, Object> register(SessionConfig config, JsonNode in) {
        String sessionId = required(in, "session_id");
        new HistoryBudget(config); // a configuration the history limit cannot hold fails here, not hours later
        RestoreRequest request = RestoreRequestParser.parse(in.get("event"), config.sourceTableName(), config.sourceTableArn());
        Optional<Instant> lookedUp = CaptureFloor.needsRestorePointLookup(request, config.replayFromMode())
                ? restoredTables.restoreDateTime(request.targetTable())
                : Optional.empty();
        Instant floor = CaptureFloor.of(request, config.replayFromMode(), lookedUp);
        Instant now = clock.instant();
        SessionStore store = store(config);
        SessionStore.NewSession session = new SessionStore.NewSession(sessionId, request.targetTable(),
                request.requestedAt(), request.restorePoint().or(() -> lookedUp), floor, request.eventId());
        // The CloudTrail event names the target at request time: refuse it now, not hours later,
        // and without taking the lock or enabling capture.
        Optional<String> outsidePattern = config.targetTablePattern().refusal(config.sourceTableName(), request.targetTable());
        SessionStore.Registration registration = outsidePattern.isPresent()
                ? new SessionStore.Registration(false, Optional.empty())
                : store.register(session, now);

        Map<String, Object> out = new LinkedHashMap<>();
        out.put("registered", registration.registered());
        out.put("session_id", sessionId);
        out.put("record_key", recordKey(store, sessionId));
        out.put("target_table", request.targetTable());
        out.put("requested_at", request.requestedAt().toString());
        out.put("capture_floor", floor.toString());
        out.put("restore_deadline", now.plus(config.restoreTimeout()).toString());
        out.put("active_session_id", registration.activeSessionId().orElse(null));
        if (registration.registered()) {
            out.put("reason", null);
            out.put("notice", null);
        } else {
            String reason = outsidePattern.orElseGet(() -> "another restore session ("
                    + registration.activeSessionId().orElse("unknown") + ") is active for table " + config.sourceTableName()
                    + "; the restore into " + request.targetTable() + " is not followed");
            store.recordRefused(session, reason, now);
            out.put("reason", reason);
            out.put("notice", notice("session_refused", config, sessionId, SessionStatus.FAILED,
                    Map.of("target_table", request.targetTable(), "reason", reason,
                            "active_session_id", registration.activeSessionId().orElse(outsidePattern.isPresent() ? "none" : "unknown"))));
        }
        return out;
    }

    /**
     * Step 3, once the target is ACTIVE. Input: {@code event}, {@code session_id}. Output:
     * {@code replay_from}, {@code replay_from_rule}, {@code restore_point}. Refuses (fails) a target
     * outside {@code target_table_pattern} and an incomplete replay window.
     */
    Map<String, Object> settleReplayFrom(SessionConfig config, JsonNode in) {
        String sessionId = required(in, "session_id");
        SessionStore store = store(config);
        Map<String, AttributeValue> record = record(store, sessionId);
        RestoreRequest request = RestoreRequestParser.parse(in.get("event"), config.sourceTableName(), config.sourceTableArn());
        config.targetTablePattern().requireMatch(config.sourceTableName(), request.targetTable());
        Optional<RestoreSummary> summary = restoredTables.restoreSummary(request.targetTable());
        RestoredFrom.requireSource(config.sourceTableArn(), request.targetTable(), summary.map(RestoreSummary::sourceTableArn));
        Optional<Instant> restorePoint = summary.map(RestoreSummary::restoreDateTime);
        ReplayFrom replayFrom = ReplayFromRule.settle(request, config.replayFromMode(), restorePoint);
        Instant floor = SessionStore.instant(record, "capture_floor").orElseThrow(
                () -> new IllegalStateException("session " + sessionId + " has no capture_floor"));
        Instant now = clock.instant();
        ReplayWindowCheck.requireComplete(replayFrom, floor, store.previousCaptureEnd(sessionId), now);

        Map<String, AttributeValue> values = new LinkedHashMap<>();
        values.put("replay_from", SessionStore.s(replayFrom.instant().toString()));
        values.put("replay_from_rule", SessionStore.s(replayFrom.rule()));
        restorePoint.ifPresent(p -> values.put("restore_point", SessionStore.s(p.toString())));
        store.updateStatus(sessionId, SessionStatus.CONFIGURING, values, now);

        Map<String, Object> out = new LinkedHashMap<>();
        out.put("replay_from", replayFrom.instant().toString());
        out.put("replay_from_rule", replayFrom.rule());
        out.put("restore_point", restorePoint.map(Instant::toString).orElse(null));
        return out;
    }

    /** Step 4. Input: {@code session_id}. Output: {@code settings_applied} (setting → what happened). */
    Map<String, Object> copySettings(SessionConfig config, JsonNode in) {
        String sessionId = required(in, "session_id");
        SessionStore store = store(config);
        String target = SessionStore.string(record(store, sessionId), "target_table").orElseThrow(
                () -> new IllegalStateException("session " + sessionId + " has no target_table"));
        Map<String, String> applied = settingsCopier.copy(config.sourceTableName(), target, config.copySettings());
        store.update(sessionId, Map.of("settings_applied", AttributeValue.fromM(applied.entrySet().stream()
                .collect(Collectors.toMap(Map.Entry::getKey, e -> SessionStore.s(e.getValue()))))), clock.instant());
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("settings_applied", applied);
        return out;
    }

    /**
     * Step 6, one check. Input: {@code session_id}, {@code consecutive} and {@code checks} of the
     * previous round (0 at first). Output: {@code ready}, {@code consecutive}, {@code checks},
     * {@code figures}, {@code unmet}, {@code notice}. Marks CAUGHT_UP when ready; fails the session
     * when the history budget runs out first ({@code max_session_seconds} bounds the wait for the
     * operator that follows, not this loop).
     */
    Map<String, Object> caughtUp(SessionConfig config, JsonNode in) {
        String sessionId = required(in, "session_id");
        int previous = in.path("consecutive").asInt(0);
        int checks = in.path("checks").asInt(0) + 1;
        Instant now = clock.instant();
        SessionStore store = store(config);
        Map<String, AttributeValue> record = record(store, sessionId);
        Instant createdAt = SessionStore.instant(record, "created_at").orElse(now);

        int budget = new HistoryBudget(config).caughtUpChecks();
        if (checks > budget) {
            throw new SessionRefusedException("not caught up after " + budget + " checks; more would pass Step Functions' "
                    + HistoryBudget.HISTORY_LIMIT + "-event history limit (last figures in caught_up_figures)");
        }
        Backlog backlog = queue.backlog(config.queueUrl());
        MappingStatus capture = mappings.status(config.captureMappingUuid());
        CaughtUpCheck.Figures figures = new CaughtUpCheck.Figures(backlog.visible(), backlog.inFlight(),
                SessionStore.instant(record, "capture_newest_at"), SessionStore.instant(record, "capture_ran_at"),
                capture.state(), capture.lastProcessingResult(), createdAt, now);
        CaughtUpCheck.Verdict verdict = new CaughtUpCheck(config.caughtUpBacklog(), config.caughtUpLag())
                .evaluate(figures, previous);
        verdict = CaughtUpShards.refine(verdict, previous, CaughtUpShards.check(dynamo, config, sessionId,
                SessionStore.instant(record, "capture_floor").orElse(createdAt), now, queue), config.caughtUpLag());

        Map<String, AttributeValue> values = Map.of("caught_up_figures", toAttribute(verdict.figures()));
        if (verdict.ready()) {
            store.updateStatus(sessionId, SessionStatus.CAUGHT_UP, values, now);
        } else {
            store.update(sessionId, values, now);
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("ready", verdict.ready());
        out.put("consecutive", verdict.consecutive());
        out.put("checks", checks);
        out.put("figures", verdict.figures());
        out.put("unmet", verdict.unmet());
        out.put("notice", verdict.ready()
                ? notice("ready_for_cutover", config, sessionId, SessionStatus.CAUGHT_UP, Map.of(
                        "target_table", SessionStore.string(record, "target_table").orElse(""),
                        "replay_from", SessionStore.string(record, "replay_from").orElse(""),
                        "figures", verdict.figures()))
                : null);
        return out;
    }

    /**
     * Step 7's wait. Input: {@code session_id}, {@code task_token}. Stores the token where the CLI
     * (or a test) finds it for SendTaskSuccess; the task itself waits for that call.
     */
    Map<String, Object> awaitFinish(SessionConfig config, JsonNode in) {
        String sessionId = required(in, "session_id");
        String token = required(in, "task_token");
        // The cutover's waits go with the token: restore-cdc cutover proves with the deployment's values.
        store(config).update(sessionId, Map.of("task_token", SessionStore.s(token),
                "cutover_settings", CutoverSettings.from(in.get("config")).toAttribute()), clock.instant());
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("token_stored", true);
        return out;
    }

    /**
     * Finishing, one check. Input: {@code session_id}, {@code checks} of the previous round. Output:
     * {@code drained} (the capture mapping is Disabled and the queue has no visible or in-flight
     * message), {@code checks}, {@code backlog}, {@code capture_mapping_state}.
     */
    Map<String, Object> drained(SessionConfig config, JsonNode in) {
        required(in, "session_id");
        int checks = in.path("checks").asInt(0) + 1;
        Backlog backlog = queue.backlog(config.queueUrl());
        String captureState = mappings.status(config.captureMappingUuid()).state();
        boolean drained = "Disabled".equals(captureState) && backlog.total() == 0;
        if (!drained && checks > HistoryBudget.DRAIN_CHECKS) {
            throw new SessionRefusedException("queue not drained after " + HistoryBudget.DRAIN_CHECKS + " checks: "
                    + backlog.total() + " messages left, capture mapping " + captureState
                    + "; the queue is kept for inspection");
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("drained", drained);
        out.put("checks", checks);
        out.put("backlog", backlog.total());
        out.put("capture_mapping_state", captureState);
        return out;
    }

    /**
     * The end of a finished session. Input: {@code session_id}, {@code finished_by} ({@code operator}
     * or {@code max_session_seconds}). Marks FINISHED, or EXPIRED when the maximum duration ended it
     * (the sync stopped while the application may still write to the source: a loud notice), then
     * releases the lock (in this order, so a new session never sees this one half-open). Output also
     * has the notification's {@code subject} and {@code detail_type}.
     */
    Map<String, Object> finish(SessionConfig config, JsonNode in) {
        String sessionId = required(in, "session_id");
        String finishedBy = in.path("finished_by").asText("operator");
        boolean expired = MAX_DURATION.equals(finishedBy);
        SessionStatus status = expired ? SessionStatus.EXPIRED : SessionStatus.FINISHED;
        String reason = expired
                ? "expired: max_session_seconds (" + config.maxSession().toSeconds() + " s) passed without the operator's "
                        + "finish; capture and replay are stopped, and writes to the source table from now on are NOT in "
                        + "the restored table"
                : "finished by " + finishedBy;
        SessionStore store = store(config);
        store.updateStatus(sessionId, status, Map.of("reason", SessionStore.s(reason)), clock.instant());
        boolean released = store.releaseLock(sessionId);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("status", status.name());
        out.put("lock_released", released);
        out.put("subject", expired
                ? "dynamodb-restore-cdc: restore session EXPIRED, sync stopped before cutover"
                : "dynamodb-restore-cdc: restore session finished");
        out.put("detail_type", expired ? "Restore session expired" : "Restore session finished");
        out.put("notice", notice(expired ? "session_expired" : "session_finished", config, sessionId, status,
                Map.of("finished_by", finishedBy, "reason", reason, "record", summary(store, sessionId))));
        return out;
    }

    /**
     * Every failure path's bookkeeping. Input: {@code session_id}, {@code error} (Step Functions'
     * {@code {"Error", "Cause"}}). Marks FAILED with the reason and releases the lock if this session
     * holds it (a session that failed before taking it leaves another session's lock alone).
     */
    Map<String, Object> fail(SessionConfig config, JsonNode in) {
        String sessionId = required(in, "session_id");
        String reason = FailureReason.of(in.get("error"));
        SessionStore store = store(config);
        store.updateStatus(sessionId, SessionStatus.FAILED, Map.of("reason", SessionStore.s(reason)), clock.instant());
        boolean released = store.releaseLock(sessionId);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("status", SessionStatus.FAILED.name());
        out.put("reason", reason);
        out.put("lock_released", released);
        out.put("notice", notice("session_failed", config, sessionId, SessionStatus.FAILED,
                Map.of("reason", reason, "record", summary(store, sessionId))));
        return out;
    }

    /** The SNS message and EventBridge detail of a notification: one flat, self-explaining document. */
    private static Map<String, Object> notice(String event, SessionConfig config, String sessionId, SessionStatus status,
            Map<String, Object> details) {
        Map<String, Object> notice = new LinkedHashMap<>();
        notice.put("event", event);
        notice.put("source_table", config.sourceTableName());
        notice.put("session_id", sessionId);
        notice.put("status", status.name());
        notice.putAll(details);
        return notice;
    }

    /** The session record's plain fields (no task token), for the final notifications. */
    private static Map<String, Object> summary(SessionStore store, String sessionId) {
        Map<String, Object> summary = new LinkedHashMap<>();
        store.session(sessionId).ifPresent(item -> item.forEach((name, value) -> {
            if (name.equals("pk") || name.equals("sk") || name.equals("task_token")) {
                return;
            }
            if (value.s() != null) {
                summary.put(name, value.s());
            } else if (value.n() != null) {
                summary.put(name, new java.math.BigDecimal(value.n()));
            } else if (value.hasM()) {
                Map<String, Object> m = new LinkedHashMap<>();
                value.m().forEach((k, v) -> m.put(k, v.s() != null ? v.s() : v.n() != null ? new java.math.BigDecimal(v.n()) : v.bool()));
                summary.put(name, m);
            }
        }));
        return new java.util.TreeMap<>(summary);
    }

    private SessionStore store(SessionConfig config) {
        return new SessionStore(dynamo, config.controlTableName(), config.sourceTableName());
    }

    private static Map<String, AttributeValue> record(SessionStore store, String sessionId) {
        return store.session(sessionId).orElseThrow(() -> new IllegalStateException("no session record for " + sessionId));
    }

    private static Map<String, Object> recordKey(SessionStore store, String sessionId) {
        Map<String, Object> key = new LinkedHashMap<>();
        store.sessionKey(sessionId).forEach((k, v) -> key.put(k, Map.of("S", v.s())));
        return key;
    }

    private static String required(JsonNode in, String field) {
        JsonNode value = in.get(field);
        if (value == null || !value.isTextual() || value.asText().isBlank()) {
            throw new IllegalArgumentException(field + " must be a non-empty string, got " + value);
        }
        return value.asText();
    }

    private static AttributeValue toAttribute(Object value) {
        if (value == null) {
            return AttributeValue.fromNul(true);
        }
        if (value instanceof Number n) {
            return AttributeValue.fromN(n.toString());
        }
        if (value instanceof Boolean b) {
            return AttributeValue.fromBool(b);
        }
        if (value instanceof Map<?, ?> m) {
            Map<String, AttributeValue> map = new HashMap<>();
            m.forEach((k, v) -> map.put(String.valueOf(k), toAttribute(v)));
            return AttributeValue.fromM(map);
        }
        if (value instanceof List<?> l) {
            return AttributeValue.fromL(l.stream().map(WorkflowService::toAttribute).toList());
        }
        return AttributeValue.fromS(value.toString());
    }
}
