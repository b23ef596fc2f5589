package dev.restorecdc.cdc;

import org.junit.jupiter.api.Test;

import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

class ReplayWindowTest {

    @Test
    void windowIncludesTheWholeSecondOfItsStart() {
        ReplayWindow window = ReplayWindow.from(Instant.parse("2026-11-25T10:00:05.900Z"));

        assertThat(window.admits(Instant.parse("2026-11-25T10:00:05Z"))).isTrue();
        assertThat(window.admits(Instant.parse("2026-11-25T10:00:04.999Z"))).isFalse();
        assertThat(window.admits(Instant.parse("2026-11-25T10:00:06Z"))).isTrue();
    }

    @Test
    void unboundedWindowAdmitsEverything() {
        assertThat(ReplayWindow.from(null).admits(Instant.EPOCH)).isTrue();
    }
}
