package dev.restorecdc.cdc;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

class BackoffTest {

    private final Backoff backoff = new Backoff(Duration.ofMillis(100), Duration.ofSeconds(2));

    @Test
    void eachRetryWaitsBetweenHalfAndAllOfADoublingCeilingCappedAtTheMaximum() {
        for (int i = 0; i < 200; i++) {
            assertThat(backoff.before(1)).isBetween(Duration.ofMillis(50), Duration.ofMillis(100));
            assertThat(backoff.before(3)).isBetween(Duration.ofMillis(200), Duration.ofMillis(400));
            assertThat(backoff.before(40)).isBetween(Duration.ofSeconds(1), Duration.ofSeconds(2));
        }
    }

    @Test
    void aWaitThatWouldPassTheDeadlineIsNotTaken() {
        Deadline nearlyOver = Deadline.after(Duration.ofMillis(10));

        long started = System.nanoTime();
        assertThat(backoff.awaitRetry(5, nearlyOver)).isFalse();
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofMillis(200));
    }
}
