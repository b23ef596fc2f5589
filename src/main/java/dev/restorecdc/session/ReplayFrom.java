package dev.restorecdc.session;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Objects;

/**
 * The settled start of the replay window and the rule that chose it.
 *
 * @param instant the exact instant (RestoreDateTime may carry milliseconds)
 * @param rule    {@code [auto:]restore_point} or {@code [auto:]restore_requested}, stored as
 *                {@code replay_from_rule}
 */
public record ReplayFrom(Instant instant, String rule) {

    public ReplayFrom {
        Objects.requireNonNull(instant, "instant");
        Objects.requireNonNull(rule, "rule");
    }

    /**
     * Stream timestamps have one-second precision, so the window includes the whole second of
     * replay_from: a change stamped 12:00:07 belongs to a window starting at 12:00:07.400.
     */
    public Instant windowStart() {
        return instant.truncatedTo(ChronoUnit.SECONDS);
    }
}
