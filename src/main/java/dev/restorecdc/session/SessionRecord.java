package dev.restorecdc.session;

import dev.restorecdc.cdc.Timestamps;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The session item of the control table ({@code TABLE#<source>} / {@code SESSION#<id>}, DESIGN.md
 * "Contracts"), the one model every reader uses: the workflow steps, the change path, the CLI and the
 * demo. It is read from, and written as, the item's <em>plain values</em> (attribute name → String,
 * Number, Boolean, null, Map or List; {@code aws/DynamoJson} turns those into DynamoDB attribute values
 * and back). Instants are stored as {@link Timestamps#format ISO-8601 with three fraction digits};
 * older items written with {@link Instant#toString()} read the same.
 */
public record SessionRecord(
        String sourceTable,
        String sessionId,
        SessionStatus status,
        Optional<String> reason,
        Optional<String> targetTable,
        Optional<String> eventId,
        Optional<Instant> requestedAt,
        Optional<Instant> restorePoint,
        Optional<Instant> replayFrom,
        Optional<String> replayFromRule,
        Optional<String> replaySemantics,
        Optional<String> replaySemanticsRule,
        Optional<String> replaySemanticsNote,
        Optional<Instant> captureFloor,
        Optional<String> taskToken,
        Map<String, String> settingsApplied,
        Map<String, Object> caughtUpFigures,
        Counters counters,
        Optional<Instant> captureNewestAt,
        Optional<Instant> captureRanAt,
        Optional<Instant> replayNewestAt,
        Optional<String> replayError,
        Optional<Instant> replayErrorAt,
        Optional<Instant> createdAt,
        Optional<Instant> updatedAt,
        Optional<String> executionArn,
        Map<String, Object> cutoverSettings,
        Optional<Instant> cutOverAt,
        Optional<String> cutoverProof,
        Optional<String> targetTableArn) {

    public static final String STATUS = "status";
    public static final String REASON = "reason";
    public static final String TARGET_TABLE = "target_table";
    /**
     * The restored table's ARN, only when the restore created it in another region than the deployment's
     * (absent: the target is in the deployment's region, as every session before cross-region restores).
     */
    public static final String TARGET_TABLE_ARN = "target_table_arn";
    public static final String EVENT_ID = "event_id";
    public static final String REQUESTED_AT = "requested_at";
    public static final String RESTORE_POINT = "restore_point";
    public static final String REPLAY_FROM = "replay_from";
    public static final String REPLAY_FROM_RULE = "replay_from_rule";
    /** How replay applies changes ({@code image} | {@code change}), settled with replay_from. */
    public static final String REPLAY_SEMANTICS = "replay_semantics";
    public static final String REPLAY_SEMANTICS_RULE = "replay_semantics_rule";
    /** Why an undo replays whole images after all (a NEW_IMAGE stream). */
    public static final String REPLAY_SEMANTICS_NOTE = "replay_semantics_note";
    public static final String CAPTURE_FLOOR = "capture_floor";
    public static final String TASK_TOKEN = "task_token";
    public static final String SETTINGS_APPLIED = "settings_applied";
    public static final String CAUGHT_UP_FIGURES = "caught_up_figures";
    public static final String CAPTURED = "captured";
    public static final String SKIPPED_WINDOW = "skipped_window";
    public static final String REPLAYED_PUTS = "replayed_puts";
    public static final String REPLAYED_DELETES = "replayed_deletes";
    public static final String RETRIES = "retries";
    public static final String FAILED = "failed";
    public static final String CAPTURE_NEWEST_AT = "capture_newest_at";
    public static final String CAPTURE_RAN_AT = "capture_ran_at";
    public static final String REPLAY_NEWEST_AT = "replay_newest_at";
    /** Why replay cannot write the target at all (deleted table, access denied, its KMS key), and since when. */
    public static final String REPLAY_ERROR = "replay_error";
    public static final String REPLAY_ERROR_AT = "replay_error_at";
    public static final String DEAD_LETTERED = "dead_lettered";
    /** Keys change replay found also written in the undone window (one per key). */
    public static final String CONFLICTS = "conflicts";
    public static final String CREATED_AT = "created_at";
    public static final String UPDATED_AT = "updated_at";
    /** The Step Functions execution running the session now (a long session continues in fresh executions). */
    public static final String EXECUTION_ARN = "execution_arn";
    /** How many times the session continued in a fresh execution (history limit). */
    public static final String CONTINUATIONS = "continuations";
    /** The cutover's waits, stored with the task token (session/CutoverSettings). */
    public static final String CUTOVER_SETTINGS = "cutover_settings";
    /** When the session was cut over (CUT_OVER), and the operator's proof (JSON). */
    public static final String CUT_OVER_AT = "cut_over_at";
    public static final String CUTOVER_PROOF = "cutover_proof";

    /**
     * The counters the change path adds to (at least once: redeliveries may count twice). Where they
     * come from: each capture and replay environment adds its invocations' counts up in memory and
     * writes them (and capture_newest_at / capture_ran_at, replay_newest_at) at most once per
     * {@code CDC_COUNTERS_INTERVAL} (1 s), so they trail by up to that, and up to that much is lost
     * when Lambda reclaims an environment; {@code conflicts} is written with each conflict record.
     * What verify, caught-up and cutover rely on is not here: the key log (written with the target's
     * items), per-shard progress (every capture invocation) and the queue's own counts.
     */
    public record Counters(long captured, long skippedWindow, long replayedPuts, long replayedDeletes, long retries,
            long failed, long deadLettered, long conflicts) {

        /** All zero: a session no invocation has counted for yet. */
        public static final Counters NONE = new Counters(0, 0, 0, 0, 0, 0, 0, 0);

        /** Counter name (as stored) → value, in the order {@code restore-cdc status} shows them. */
        public Map<String, Long> byName() {
            Map<String, Long> named = new LinkedHashMap<>();
            named.put(CAPTURED, captured);
            named.put(SKIPPED_WINDOW, skippedWindow);
            named.put(REPLAYED_PUTS, replayedPuts);
            named.put(REPLAYED_DELETES, replayedDeletes);
            named.put(RETRIES, retries);
            named.put(FAILED, failed);
            named.put(DEAD_LETTERED, deadLettered);
            named.put(CONFLICTS, conflicts);
            return named;
        }
    }

    /**
     * Reads a session item's plain values (key attributes included).
     *
     * @throws IllegalArgumentException naming the attribute and value when the item is not a session
     *                                  item or a field has the wrong form (an unknown status, a bad instant)
     */
    public static SessionRecord fromValues(Map<String, ?> values) {
        String pk = requiredText(values, ControlTableKeys.PK);
        String sk = requiredText(values, ControlTableKeys.SK);
        if (!pk.startsWith(ControlTableKeys.TABLE_PREFIX) || !sk.startsWith(ControlTableKeys.SESSION_PREFIX)) {
            throw new IllegalArgumentException("not a session item: pk '" + pk + "', sk '" + sk + "'");
        }
        String statusText = requiredText(values, STATUS);
        SessionStatus status;
        try {
            status = SessionStatus.valueOf(statusText);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(STATUS + " of session item " + sk + " is '" + statusText
                    + "', not one of " + List.of(SessionStatus.values()));
        }
        return new SessionRecord(
                pk.substring(ControlTableKeys.TABLE_PREFIX.length()),
                sk.substring(ControlTableKeys.SESSION_PREFIX.length()),
                status,
                text(values, REASON),
                text(values, TARGET_TABLE),
                text(values, EVENT_ID),
                instant(values, REQUESTED_AT),
                instant(values, RESTORE_POINT),
                instant(values, REPLAY_FROM),
                text(values, REPLAY_FROM_RULE),
                text(values, REPLAY_SEMANTICS),
                text(values, REPLAY_SEMANTICS_RULE),
                text(values, REPLAY_SEMANTICS_NOTE),
                instant(values, CAPTURE_FLOOR),
                text(values, TASK_TOKEN),
                settings(values.get(SETTINGS_APPLIED)),
                figures(values.get(CAUGHT_UP_FIGURES)),
                new Counters(number(values, CAPTURED), number(values, SKIPPED_WINDOW), number(values, REPLAYED_PUTS),
                        number(values, REPLAYED_DELETES), number(values, RETRIES), number(values, FAILED),
                        number(values, DEAD_LETTERED), number(values, CONFLICTS)),
                instant(values, CAPTURE_NEWEST_AT),
                instant(values, CAPTURE_RAN_AT),
                instant(values, REPLAY_NEWEST_AT),
                text(values, REPLAY_ERROR),
                instant(values, REPLAY_ERROR_AT),
                instant(values, CREATED_AT),
                instant(values, UPDATED_AT),
                text(values, EXECUTION_ARN),
                figures(values.get(CUTOVER_SETTINGS)),
                instant(values, CUT_OVER_AT),
                text(values, CUTOVER_PROOF),
                text(values, TARGET_TABLE_ARN));
    }

    /** The item's plain values, key attributes included; absent fields are left out, instants in the stored form. */
    public Map<String, Object> toValues() {
        Map<String, Object> values = new LinkedHashMap<>();
        values.put(ControlTableKeys.PK, ControlTableKeys.tablePk(sourceTable));
        values.put(ControlTableKeys.SK, ControlTableKeys.sessionSk(sessionId));
        values.putAll(fields(true));
        return values;
    }

    /**
     * The record's fields for the final notifications: no key attributes and no task token (it lets
     * anyone holding it end the session), sorted by name.
     */
    public Map<String, Object> summary() {
        return new TreeMap<>(fields(false));
    }

    private Map<String, Object> fields(boolean withToken) {
        Map<String, Object> values = new LinkedHashMap<>();
        values.put(STATUS, status.name());
        reason.ifPresent(v -> values.put(REASON, v));
        targetTable.ifPresent(v -> values.put(TARGET_TABLE, v));
        targetTableArn.ifPresent(v -> values.put(TARGET_TABLE_ARN, v));
        eventId.ifPresent(v -> values.put(EVENT_ID, v));
        requestedAt.ifPresent(v -> values.put(REQUESTED_AT, Timestamps.format(v)));
        restorePoint.ifPresent(v -> values.put(RESTORE_POINT, Timestamps.format(v)));
        replayFrom.ifPresent(v -> values.put(REPLAY_FROM, Timestamps.format(v)));
        replayFromRule.ifPresent(v -> values.put(REPLAY_FROM_RULE, v));
        replaySemantics.ifPresent(v -> values.put(REPLAY_SEMANTICS, v));
        replaySemanticsRule.ifPresent(v -> values.put(REPLAY_SEMANTICS_RULE, v));
        replaySemanticsNote.ifPresent(v -> values.put(REPLAY_SEMANTICS_NOTE, v));
        captureFloor.ifPresent(v -> values.put(CAPTURE_FLOOR, Timestamps.format(v)));
        if (withToken) {
            taskToken.ifPresent(v -> values.put(TASK_TOKEN, v));
        }
        if (!settingsApplied.isEmpty()) {
            values.put(SETTINGS_APPLIED, settingsApplied);
        }
        if (!caughtUpFigures.isEmpty()) {
            values.put(CAUGHT_UP_FIGURES, caughtUpFigures);
        }
        values.putAll(counters.byName());
        captureNewestAt.ifPresent(v -> values.put(CAPTURE_NEWEST_AT, Timestamps.format(v)));
        captureRanAt.ifPresent(v -> values.put(CAPTURE_RAN_AT, Timestamps.format(v)));
        replayNewestAt.ifPresent(v -> values.put(REPLAY_NEWEST_AT, Timestamps.format(v)));
        replayError.ifPresent(v -> values.put(REPLAY_ERROR, v));
        replayErrorAt.ifPresent(v -> values.put(REPLAY_ERROR_AT, Timestamps.format(v)));
        createdAt.ifPresent(v -> values.put(CREATED_AT, Timestamps.format(v)));
        updatedAt.ifPresent(v -> values.put(UPDATED_AT, Timestamps.format(v)));
        executionArn.ifPresent(v -> values.put(EXECUTION_ARN, v));
        if (!cutoverSettings.isEmpty()) {
            values.put(CUTOVER_SETTINGS, cutoverSettings);
        }
        cutOverAt.ifPresent(v -> values.put(CUT_OVER_AT, Timestamps.format(v)));
        cutoverProof.ifPresent(v -> values.put(CUTOVER_PROOF, v));
        return values;
    }

    /**
     * How the functions address the target (replay's writes, the settings copy, the restored-table
     * reads): its ARN when it is in another region than the deployment, else its name ({@link dev.restorecdc.cdc.TableRefs}).
     */
    public Optional<String> replayTarget() {
        return targetTableArn.or(() -> targetTable);
    }

    /** The target's region when it is not the deployment's; empty for a same-region restore. */
    public Optional<String> targetRegion() {
        return targetTableArn.flatMap(dev.restorecdc.cdc.TableRefs::regionOf);
    }

    /** An undo replayed as changes ({@code replay_semantics = change}): verify and repair keep to what the changes touched. */
    public boolean replaysChanges() {
        return replaySemantics.filter("change"::equals).isPresent();
    }

    /** FINISHED, EXPIRED, FAILED or ABORTED: the session no longer holds (or never took) the table's lock. */
    public boolean terminal() {
        return status.isTerminal();
    }

    /** How far behind the stream the last capture batch was: capture_ran_at − capture_newest_at. */
    public Optional<Duration> captureLag() {
        return between(captureNewestAt, captureRanAt);
    }

    /** How far the replayed changes trail the captured ones (stream time), never negative. */
    public Optional<Duration> replayLag() {
        return between(replayNewestAt, captureNewestAt).map(d -> d.isNegative() ? Duration.ZERO : d);
    }

    /** Newest first: requested_at, else created_at (a refused session has both). */
    public Instant sortTime() {
        return requestedAt.or(() -> createdAt).orElse(Instant.EPOCH);
    }

    private static Optional<Duration> between(Optional<Instant> from, Optional<Instant> to) {
        return from.isPresent() && to.isPresent() ? Optional.of(Duration.between(from.get(), to.get())) : Optional.empty();
    }

    private static String requiredText(Map<String, ?> values, String name) {
        return text(values, name).orElseThrow(() -> new IllegalArgumentException(
                "session item has no " + name + " (got " + values.get(name) + ")"));
    }

    private static Optional<String> text(Map<String, ?> values, String name) {
        Object value = values.get(name);
        return value instanceof String s && !s.isBlank() ? Optional.of(s) : Optional.empty();
    }

    private static Optional<Instant> instant(Map<String, ?> values, String name) {
        Object value = values.get(name);
        if (value instanceof Instant i) {
            return Optional.of(i);
        }
        return text(values, name).map(t -> Timestamps.parse(name, t));
    }

    private static long number(Map<String, ?> values, String name) {
        Object value = values.get(name);
        if (value == null) {
            return 0;
        }
        if (value instanceof Number n) {
            return new BigDecimal(n.toString()).longValueExact();
        }
        throw new IllegalArgumentException(name + " must be a number, got '" + value + "'");
    }

    private static Map<String, String> settings(Object value) {
        Map<String, String> settings = new TreeMap<>();
        if (value instanceof Map<?, ?> m) {
            m.forEach((k, v) -> settings.put(String.valueOf(k), String.valueOf(v)));
        }
        return settings;
    }

    private static Map<String, Object> figures(Object value) {
        Map<String, Object> figures = new TreeMap<>();
        if (value instanceof Map<?, ?> m) {
            m.forEach((k, v) -> figures.put(String.valueOf(k), v));
        }
        return figures;
    }
}
