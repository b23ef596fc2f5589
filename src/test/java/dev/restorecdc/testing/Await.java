package dev.restorecdc.testing;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Waits for a condition instead of for a fixed time: polls {@code probe} (every 50 ms at most 20 times
 * a second) until it answers, and fails naming what it waited for and the last answer.
 */
public final class Await {

    private static final Duration POLL = Duration.ofMillis(50);

    private Await() {
    }

    /** The probe's first present value; AssertionError after {@code timeout}. */
    public static <T> T present(String what, Duration timeout, Supplier<Optional<T>> probe) {
        long deadline = System.nanoTime() + timeout.toNanos();
        Optional<T> value = probe.get();
        while (value.isEmpty()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("waited " + timeout.toSeconds() + " s for " + what);
            }
            LockSupport.parkNanos(POLL.toNanos());
            value = probe.get();
        }
        return value.get();
    }

    /** The probe's first value that satisfies {@code done}; AssertionError naming the last value after {@code timeout}. */
    public static <T> T until(String what, Duration timeout, Supplier<T> probe, Predicate<T> done) {
        long deadline = System.nanoTime() + timeout.toNanos();
        T value = probe.get();
        while (!done.test(value)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("waited " + timeout.toSeconds() + " s for " + what + "; last: " + value);
            }
            LockSupport.parkNanos(POLL.toNanos());
            value = probe.get();
        }
        return value;
    }
}
