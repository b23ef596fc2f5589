package dev.restorecdc.session;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.databind.JsonNode;

import java.time.Duration;

/**
 * The state machine's {@code $.config} (the {@code Configuration} state's result, rendered by
 * Terraform or the local deployment from the same values). Every workflow action receives it.
 */
public record SessionConfig(
        String sourceTableName,
        String sourceTableArn,
        String controlTableName,
        String queueUrl,
        String dlqUrl,
        String captureMappingUuid,
        String replayMappingUuid,
        String workflowFunctionArn,
        String snsTopicArn,
        String eventBusName,
        ReplayFromMode replayFromMode,
        TargetTablePattern targetTablePattern,
        CopySettings copySettings,
        Duration restorePoll,
        Duration restoreTimeout,
        Duration caughtUpPoll,
        int caughtUpBacklog,
        Duration caughtUpLag,
        Duration maxSession,
        Duration drainPoll,
        ReplaySemanticsMode replaySemanticsMode,
        CutoverSettings cutover) {

    /** @throws IllegalArgumentException naming the missing or bad key and its value */
    @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
    public static SessionConfig from(JsonNode config) {
        if (config == null || !config.isObject()) {
            throw new IllegalArgumentException("config must be an object, got " + config);
        }
        JsonNode copy = config.path("copy_settings");
        if (!copy.isObject()) {
            throw new IllegalArgumentException("config.copy_settings must be an object, got " + copy);
        }
        return new SessionConfig(
                text(config, "source_table_name"),
                text(config, "source_table_arn"),
                text(config, "control_table_name"),
                text(config, "queue_url"),
                text(config, "dlq_url"),
                text(config, "capture_mapping_uuid"),
                text(config, "replay_mapping_uuid"),
                text(config, "workflow_function_arn"),
                text(config, "sns_topic_arn"),
                text(config, "event_bus_name"),
                ReplayFromMode.parse(text(config, "replay_from_mode")),
                new TargetTablePattern(text(config, "target_table_pattern")),
                new CopySettings(
                        flag(copy, "stream"),
                        flag(copy, "ttl"),
                        flag(copy, "pitr"),
                        flag(copy, "tags"),
                        flag(copy, "deletion_protection"),
                        flag(copy, "autoscaling"),
                        flag(copy, "resource_policy")),
                Duration.ofSeconds(positive(config, "restore_poll_seconds")),
                Duration.ofSeconds(positive(config, "restore_timeout_seconds")),
                Duration.ofSeconds(positive(config, "caught_up_poll_seconds")),
                (int) nonNegative(config, "caught_up_backlog"),
                Duration.ofSeconds(positive(config, "caught_up_lag_seconds")),
                Duration.ofSeconds(positive(config, "max_session_seconds")),
                Duration.ofSeconds(positive(config, "drain_poll_seconds")),
                // A state machine rendered before the setting existed has no key: auto, what it then did for copies.
                config.has("replay_semantics") ? ReplaySemanticsMode.parse(text(config, "replay_semantics"))
                        : ReplaySemanticsMode.AUTO,
                CutoverSettings.from(config));
    }

    private static String text(JsonNode config, String key) {
        JsonNode value = config.get(key);
        if (value == null || !value.isTextual() || value.asText().isBlank()) {
            throw new IllegalArgumentException("config." + key + " must be a non-empty string, got " + value);
        }
        return value.asText();
    }

    private static boolean flag(JsonNode copy, String key) {
        JsonNode value = copy.get(key);
        if (value == null || !value.isBoolean()) {
            throw new IllegalArgumentException("config.copy_settings." + key + " must be true or false, got " + value);
        }
        return value.booleanValue();
    }

    private static long positive(JsonNode config, String key) {
        long value = nonNegative(config, key);
        if (value == 0) {
            throw new IllegalArgumentException("config." + key + " must be positive, got 0");
        }
        return value;
    }

    private static long nonNegative(JsonNode config, String key) {
        JsonNode value = config.get(key);
        if (value == null || !value.canConvertToExactIntegral() || value.asLong() < 0) {
            throw new IllegalArgumentException("config." + key + " must be a whole number >= 0, got " + value);
        }
        return value.asLong();
    }
}
