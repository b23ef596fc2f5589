package dev.restorecdc.session;

import com.fasterxml.jackson.databind.JsonNode;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Optional;

/**
 * Reads the restore request from the {@code detail} of the CloudTrail event ("AWS API Call via
 * CloudTrail") that started the session.
 */
public final class RestoreRequestParser {

    /**
     * CloudTrail writes DynamoDB's timestamp parameters the way the service's Java model prints them
     * ("Nov 25, 2026, 12:30:00 PM", UTC); ISO-8601 and epoch seconds are accepted too. When none
     * fits, the restore point comes from the target's RestoreSummary instead.
     */
    private static final DateTimeFormatter CLOUDTRAIL_DATE = new DateTimeFormatterBuilder()
            .parseCaseInsensitive()
            .appendPattern("MMM d, yyyy, h:mm:ss a")
            .toFormatter(Locale.US);

    private RestoreRequestParser() {
    }

    /**
     * @throws IllegalArgumentException when the event is not a successful restore of this source
     *                                  table, naming the field and its value
     */
    public static RestoreRequest parse(JsonNode detail, String sourceTableName, String sourceTableArn) {
        if (detail == null || !detail.isObject()) {
            throw new IllegalArgumentException("event must be the CloudTrail record (the EventBridge event's detail), got "
                    + detail);
        }
        String eventName = detail.path("eventName").asText("");
        if (!"RestoreTableToPointInTime".equals(eventName)) {
            throw new IllegalArgumentException("event.eventName must be RestoreTableToPointInTime, got '" + eventName + "'");
        }
        if (detail.hasNonNull("errorCode")) {
            throw new IllegalArgumentException("event.errorCode is " + detail.get("errorCode")
                    + ": the restore call failed, there is nothing to follow");
        }
        JsonNode params = detail.path("requestParameters");
        String sourceName = params.path("sourceTableName").asText(null);
        String sourceArn = params.path("sourceTableArn").asText(null);
        boolean thisTable = sourceTableName.equals(sourceName) || sourceTableArn.equals(sourceName)
                || sourceTableArn.equals(sourceArn);
        if (!thisTable) {
            throw new IllegalArgumentException("event.requestParameters names source table "
                    + (sourceName != null ? sourceName : sourceArn) + ", not " + sourceTableName);
        }
        String target = params.path("targetTableName").asText(null);
        if (target == null || target.isBlank()) {
            throw new IllegalArgumentException("event.requestParameters.targetTableName is missing");
        }
        Instant requestedAt = parseIso(detail.path("eventTime"), "event.eventTime");
        boolean latest = params.path("useLatestRestorableTime").asBoolean(false);
        Optional<Instant> restorePoint = latest ? Optional.empty() : parseLenient(params.get("restoreDateTime"));
        return new RestoreRequest(detail.path("eventID").asText(null), requestedAt, target, latest, restorePoint);
    }

    private static Instant parseIso(JsonNode value, String field) {
        try {
            return Instant.parse(value.asText());
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException(field + " must be an ISO-8601 instant, got " + value);
        }
    }

    static Optional<Instant> parseLenient(JsonNode value) {
        if (value == null || value.isNull()) {
            return Optional.empty();
        }
        if (value.isNumber()) {
            return Optional.of(epochSeconds(value.decimalValue()));
        }
        String text = value.asText().trim();
        try {
            return Optional.of(Instant.parse(text));
        } catch (DateTimeParseException notIso) {
            // next format
        }
        try {
            return Optional.of(LocalDateTime.parse(text, CLOUDTRAIL_DATE).toInstant(ZoneOffset.UTC));
        } catch (DateTimeParseException notCloudTrail) {
            // next format
        }
        try {
            return Optional.of(epochSeconds(new BigDecimal(text)));
        } catch (NumberFormatException notEpoch) {
            return Optional.empty();
        }
    }

    private static Instant epochSeconds(BigDecimal seconds) {
        long whole = seconds.longValue();
        long nanos = seconds.subtract(BigDecimal.valueOf(whole)).movePointRight(9).longValue();
        return Instant.ofEpochSecond(whole, nanos);
    }
}
