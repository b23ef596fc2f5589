package dev.restorecdc.session;

import java.time.Instant;
import java.util.Optional;

/**
 * Where replay starts (DESIGN.md, Replay): a latest-restorable copy must lose nothing, so it replays
 * from the restore point T ({@code RestoreSummary.RestoreDateTime} of the target); a restore to an
 * explicit point undoes bad writes, so it replays only what was written after the restore was
 * requested (CloudTrail {@code eventTime}) and the writes it undoes are not re-applied. The
 * deployment may force either rule.
 */
public final class ReplayFromRule {

    private ReplayFromRule() {
    }

    /**
     * @param restoreDateTime the target's {@code RestoreSummary.RestoreDateTime}, once the table exists
     */
    public static ReplayFrom settle(RestoreRequest request, ReplayFromMode mode, Optional<Instant> restoreDateTime) {
        return switch (mode) {
            case RESTORE_REQUESTED -> new ReplayFrom(request.requestedAt(), "restore_requested");
            case RESTORE_POINT -> new ReplayFrom(restorePoint(request, restoreDateTime), "restore_point");
            case AUTO -> request.latestRestorable()
                    ? new ReplayFrom(restorePoint(request, restoreDateTime), "auto:restore_point")
                    : new ReplayFrom(request.requestedAt(), "auto:restore_requested");
        };
    }

    private static Instant restorePoint(RestoreRequest request, Optional<Instant> restoreDateTime) {
        return restoreDateTime.or(request::restorePoint).orElseThrow(() -> new SessionRefusedException(
                "the restored table " + request.targetTable()
                        + " has no RestoreSummary.RestoreDateTime, so the restore point (replay_from) is unknown"));
    }
}
