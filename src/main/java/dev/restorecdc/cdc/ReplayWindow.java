package dev.restorecdc.cdc;

import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * Which changes belong to the replay: those made at or after {@code from}. Stream timestamps have
 * one-second precision, so the window starts at the beginning of {@code from}'s second: a change
 * stamped in that second is replayed.
 */
public record ReplayWindow(Instant from) {

    private static final ReplayWindow UNBOUNDED = new ReplayWindow(null);

    /** A window that admits every change (no session and no explicit start). */
    public static ReplayWindow unbounded() {
        return UNBOUNDED;
    }

    public static ReplayWindow from(Instant start) {
        return start == null ? UNBOUNDED : new ReplayWindow(start.truncatedTo(ChronoUnit.SECONDS));
    }

    public boolean admits(Instant changeTime) {
        return from == null || !changeTime.isBefore(from);
    }

    @Override
    public String toString() {
        return from == null ? "unbounded" : "from " + from;
    }
}
