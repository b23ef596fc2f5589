package dev.restorecdc.cdc;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;

/**
 * Instants as the control table stores them: ISO-8601 UTC with exactly three fraction digits, so
 * that string order is time order (a plain {@link Instant#toString()} drops zero fractions, and
 * "…:00Z" would sort after "…:00.500Z").
 */
public final class Timestamps {

    private static final DateTimeFormatter FIXED = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'")
            .withZone(ZoneOffset.UTC);

    private Timestamps() {
    }

    /** The stored form: {@code 2026-11-30T12:00:07.000Z}. */
    public static String format(Instant instant) {
        return FIXED.format(instant);
    }

    /**
     * Reads a stored instant: the fixed form, or any ISO-8601 UTC instant (older session items were
     * written with {@link Instant#toString()}, which drops zero fractions).
     *
     * @throws IllegalArgumentException naming the field and the value when it is not an ISO-8601 instant
     */
    public static Instant parse(String field, String text) {
        try {
            return Instant.parse(text);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException(field + " must be an ISO-8601 instant such as 2026-11-30T12:00:07.000Z, got '"
                    + text + "'", e);
        }
    }
}
