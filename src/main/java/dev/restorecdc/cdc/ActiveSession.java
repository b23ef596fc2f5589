package dev.restorecdc.cdc;

import java.time.Instant;
import java.util.Optional;

/**
 * What the change path needs of the restore session that holds the source table's lock.
 *
 * @param sessionId    the session id (its record is {@code TABLE#<source>} / {@code SESSION#<id>})
 * @param status       its status (REQUESTED ... REPLAYING, CAUGHT_UP, FINISHING)
 * @param targetTable  the restored table, once known: its name, or its ARN when it is in another region
 *                     than the functions ({@link TableRefs})
 * @param replayFrom   the replay window's start, once settled
 * @param captureFloor the oldest change capture keeps
 * @param replaySemantics how replay applies changes, once settled (image until then)
 */
public record ActiveSession(String sessionId, String status, Optional<String> targetTable,
                            Optional<Instant> replayFrom, Optional<Instant> captureFloor,
                            Optional<ReplaySemantics> replaySemantics) {

    /** A session that has not settled its replay semantics (whole images). */
    public ActiveSession(String sessionId, String status, Optional<String> targetTable,
                         Optional<Instant> replayFrom, Optional<Instant> captureFloor) {
        this(sessionId, status, targetTable, replayFrom, captureFloor, Optional.empty());
    }
}
