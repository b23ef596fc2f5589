package dev.restorecdc.cli;

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
            Map<String, Long> c = s.counters();
            text.add(s.sessionId(), s.status(), s.text("requested_at").orElse("-"), s.text("restore_point").orElse("latest"),
                    s.text("replay_from").orElse("-"), s.text("replay_from_rule").orElse("-"), s.target().orElse("-"),
                    TextTable.duration(worstShardLag(s).or(s::captureLag)), TextTable.duration(s.replayLag()), n(c.get("captured")),
                    n(c.get("replayed_puts")), n(c.get("replayed_deletes")), n(c.get("skipped_window")),
                    n(c.get("retries")), n(c.get("failed")));
        }
        text.print(cli.out);
        for (SessionRecord s : sessions) {
            s.text("reason").ifPresent(r -> cli.out.println("  " + s.sessionId() + " reason: " + r));
            s.text("replay_error").ifPresent(e -> cli.out.println("  " + s.sessionId() + " replay error (at "
                    + s.text("replay_error_at").orElse("?") + "): " + e));
            if (!s.settingsApplied().isEmpty()) {
                cli.out.println("  " + s.sessionId() + " settings applied: " + s.settingsApplied());
            }
            if (s.taskToken().isPresent() && !s.terminal() && !s.status().equals("FINISHING")) {
                cli.out.println("  " + s.sessionId() + " waits for the operator: " + (s.status().equals("CUT_OVER")
                        ? "restore-cdc finish --session " + s.sessionId()
                        : "stop the source's writes, then restore-cdc cutover --session " + s.sessionId()));
            }
            if (s.status().equals("REPLAYING")) {
                notCaughtUpBecause(s).forEach(why -> cli.out.println("  " + s.sessionId() + " not caught up: " + why));
            }
            if (s.text("cut_over_at").isPresent()) {
                cli.out.println("  " + s.sessionId() + " cut over at " + s.text("cut_over_at").get());
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
        var figures = s.item().get("caught_up_figures");
        if (!s.status().equals("REPLAYING") || figures == null || !figures.hasM() || figures.m().get("shards") == null) {
            return Optional.empty(); // the checks run only while replaying; later figures would be stale
        }
        var lag = figures.m().get("capture_lag_seconds");
        return lag == null || lag.n() == null ? Optional.empty() : Optional.of(Duration.ofSeconds(Long.parseLong(lag.n())));
    }

    /** The last caught-up check's unmet conditions (the workflow stores them with its figures). */
    private static List<String> notCaughtUpBecause(SessionRecord s) {
        var figures = s.item().get("caught_up_figures");
        if (figures == null || !figures.hasM() || figures.m().get("unmet") == null || !figures.m().get("unmet").hasL()) {
            return List.of();
        }
        return figures.m().get("unmet").l().stream().map(v -> v.s() == null ? String.valueOf(v) : v.s()).toList();
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
        node.put("status", s.status());
        for (String field : List.of("reason", "target_table", "restore_point", "requested_at", "replay_from",
                "replay_from_rule", "capture_floor", "capture_newest_at", "capture_ran_at", "replay_newest_at",
                "replay_error", "replay_error_at", "created_at", "updated_at")) {
            node.put(field, s.text(field).orElse(null));
        }
        node.put("capture_lag_seconds", seconds(worstShardLag(s).or(s::captureLag)));
        node.put("replay_lag_seconds", seconds(s.replayLag()));
        node.put("waiting_for_operator", s.taskToken().isPresent() && !s.terminal() && !s.status().equals("FINISHING"));
        node.put("cut_over_at", s.text("cut_over_at").orElse(null));
        ArrayNode unmet = node.putArray("not_caught_up_because");
        notCaughtUpBecause(s).forEach(unmet::add);
        if (s.text("cut_over_at").isPresent()) {
            ArrayNode late = node.putArray("late_writes");
            for (LateWrites.Late write : LateWrites.read(cli.aws.dynamo(), controlTableName, s.sessionId())) {
                late.addObject().put("key", write.key()).put("event_name", write.eventName()).put("stream_time", write.streamTime())
                        .put("sequence_number", write.sequenceNumber()).put("outcome", write.outcome().orElse(null));
            }
        }
        ObjectNode counters = node.putObject("counters");
        s.counters().forEach(counters::put);
        ObjectNode settings = node.putObject("settings_applied");
        s.settingsApplied().forEach(settings::put);
        return node;
    }

    private static Double seconds(Optional<Duration> duration) {
        return duration.map(d -> d.toMillis() / 1000.0).orElse(null);
    }

    private static String n(Long value) {
        return value == null ? "0" : Long.toString(value);
    }
}
