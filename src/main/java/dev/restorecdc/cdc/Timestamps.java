package dev.restorecdc.cdc;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

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

    public static String format(Instant instant) {
        return FIXED.format(instant);
    }
}
