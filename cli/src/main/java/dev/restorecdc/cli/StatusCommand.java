package dev.restorecdc.cli;

import java.time.Instant;
import dev.restorecdc.cdc.Timestamps;
import dev.restorecdc.session.SessionStatus;
import dev.restorecdc.session.SessionRecord;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * {@code status [--table X] [--json]}: where the sessions of a table stand, newest first, with the
 * deployment's backlog. Without --table, every table the control table serves.
 */
final class StatusCommand {

    static final Set<String> OPTIONS = Set.of("table", "control-table", "name-prefix", "json");

    private final CliContext cli;

    StatusCommand(CliContext cli) {
        this.cli = cli;
    }

    private String controlTableName;

    int run(CliArgs args) {
        args.allowOnly(OPTIONS);
        ControlTableReader control = cli.controlTable(args);
        Map<String, List<SessionRecord>> byTable = new LinkedHashMap<>();
        Optional<String> table = args.value("table");
        if (table.isPresent()) {
            byTable.put(table.get(), control.sessionsOf(table.get()));
        } else {
            for (SessionRecord session : control.allSessions()) {
                byTable.computeIfAbsent(session.sourceTable(), t -> new ArrayList<>()).add(session);
            }
        }
        ObjectNode root = cli.json.createObjectNode();
        root.put("control_table", control.tableName());
        ArrayNode tables = root.putArray("tables");
        for (Map.Entry<String, List<SessionRecord>> entry : byTable.entrySet()) {
            String source = entry.getKey();
            Backlog backlog = Backlog.read(cli.aws.sqs(), cli.names(args, source));
            Optional<String> active = control.lockHolder(source);
            controlTableName = control.tableName();
            if (args.has("json")) {
                tables.add(tableJson(source, active, backlog, entry.getValue()));
            } else {
                printTable(source, control.tableName(), active, backlog, entry.getValue());
            }
        }
        if (args.has("json")) {
            cli.out.println(Json.write(cli.json, root));
        } else if (byTable.isEmpty()) {
            cli.out.println("no sessions in control table " + control.tableName());
        }
        return 0;
    }

    private void printTable(String source, String controlTable, Optional<String> active, Backlog backlog,
                            List<SessionRecord> sessions) {
        cli.out.println("table " + source + "  (control table " + controlTable + ")  active session: " + active.orElse("none"));
        cli.out.println(backlog.describe());
        if (sessions.isEmpty()) {
            cli.out.println("no sessions yet: a RestoreTableToPointInTime of " + source + " starts one");
            return;
        }
        TextTable text = new TextTable("SESSION", "PHASE", "REQUESTED AT", "RESTORE POINT", "REPLAY FROM", "RULE", "TARGET",
                "CAPTURE LAG", "REPLAY LAG", "CAPTURED", "PUTS", "DELETES", "SKIPPED", "RETRIES", "FAILED");
        for (SessionRecord s : sessions) {
            SessionRecord.Counters c = s.counters();
            text.add(s.sessionId(), s.status().name(), at(s.requestedAt()).orElse("-"), at(s.restorePoint()).orElse("latest"),
                    at(s.replayFrom()).orElse("-"), s.replayFromRule().orElse("-"),
                    s.targetTable().map(t -> t + s.targetRegion().map(r -> " (" + r + ")").orElse("")).orElse("-"),
                    TextTable.duration(worstShardLag(s).or(s::captureLag)), TextTable.duration(s.replayLag()), n(c.captured()),
                    n(c.replayedPuts()), n(c.replayedDeletes()), n(c.skippedWindow()), n(c.retries()), n(c.failed()));
        }
        text.print(cli.out);
        for (SessionRecord s : sessions) {
            s.reason().ifPresent(r -> cli.out.println("  " + s.sessionId() + " reason: " + r));
            s.replaySemantics().ifPresent(semantics -> cli.out.println("  " + s.sessionId() + " replays "
                    + (semantics.equals("change") ? "changes (undo)" : "whole images")
                    + s.replaySemanticsRule().map(rule -> " (" + rule + ")").orElse("")
                    + "; " + s.counters().conflicts() + " conflicts"
                    + (s.counters().conflicts() > 0 ? ": restore-cdc conflicts --session " + s.sessionId() : "")));
            s.replaySemanticsNote().ifPresent(note -> cli.out.println("  " + s.sessionId() + " NOTE: " + note));
            s.replayError().ifPresent(e -> cli.out.println("  " + s.sessionId() + " replay error (at "
                    + at(s.replayErrorAt()).orElse("?") + "): " + e));
            if (!s.settingsApplied().isEmpty()) {
                cli.out.println("  " + s.sessionId() + " settings applied: " + s.settingsApplied());
            }
            if (waitsForOperator(s)) {
                cli.out.println("  " + s.sessionId() + " waits for the operator: " + (s.status() == SessionStatus.CUT_OVER
                        ? "restore-cdc finish --table " + s.sourceTable() + " --session " + s.sessionId()
                        : "stop the source's writes, then restore-cdc cutover --table " + s.sourceTable() + " --session "
                                + s.sessionId()));
            }
            if (s.status() == SessionStatus.REPLAYING) {
                notCaughtUpBecause(s).forEach(why -> cli.out.println("  " + s.sessionId() + " not caught up: " + why));
            }
            if (s.cutOverAt().isPresent()) {
                cli.out.println("  " + s.sessionId() + " cut over at " + at(s.cutOverAt()).orElse("?"));
                List<LateWrites.Late> late = LateWrites.read(cli.aws.dynamo(), controlTable, s.sessionId());
                java.io.ByteArrayOutputStream listing = new java.io.ByteArrayOutputStream();
                LateWrites.print(new java.io.PrintStream(listing, true, java.nio.charset.StandardCharsets.UTF_8), s.sessionId(), late);
                listing.toString(java.nio.charset.StandardCharsets.UTF_8).lines().forEach(line -> cli.out.println("  " + line));
            }
        }
    }

    /**
     * While replaying, the worst shard's capture lag from the last caught-up check (the session-wide
     * stamps belong to whichever shard ran last, so they can hide a lagging one).
     */
    private static Optional<Duration> worstShardLag(SessionRecord s) {
        Object lag = s.caughtUpFigures().get("capture_lag_seconds");
        if (s.status() != SessionStatus.REPLAYING || !s.caughtUpFigures().containsKey("shards") || !(lag instanceof Number n)) {
            return Optional.empty(); // the checks run only while replaying; later figures would be stale
        }
        return Optional.of(Duration.ofSeconds(n.longValue()));
    }

    /** The last caught-up check's unmet conditions (the workflow stores them with its figures). */
    private static List<String> notCaughtUpBecause(SessionRecord s) {
        Object unmet = s.caughtUpFigures().get("unmet");
        return unmet instanceof List<?> list ? list.stream().map(String::valueOf).toList() : List.of();
    }

    private ObjectNode tableJson(String source, Optional<String> active, Backlog backlog, List<SessionRecord> sessions) {
        ObjectNode node = cli.json.createObjectNode();
        node.put("table", source);
        node.put("active_session", active.orElse(null));
        ObjectNode b = node.putObject("backlog");
        b.put("queue", backlog.queue());
        b.put("dead_letter_queue", backlog.deadLetterQueue());
        if (backlog.problem() == null) {
            b.put("visible", backlog.visible());
            b.put("in_flight", backlog.inFlight());
            b.put("dead_letters", backlog.deadLetters());
        } else {
            b.put("problem", backlog.problem());
        }
        ArrayNode list = node.putArray("sessions");
        for (SessionRecord s : sessions) {
            list.add(sessionJson(s));
        }
        return node;
    }

    private ObjectNode sessionJson(SessionRecord s) {
        ObjectNode node = cli.json.createObjectNode();
        node.put("session_id", s.sessionId());
        node.put("status", s.status().name());
        node.put(SessionRecord.REASON, s.reason().orElse(null));
        node.put(SessionRecord.TARGET_TABLE, s.targetTable().orElse(null));
        s.targetTableArn().ifPresent(arn -> node.put(SessionRecord.TARGET_TABLE_ARN, arn)); // a restore into another region
        node.put(SessionRecord.RESTORE_POINT, at(s.restorePoint()).orElse(null));
        node.put(SessionRecord.REQUESTED_AT, at(s.requestedAt()).orElse(null));
        node.put(SessionRecord.REPLAY_FROM, at(s.replayFrom()).orElse(null));
        node.put(SessionRecord.REPLAY_FROM_RULE, s.replayFromRule().orElse(null));
        node.put(SessionRecord.REPLAY_SEMANTICS, s.replaySemantics().orElse(null));
        node.put(SessionRecord.REPLAY_SEMANTICS_RULE, s.replaySemanticsRule().orElse(null));
        node.put(SessionRecord.REPLAY_SEMANTICS_NOTE, s.replaySemanticsNote().orElse(null));
        node.put(SessionRecord.CAPTURE_FLOOR, at(s.captureFloor()).orElse(null));
        node.put(SessionRecord.CAPTURE_NEWEST_AT, at(s.captureNewestAt()).orElse(null));
        node.put(SessionRecord.CAPTURE_RAN_AT, at(s.captureRanAt()).orElse(null));
        node.put(SessionRecord.REPLAY_NEWEST_AT, at(s.replayNewestAt()).orElse(null));
        node.put(SessionRecord.REPLAY_ERROR, s.replayError().orElse(null));
        node.put(SessionRecord.REPLAY_ERROR_AT, at(s.replayErrorAt()).orElse(null));
        node.put(SessionRecord.CREATED_AT, at(s.createdAt()).orElse(null));
        node.put(SessionRecord.UPDATED_AT, at(s.updatedAt()).orElse(null));
        node.put("capture_lag_seconds", seconds(worstShardLag(s).or(s::captureLag)));
        node.put("replay_lag_seconds", seconds(s.replayLag()));
        node.put("waiting_for_operator", waitsForOperator(s));
        node.put(SessionRecord.CUT_OVER_AT, at(s.cutOverAt()).orElse(null));
        ArrayNode unmet = node.putArray("not_caught_up_because");
        notCaughtUpBecause(s).forEach(unmet::add);
        if (s.cutOverAt().isPresent()) {
            ArrayNode late = node.putArray("late_writes");
            for (LateWrites.Late write : LateWrites.read(cli.aws.dynamo(), controlTableName, s.sessionId())) {
                late.addObject().put("key", write.key()).put("event_name", write.eventName()).put("stream_time", write.streamTime())
                        .put("sequence_number", write.sequenceNumber()).put("outcome", write.outcome().orElse(null));
            }
        }
        ObjectNode counters = node.putObject("counters");
        s.counters().byName().forEach(counters::put);
        ObjectNode settings = node.putObject("settings_applied");
        s.settingsApplied().forEach(settings::put);
        return node;
    }

    /** A task token is stored and nobody has finished the session yet. */
    private static boolean waitsForOperator(SessionRecord s) {
        return s.taskToken().isPresent() && !s.terminal() && s.status() != SessionStatus.FINISHING;
    }

    /** Instants in the control table's one form, whatever form an older item stored. */
    private static Optional<String> at(Optional<Instant> instant) {
        return instant.map(Timestamps::format);
    }

    private static Double seconds(Optional<Duration> duration) {
        return duration.map(d -> d.toMillis() / 1000.0).orElse(null);
    }

    private static String n(Long value) {
        return value == null ? "0" : Long.toString(value);
    }
}
