package dev.restorecdc.session;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ReplayFromRuleTest {

    static final Instant REQUESTED = Instant.parse("2026-11-25T13:00:05Z");
    static final Instant EXPLICIT_POINT = Instant.parse("2026-11-25T12:30:00Z");
    static final Instant LATEST_POINT = Instant.parse("2026-11-25T12:55:02.487Z");

    static RestoreRequest latestCopy() {
        return new RestoreRequest("e1", REQUESTED, "orders-copy", true, Optional.empty());
    }

    static RestoreRequest undo() {
        return new RestoreRequest("e2", REQUESTED, "orders-undo", false, Optional.of(EXPLICIT_POINT));
    }

    @Test
    void latestRestorableCopyReplaysFromTheRestorePointOfTheTarget() {
        ReplayFrom from = ReplayFromRule.settle(latestCopy(), ReplayFromMode.AUTO, Optional.of(LATEST_POINT));

        assertThat(from.instant()).isEqualTo(LATEST_POINT);
        assertThat(from.rule()).isEqualTo("auto:restore_point");
    }

    @Test
    void restoreToAnExplicitPointReplaysFromTheRequestTimeSoUndoneWritesStayUndone() {
        ReplayFrom from = ReplayFromRule.settle(undo(), ReplayFromMode.AUTO, Optional.of(EXPLICIT_POINT));

        assertThat(from.instant()).isEqualTo(REQUESTED);
        assertThat(from.rule()).isEqualTo("auto:restore_requested");
    }

    @Test
    void forcedRestorePointReplaysAnUndoFromTheExplicitPoint() {
        ReplayFrom from = ReplayFromRule.settle(undo(), ReplayFromMode.RESTORE_POINT, Optional.of(EXPLICIT_POINT));

        assertThat(from.instant()).isEqualTo(EXPLICIT_POINT);
        assertThat(from.rule()).isEqualTo("restore_point");
    }

    @Test
    void forcedRestoreRequestedReplaysACopyFromTheRequestTime() {
        ReplayFrom from = ReplayFromRule.settle(latestCopy(), ReplayFromMode.RESTORE_REQUESTED, Optional.of(LATEST_POINT));

        assertThat(from.instant()).isEqualTo(REQUESTED);
        assertThat(from.rule()).isEqualTo("restore_requested");
    }

    @Test
    void restoreSummaryWinsOverTheCloudTrailRestorePoint() {
        Instant summary = EXPLICIT_POINT.plusMillis(1);

        assertThat(ReplayFromRule.settle(undo(), ReplayFromMode.RESTORE_POINT, Optional.of(summary)).instant()).isEqualTo(summary);
    }

    @Test
    void copyWithoutRestoreSummaryIsRefusedNamingTheTarget() {
        assertThatThrownBy(() -> ReplayFromRule.settle(latestCopy(), ReplayFromMode.AUTO, Optional.empty()))
                .isInstanceOf(SessionRefusedException.class)
                .hasMessageContaining("orders-copy")
                .hasMessageContaining("RestoreSummary.RestoreDateTime");
    }

    @Test
    void windowIncludesTheWholeSecondOfReplayFrom() {
        ReplayFrom from = new ReplayFrom(LATEST_POINT, "auto:restore_point");

        assertThat(from.windowStart()).isEqualTo(Instant.parse("2026-11-25T12:55:02Z"));
    }
}
