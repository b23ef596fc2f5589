package dev.restorecdc.session;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Optional;

/**
 * Refuses a replay window whose history is incomplete, instead of replaying part of it:
 * <ul>
 * <li>changes before the capture floor were dropped at capture;</li>
 * <li>a re-enabled capture mapping resumes where the previous session stopped, so changes up to the
 * previous session's capture end were read by that session, not this one;</li>
 * <li>the stream keeps records for 24 hours only.</li>
 * </ul>
 */
public final class ReplayWindowCheck {

    public static final Duration STREAM_RETENTION = Duration.ofHours(24);

    private ReplayWindowCheck() {
    }

    /**
     * @param previousCaptureEnd the newest stream time any earlier session of this table captured
     *                           ({@code capture_newest_at}), if there was one
     * @throws SessionRefusedException naming the instants involved
     */
    public static void requireComplete(ReplayFrom replayFrom, Instant captureFloor,
            Optional<Instant> previousCaptureEnd, Instant now) {
        Instant start = replayFrom.windowStart();
        if (start.isBefore(captureFloor)) {
            throw new SessionRefusedException("replay_from " + replayFrom.instant() + " (" + replayFrom.rule()
                    + ") is before the capture floor " + captureFloor
                    + ": changes before the floor were dropped at capture");
        }
        if (previousCaptureEnd.isPresent()) {
            Instant previousEnd = previousCaptureEnd.get().truncatedTo(ChronoUnit.SECONDS);
            if (!start.isAfter(previousEnd)) {
                throw new SessionRefusedException("replay_from " + replayFrom.instant() + " (" + replayFrom.rule()
                        + ") is not after the previous session's capture end " + previousCaptureEnd.get()
                        + ": the capture mapping resumes where that session stopped, so changes from "
                        + start + " on were read by that session and cannot be replayed here");
            }
        }
        if (start.isBefore(now.minus(STREAM_RETENTION))) {
            throw new SessionRefusedException("replay_from " + replayFrom.instant() + " (" + replayFrom.rule()
                    + ") is more than 24 hours ago: the stream no longer holds the changes from then");
        }
    }
}
