package dev.restorecdc.session;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.Optional;

import static dev.restorecdc.session.ReplayFromRuleTest.EXPLICIT_POINT;
import static dev.restorecdc.session.ReplayFromRuleTest.LATEST_POINT;
import static dev.restorecdc.session.ReplayFromRuleTest.REQUESTED;
import static dev.restorecdc.session.ReplayFromRuleTest.latestCopy;
import static dev.restorecdc.session.ReplayFromRuleTest.undo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CaptureFloorTest {

    @Test
    void undoCapturesFromTheRequestTime() {
        assertThat(CaptureFloor.of(undo(), ReplayFromMode.AUTO, Optional.empty())).isEqualTo(REQUESTED);
    }

    @Test
    void latestRestorableCopyCapturesFromFifteenMinutesBeforeTheRequest() {
        assertThat(CaptureFloor.of(latestCopy(), ReplayFromMode.AUTO, Optional.empty()))
                .isEqualTo(Instant.parse("2026-11-25T12:45:05Z"));
    }

    @Test
    void forcedRestorePointCapturesFromTheExplicitPoint() {
        assertThat(CaptureFloor.of(undo(), ReplayFromMode.RESTORE_POINT, Optional.empty())).isEqualTo(EXPLICIT_POINT);
    }

    @Test
    void forcedRestorePointUsesTheLookedUpPointWhenCloudTrailHadNone() {
        RestoreRequest unreadable = new RestoreRequest("e", REQUESTED, "orders-undo", false, Optional.empty());

        assertThat(CaptureFloor.needsRestorePointLookup(unreadable, ReplayFromMode.RESTORE_POINT)).isTrue();
        assertThat(CaptureFloor.of(unreadable, ReplayFromMode.RESTORE_POINT, Optional.of(EXPLICIT_POINT))).isEqualTo(EXPLICIT_POINT);
        assertThatThrownBy(() -> CaptureFloor.of(unreadable, ReplayFromMode.RESTORE_POINT, Optional.empty()))
                .isInstanceOf(SessionRefusedException.class).hasMessageContaining("restore point");
    }

    @Test
    void floorIsNeverLaterThanTheReplayFromItLeadsTo() {
        for (ReplayFromMode mode : ReplayFromMode.values()) {
            for (RestoreRequest request : new RestoreRequest[] {undo(), latestCopy()}) {
                Instant point = request.latestRestorable() ? LATEST_POINT : EXPLICIT_POINT;
                Instant floor = CaptureFloor.of(request, mode, Optional.empty());
                ReplayFrom from = ReplayFromRule.settle(request, mode, Optional.of(point));
                assertThat(floor).as("%s %s", mode, request.targetTable()).isBeforeOrEqualTo(from.windowStart());
            }
        }
    }

    @Test
    void floorHasWholeSecondsLikeStreamTimestamps() {
        RestoreRequest request = new RestoreRequest("e", Instant.parse("2026-11-25T13:00:05.900Z"), "t", false, Optional.empty());

        assertThat(CaptureFloor.of(request, ReplayFromMode.AUTO, Optional.empty())).isEqualTo(REQUESTED);
    }
}
