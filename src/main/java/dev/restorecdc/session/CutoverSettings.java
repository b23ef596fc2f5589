package dev.restorecdc.session;

import com.fasterxml.jackson.databind.JsonNode;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The cutover's waits (config/deployment-defaults.json "session", rendered into the state machine's
 * configuration). The workflow stores them in the session record when it starts waiting for the
 * operator, so {@code restore-cdc cutover} proves with the deployment's own values.
 *
 * @param quietReads            K: consecutive reads of an open shard from capture's position that return nothing new
 * @param quiet                 S: over how long those K reads are spread (at most one read per second per shard)
 * @param queueSettle           how long after capture's last send the first queue reading may be taken
 *                              (SQS's approximate counts settle within about a minute)
 * @param queueReadingInterval  time between the three queue readings
 * @param poll                  how often the command re-checks and shows progress
 */
public record CutoverSettings(int quietReads, Duration quiet, Duration queueSettle, Duration queueReadingInterval, Duration poll) {

    /** Three readings, all zero, for the queue to count as empty. */
    public static final int QUEUE_READINGS = 3;

    public CutoverSettings {
        if (quietReads < 1) {
            throw new IllegalArgumentException("cutover_quiet_reads must be >= 1, got " + quietReads);
        }
        if (quiet.toSeconds() < quietReads) {
            throw new IllegalArgumentException("cutover_quiet_seconds (" + quiet.toSeconds() + ") must be >= cutover_quiet_reads ("
                    + quietReads + "): at most one stream read per second per shard");
        }
    }

    /** Time between two reads of one shard: S / K, at least one second. */
    public Duration readInterval() {
        return Duration.ofMillis(Math.max(1000, quiet.toMillis() / quietReads));
    }

    public static CutoverSettings from(JsonNode config) {
        return new CutoverSettings(whole(config, "cutover_quiet_reads"), seconds(config, "cutover_quiet_seconds"),
                seconds(config, "cutover_queue_settle_seconds"), seconds(config, "cutover_queue_reading_interval_seconds"),
                seconds(config, "cutover_poll_seconds"));
    }

    /** From the session record's {@code cutover_settings} (plain values: numbers). */
    public static CutoverSettings from(Map<String, ?> stored) {
        return new CutoverSettings(number(stored, "cutover_quiet_reads"),
                Duration.ofSeconds(number(stored, "cutover_quiet_seconds")),
                Duration.ofSeconds(number(stored, "cutover_queue_settle_seconds")),
                Duration.ofSeconds(number(stored, "cutover_queue_reading_interval_seconds")),
                Duration.ofSeconds(number(stored, "cutover_poll_seconds")));
    }

    /** As stored in the session record. */
    public Map<String, Object> toValues() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("cutover_quiet_reads", (long) quietReads);
        m.put("cutover_quiet_seconds", quiet.toSeconds());
        m.put("cutover_queue_settle_seconds", queueSettle.toSeconds());
        m.put("cutover_queue_reading_interval_seconds", queueReadingInterval.toSeconds());
        m.put("cutover_poll_seconds", poll.toSeconds());
        return m;
    }

    private static int number(Map<String, ?> stored, String key) {
        Object value = stored.get(key);
        if (!(value instanceof Number n)) {
            throw new IllegalArgumentException("cutover_settings." + key + " must be a number, got " + value);
        }
        return n.intValue();
    }

    private static int whole(JsonNode config, String key) {
        JsonNode value = config == null ? null : config.get(key);
        if (value == null || !value.canConvertToExactIntegral() || value.asLong() < 1) {
            throw new IllegalArgumentException("config." + key + " must be a whole number >= 1, got " + value);
        }
        return value.asInt();
    }

    private static Duration seconds(JsonNode config, String key) {
        return Duration.ofSeconds(whole(config, key));
    }
}
