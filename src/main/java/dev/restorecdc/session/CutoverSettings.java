package dev.restorecdc.session;

import com.fasterxml.jackson.databind.JsonNode;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

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

    public static CutoverSettings from(Map<String, AttributeValue> stored) {
        return new CutoverSettings(Integer.parseInt(stored.get("cutover_quiet_reads").n()),
                Duration.ofSeconds(Long.parseLong(stored.get("cutover_quiet_seconds").n())),
                Duration.ofSeconds(Long.parseLong(stored.get("cutover_queue_settle_seconds").n())),
                Duration.ofSeconds(Long.parseLong(stored.get("cutover_queue_reading_interval_seconds").n())),
                Duration.ofSeconds(Long.parseLong(stored.get("cutover_poll_seconds").n())));
    }

    public AttributeValue toAttribute() {
        Map<String, AttributeValue> m = new LinkedHashMap<>();
        m.put("cutover_quiet_reads", AttributeValue.fromN(Integer.toString(quietReads)));
        m.put("cutover_quiet_seconds", AttributeValue.fromN(Long.toString(quiet.toSeconds())));
        m.put("cutover_queue_settle_seconds", AttributeValue.fromN(Long.toString(queueSettle.toSeconds())));
        m.put("cutover_queue_reading_interval_seconds", AttributeValue.fromN(Long.toString(queueReadingInterval.toSeconds())));
        m.put("cutover_poll_seconds", AttributeValue.fromN(Long.toString(poll.toSeconds())));
        return AttributeValue.fromM(m);
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
