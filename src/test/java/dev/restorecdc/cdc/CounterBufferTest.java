package dev.restorecdc.cdc;

import dev.restorecdc.testing.ManualClock;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

class CounterBufferTest {

    private final ManualClock clock = new ManualClock(Instant.parse("2026-11-25T10:00:00Z"));
    private final CounterBuffer<Integer> buffer = new CounterBuffer<>(Duration.ofSeconds(1), Integer::sum, clock);

    private static ActiveSession session(String id) {
        return new ActiveSession(id, "REPLAYING", Optional.of("t"), Optional.empty(), Optional.empty());
    }

    @Test
    void theFirstTallyIsDueAtOnceThenTheSumOncePerInterval() {
        assertThat(buffer.add(session("s"), 1)).extracting(CounterBuffer.Due::tally).containsExactly(1);
        clock.advance(Duration.ofMillis(500));
        assertThat(buffer.add(session("s"), 2)).isEmpty();
        clock.advance(Duration.ofMillis(499));
        assertThat(buffer.add(session("s"), 3)).isEmpty();
        clock.advance(Duration.ofMillis(1));
        assertThat(buffer.add(session("s"), 4)).extracting(CounterBuffer.Due::tally).containsExactly(9);
    }

    @Test
    void anotherSessionHandsThePreviousOnesCountsOutAtOnce() {
        buffer.add(session("s1"), 1);
        clock.advance(Duration.ofMillis(100));
        buffer.add(session("s1"), 2);
        clock.advance(Duration.ofMillis(100));

        assertThat(buffer.add(session("s2"), 5)).extracting(due -> due.session().sessionId() + "=" + due.tally())
                .containsExactly("s1=2", "s2=5");
    }
}
