package dev.restorecdc.cdc;

import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

class CounterBufferTest {

    private final AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2026-11-25T10:00:00Z"));
    private final Clock clock = new Clock() {
        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now.get();
        }
    };
    private final CounterBuffer<Integer> buffer = new CounterBuffer<>(Duration.ofSeconds(1), Integer::sum, clock);

    private static ActiveSession session(String id) {
        return new ActiveSession(id, "REPLAYING", Optional.of("t"), Optional.empty(), Optional.empty());
    }

    @Test
    void theFirstTallyIsDueAtOnceThenTheSumOncePerInterval() {
        assertThat(buffer.add(session("s"), 1)).extracting(CounterBuffer.Due::tally).containsExactly(1);
        now.set(now.get().plusMillis(500));
        assertThat(buffer.add(session("s"), 2)).isEmpty();
        now.set(now.get().plusMillis(499));
        assertThat(buffer.add(session("s"), 3)).isEmpty();
        now.set(now.get().plusMillis(1));
        assertThat(buffer.add(session("s"), 4)).extracting(CounterBuffer.Due::tally).containsExactly(9);
    }

    @Test
    void anotherSessionHandsThePreviousOnesCountsOutAtOnce() {
        buffer.add(session("s1"), 1);
        now.set(now.get().plusMillis(100));
        buffer.add(session("s1"), 2);
        now.set(now.get().plusMillis(100));

        assertThat(buffer.add(session("s2"), 5)).extracting(due -> due.session().sessionId() + "=" + due.tally())
                .containsExactly("s1=2", "s2=5");
    }
}
