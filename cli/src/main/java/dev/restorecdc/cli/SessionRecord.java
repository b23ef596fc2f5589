package dev.restorecdc.cli;

import dev.restorecdc.aws.ControlTableKeys;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * One session item of the control table (pk TABLE#source, sk SESSION#id), read-only: the fields
 * DESIGN.md's Contracts names, with the lags the status command shows.
 */
public record SessionRecord(String sourceTable, String sessionId, Map<String, AttributeValue> item) {

    public static final List<String> COUNTERS = List.of("captured", "skipped_window", "replayed_puts",
            "replayed_deletes", "retries", "failed", "conflicts");

    public static SessionRecord of(Map<String, AttributeValue> item) {
        String pk = item.get("pk").s();
        String sk = item.get("sk").s();
        return new SessionRecord(pk.substring(ControlTableKeys.TABLE_PREFIX.length()), sk.substring(ControlTableKeys.SESSION_PREFIX.length()), item);
    }

    public String status() {
        return text("status").orElse("UNKNOWN");
    }

    public boolean terminal() {
        return status().equals("FINISHED") || status().equals("FAILED");
    }

    public Optional<String> text(String name) {
        AttributeValue value = item.get(name);
        return value == null || value.s() == null || value.s().isBlank() ? Optional.empty() : Optional.of(value.s());
    }

    /** Instants are ISO-8601 strings; a malformed one is shown as absent rather than failing the report. */
    public Optional<Instant> instant(String name) {
        try {
            return text(name).map(Instant::parse);
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }

    public Optional<String> target() {
        return text("target_table");
    }

    /** An undo replayed as changes ({@code replay_semantics = change}): verify and repair keep to what the changes touched. */
    public boolean replaysChanges() {
        return text("replay_semantics").filter("change"::equals).isPresent();
    }

    public Optional<String> taskToken() {
        return text("task_token");
    }

    public Map<String, Long> counters() {
        Map<String, Long> counters = new LinkedHashMap<>();
        for (String name : COUNTERS) {
            AttributeValue value = item.get(name);
            counters.put(name, value == null || value.n() == null ? 0L : Long.parseLong(value.n()));
        }
        return counters;
    }

    /** What step 4 did per setting; stored as a map of strings, shown as text whatever its form. */
    public Map<String, String> settingsApplied() {
        Map<String, String> settings = new TreeMap<>();
        AttributeValue value = item.get("settings_applied");
        if (value == null) {
            return settings;
        }
        if (value.hasM()) {
            value.m().forEach((k, v) -> settings.put(k, v.s() != null ? v.s() : String.valueOf(v)));
        } else if (value.hasSs()) {
            value.ss().forEach(s -> settings.put(s, "applied"));
        } else if (value.s() != null) {
            settings.put("settings", value.s());
        }
        return settings;
    }

    /** How far behind the stream the last capture batch was: capture_ran_at − capture_newest_at. */
    public Optional<Duration> captureLag() {
        return between(instant("capture_newest_at"), instant("capture_ran_at"));
    }

    /** How far the replayed changes trail the captured ones (stream time): capture_newest_at − replay_newest_at. */
    public Optional<Duration> replayLag() {
        return between(instant("replay_newest_at"), instant("capture_newest_at")).map(d -> d.isNegative() ? Duration.ZERO : d);
    }

    /** Newest first: requested_at, else created_at (a refused session has both). */
    public Instant sortTime() {
        return instant("requested_at").or(() -> instant("created_at")).orElse(Instant.EPOCH);
    }

    private static Optional<Duration> between(Optional<Instant> from, Optional<Instant> to) {
        return from.isPresent() && to.isPresent() ? Optional.of(Duration.between(from.get(), to.get())) : Optional.empty();
    }
}
