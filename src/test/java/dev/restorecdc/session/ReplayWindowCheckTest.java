package dev.restorecdc.session;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ReplayWindowCheckTest {

    static final Instant FLOOR = Instant.parse("2026-11-25T12:45:05Z");
    static final Instant NOW = Instant.parse("2026-11-25T13:10:00Z");
    static final ReplayFrom FROM = new ReplayFrom(Instant.parse("2026-11-25T12:55:02.487Z"), "auto:restore_point");

    @Test
    void windowAfterFloorAndAfterThePreviousCaptureEndIsComplete() {
        assertThatCode(() -> ReplayWindowCheck.requireComplete(FROM, FLOOR,
                Optional.of(Instant.parse("2026-11-25T12:55:01.999Z")), NOW)).doesNotThrowAnyException();
    }

    @Test
    void replayFromBeforeThePreviousSessionsCaptureEndIsRefused() {
        assertThatThrownBy(() -> ReplayWindowCheck.requireComplete(FROM, FLOOR,
                Optional.of(Instant.parse("2026-11-25T12:58:00Z")), NOW))
                .isInstanceOf(SessionRefusedException.class)
                .hasMessageContaining("previous session's capture end 2026-11-25T12:58:00Z");
    }

    @Test
    void previousCaptureEndInTheSameSecondAsTheWindowStartIsRefused() {
        // Stream times have whole seconds: part of 12:55:02 may have been read by the previous session.
        assertThatThrownBy(() -> ReplayWindowCheck.requireComplete(FROM, FLOOR,
                Optional.of(Instant.parse("2026-11-25T12:55:02.100Z")), NOW))
                .isInstanceOf(SessionRefusedException.class);
    }

    @Test
    void replayFromBeforeTheCaptureFloorIsRefused() {
        assertThatThrownBy(() -> ReplayWindowCheck.requireComplete(FROM, Instant.parse("2026-11-25T12:56:00Z"),
                Optional.empty(), NOW))
                .isInstanceOf(SessionRefusedException.class)
                .hasMessageContaining("capture floor 2026-11-25T12:56:00Z");
    }

    @Test
    void replayFromTheSameSecondAsTheFloorIsComplete() {
        assertThatCode(() -> ReplayWindowCheck.requireComplete(FROM, Instant.parse("2026-11-25T12:55:02Z"),
                Optional.empty(), NOW)).doesNotThrowAnyException();
    }

    @Test
    void replayFromOlderThanTheStreamRetentionIsRefused() {
        assertThatThrownBy(() -> ReplayWindowCheck.requireComplete(FROM, Instant.EPOCH, Optional.empty(),
                FROM.instant().plus(Duration.ofHours(25))))
                .isInstanceOf(SessionRefusedException.class)
                .hasMessageContaining("24 hours");
    }
}
