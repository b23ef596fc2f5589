package dev.restorecdc.cdc;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Exponential backoff with "equal jitter" (AWS Architecture Blog, "Exponential Backoff And
 * Jitter"): the n-th retry waits a random time between half and all of min(max, base × 2^(n-1)),
 * so retries of many invocations spread out instead of arriving together. Used for SQS entries
 * that failed transiently (capture) and for throttled or unprocessed writes (replay), always within
 * the invocation's {@link Deadline}.
 *
 * @param base the ceiling of the first retry's wait
 * @param max  the largest ceiling, however many retries came before
 */
public record Backoff(Duration base, Duration max) {

    /** The wait before retry number {@code retry} (1 for the first retry). */
    public Duration before(int retry) {
        long ceiling = Math.min(max.toMillis(), base.toMillis() << Math.min(Math.max(retry - 1, 0), 16));
        return Duration.ofMillis(ThreadLocalRandom.current().nextLong(ceiling / 2, ceiling + 1));
    }

    /**
     * Waits before retry number {@code retry} when the deadline leaves room for the wait.
     *
     * @return false, without waiting, when the wait would pass the deadline (or the thread was interrupted)
     */
    public boolean awaitRetry(int retry, Deadline deadline) {
        Duration wait = before(retry);
        if (!deadline.hasRoomFor(wait)) {
            return false;
        }
        try {
            Thread.sleep(wait.toMillis());
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
