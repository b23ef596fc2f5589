package dev.restorecdc.session;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

class CaughtUpCheckTest {

    static final Instant NOW = Instant.parse("2026-11-25T14:00:00Z");
    static final Instant ENABLED = NOW.minus(Duration.ofMinutes(30));
    final CaughtUpCheck check = new CaughtUpCheck(10, Duration.ofSeconds(60));

    static CaughtUpCheck.Figures figures(long visible, long inFlight, Duration lag, String lastResult) {
        Instant ran = NOW.minusSeconds(5);
        return new CaughtUpCheck.Figures(visible, inFlight, Optional.of(ran.minus(lag)), Optional.of(ran), "Enabled",
                Optional.ofNullable(lastResult), ENABLED, NOW);
    }

    @Test
    void oneGoodCheckIsNotEnoughTwoInARowAre() {
        CaughtUpCheck.Verdict first = check.evaluate(figures(3, 2, Duration.ofSeconds(4), "OK"), 0);
        CaughtUpCheck.Verdict second = check.evaluate(figures(0, 0, Duration.ofSeconds(1), "OK"), first.consecutive());

        assertThat(first.ready()).isFalse();
        assertThat(first.consecutive()).isEqualTo(1);
        assertThat(second.ready()).isTrue();
        assertThat(second.unmet()).isEmpty();
    }

    @Test
    void aBadCheckResetsTheRun() {
        CaughtUpCheck.Verdict verdict = check.evaluate(figures(8, 3, Duration.ofSeconds(1), "OK"), 1);

        assertThat(verdict.consecutive()).isZero();
        assertThat(verdict.unmet()).containsExactly("queue backlog 11 > caught_up_backlog 10");
    }

    @Test
    void backlogAtTheThresholdPasses() {
        assertThat(check.evaluate(figures(10, 0, Duration.ZERO, null), 0).unmet()).isEmpty();
    }

    @Test
    void captureLagAtTheThresholdFails() {
        assertThat(check.evaluate(figures(0, 0, Duration.ofSeconds(60), "OK"), 1).unmet())
                .containsExactly("capture lag 60 s >= caught_up_lag_seconds 60");
    }

    @Test
    void aProcessingProblemOfTheCaptureMappingFails() {
        CaughtUpCheck.Verdict verdict = check.evaluate(figures(0, 0, Duration.ZERO, "PROBLEM: Function call failed"), 1);

        assertThat(verdict.ready()).isFalse();
        assertThat(verdict.unmet()).containsExactly("capture mapping reports PROBLEM: Function call failed");
    }

    @Test
    void aCaptureMappingThatIsNotEnabledFails() {
        CaughtUpCheck.Figures f = new CaughtUpCheck.Figures(0, 0, Optional.empty(), Optional.empty(), "Disabled",
                Optional.empty(), ENABLED, NOW);

        assertThat(check.evaluate(f, 0).unmet()).containsExactly("capture mapping is Disabled, not Enabled");
    }

    @Test
    void captureThatNeverRanPassesOnlyOnceTheMappingHadTimeToStart() {
        CaughtUpCheck.Figures justEnabled = new CaughtUpCheck.Figures(0, 0, Optional.empty(), Optional.empty(), "Enabled",
                Optional.empty(), NOW.minusSeconds(20), NOW);
        CaughtUpCheck.Figures quietTable = new CaughtUpCheck.Figures(0, 0, Optional.empty(), Optional.empty(), "Enabled",
                Optional.of("No records processed"), ENABLED, NOW);

        assertThat(check.evaluate(justEnabled, 0).unmet()).hasSize(1);
        assertThat(check.evaluate(quietTable, 0).unmet()).isEmpty();
        assertThat(check.evaluate(quietTable, 0).figures()).containsEntry("capture_lag_seconds", null);
    }

    @Test
    void figuresRecordWhatWasSeen() {
        CaughtUpCheck.Verdict verdict = check.evaluate(figures(4, 1, Duration.ofSeconds(7), "OK"), 0);

        assertThat(verdict.figures()).containsEntry("queue_visible", 4L).containsEntry("queue_in_flight", 1L)
                .containsEntry("capture_lag_seconds", 7L).containsEntry("last_processing_result", "OK")
                .containsEntry("checked_at", NOW.toString()).containsEntry("consecutive", 1);
    }
}
