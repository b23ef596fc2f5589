package dev.restorecdc.session;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Optional;

/**
 * The capture floor: changes older than it are dropped at capture. Set at registration, before the
 * restore point of a latest-restorable copy is known, so it must never be later than the replay_from
 * the session settles on later:
 * <ul>
 * <li>restore to an explicit point (undo): the request time;</li>
 * <li>latest-restorable copy: the request time minus 15 minutes (AWS's latest restorable time runs
 * about 5 minutes behind);</li>
 * <li>the deployment forces {@code restore_point} and the point is explicit: that point.</li>
 * </ul>
 * Stream timestamps have whole seconds, so the floor is too (rounded down).
 */
public final class CaptureFloor {

    /** How far before the request a latest-restorable copy's restore point may lie. */
    public static final Duration LATEST_RESTORABLE_MARGIN = Duration.ofMinutes(15);

    private CaptureFloor() {
    }

    /**
     * @param explicitRestorePoint the explicit restore point when the CloudTrail record did not
     *                             carry a readable one (e.g. read from the target's RestoreSummary)
     */
    public static Instant of(RestoreRequest request, ReplayFromMode mode, Optional<Instant> explicitRestorePoint) {
        Instant floor;
        if (request.latestRestorable()) {
            floor = request.requestedAt().minus(LATEST_RESTORABLE_MARGIN);
        } else if (mode == ReplayFromMode.RESTORE_POINT) {
            floor = request.restorePoint().or(() -> explicitRestorePoint).orElseThrow(() -> new SessionRefusedException(
                    "replay_from_mode is restore_point but the restore point of the restore into "
                            + request.targetTable() + " is unknown (no readable restoreDateTime, no RestoreSummary)"));
        } else {
            floor = request.requestedAt();
        }
        return floor.truncatedTo(ChronoUnit.SECONDS);
    }

    /** True when the floor needs an explicit restore point that the CloudTrail record did not carry. */
    public static boolean needsRestorePointLookup(RestoreRequest request, ReplayFromMode mode) {
        return !request.latestRestorable() && mode == ReplayFromMode.RESTORE_POINT && request.restorePoint().isEmpty();
    }
}
