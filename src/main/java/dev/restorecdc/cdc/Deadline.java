package dev.restorecdc.cdc;

import java.time.Duration;

/** The time an invocation may still spend on retries before it must answer Lambda. */
public final class Deadline {

    private final long endNanos;

    private Deadline(long endNanos) {
        this.endNanos = endNanos;
    }

    /** Lambda's longest timeout; a larger "remaining time" means the runtime gave no deadline. */
    private static final long MAX_LAMBDA_MILLIS = Duration.ofMinutes(15).toMillis();

    /**
     * The invocation's remaining time less a reserve for recording counters and answering:
     * a tenth of it, at least 1 s and at most 5 s. Runtimes that send no deadline header (Quarkus'
     * mock event server) report nonsense here; then {@code withoutDeadline} is the budget.
     */
    public static Deadline fromRemaining(long remainingMillis, Duration withoutDeadline) {
        if (remainingMillis <= 0 || remainingMillis > MAX_LAMBDA_MILLIS) {
            return after(withoutDeadline);
        }
        long reserve = Math.max(1_000, Math.min(5_000, remainingMillis / 10));
        return after(Duration.ofMillis(Math.max(0, remainingMillis - reserve)));
    }

    public static Deadline after(Duration budget) {
        return new Deadline(System.nanoTime() + budget.toNanos());
    }

    public Duration remaining() {
        return Duration.ofNanos(Math.max(0, endNanos - System.nanoTime()));
    }

    public boolean hasRoomFor(Duration wait) {
        return remaining().compareTo(wait) > 0;
    }
}
