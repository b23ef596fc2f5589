package dev.restorecdc.session;

import com.fasterxml.jackson.databind.JsonNode;
import dev.restorecdc.cdc.TableRefs;

import java.math.BigDecimal;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;
import java.time.format.ResolverStyle;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Reads the restore request from the {@code detail} of the CloudTrail event ("AWS API Call via
 * CloudTrail") that started the session.
 */
public final class RestoreRequestParser {

    /**
     * CloudTrail writes DynamoDB's timestamp parameters the way the service's Java model prints them,
     * in UTC, and that form depends on the JDK: "Nov 25, 2026, 12:30:00 PM", "Nov 25, 2026 9:00:00 AM"
     * (no comma after the year) and, from JDK 20's CLDR data on, a narrow no-break space (U+202F)
     * before AM/PM. Spaces are normalised first, the comma is optional, and an impossible date
     * (Nov 31) is refused rather than moved. ISO-8601 and epoch seconds are accepted too. When none
     * fits, the restore point comes from the target's RestoreSummary instead.
     */
    private static final DateTimeFormatter CLOUDTRAIL_DATE = new DateTimeFormatterBuilder()
            .parseCaseInsensitive()
            .appendPattern("MMM d, uuuu[,] h:mm:ss a")
            .toFormatter(Locale.US)
            .withResolverStyle(ResolverStyle.STRICT);
    private static final Pattern SPACES = Pattern.compile("[\\s\\u00A0\\u2007\\u202F]+");

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
        Optional<String> region = region(detail);
        // In another region a bare name is another table (that region's table of the same name): a
        // restore across regions names its source by ARN (AWS accepts no other form there).
        boolean elsewhere = region.isPresent() && TableRefs.regionOf(sourceTableArn).filter(region.get()::equals).isEmpty();
        boolean thisTable = (!elsewhere && sourceTableName.equals(sourceName)) || sourceTableArn.equals(sourceName)
                || sourceTableArn.equals(sourceArn);
        if (!thisTable) {
            throw new IllegalArgumentException("event.requestParameters names source table "
                    + (sourceName != null ? sourceName : sourceArn) + region.map(r -> " in " + r).orElse("") + ", not "
                    + (elsewhere ? sourceTableArn : sourceTableName));
        }
        String target = params.path("targetTableName").asText(null);
        if (target == null || target.isBlank()) {
            throw new IllegalArgumentException("event.requestParameters.targetTableName is missing");
        }
        Instant requestedAt = parseIso(detail.path("eventTime"), "event.eventTime");
        boolean latest = params.path("useLatestRestorableTime").asBoolean(false);
        Optional<Instant> restorePoint = latest ? Optional.empty() : parseLenient(params.get("restoreDateTime"));
        return new RestoreRequest(detail.path("eventID").asText(null), requestedAt, target, latest, restorePoint, region);
    }

    /**
     * The region the restore was called in, where DynamoDB creates the table: CloudTrail's
     * {@code awsRegion}, else the region of the new table's ARN in the response.
     */
    private static Optional<String> region(JsonNode detail) {
        String awsRegion = detail.path("awsRegion").asText("");
        if (!awsRegion.isBlank()) {
            return Optional.of(awsRegion);
        }
        return TableRefs.regionOf(detail.path("responseElements").path("tableDescription").path("tableArn").asText(null));
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
            try {
                return Optional.of(epochSeconds(value.decimalValue()));
            } catch (ArithmeticException | DateTimeException outOfRange) {
                return Optional.empty(); // unreadable: never fails the session (the RestoreSummary is asked instead)
            }
        }
        String text = value.asText().trim();
        try {
            return Optional.of(Instant.parse(text));
        } catch (DateTimeParseException notIso) {
            // next format
        }
        try {
            String spaced = SPACES.matcher(text).replaceAll(" ");
            return Optional.of(LocalDateTime.parse(spaced, CLOUDTRAIL_DATE).toInstant(ZoneOffset.UTC));
        } catch (DateTimeParseException notCloudTrail) {
            // next format
        }
        try {
            return Optional.of(epochSeconds(new BigDecimal(text)));
        } catch (NumberFormatException | ArithmeticException | DateTimeException notEpoch) {
            return Optional.empty();
        }
    }

    private static Instant epochSeconds(BigDecimal seconds) {
        long whole = seconds.setScale(0, java.math.RoundingMode.FLOOR).longValueExact(); // beyond long: ArithmeticException, not a wrapped value
        long nanos = seconds.subtract(BigDecimal.valueOf(whole)).movePointRight(9).longValue();
        return Instant.ofEpochSecond(whole, nanos);
    }
}
