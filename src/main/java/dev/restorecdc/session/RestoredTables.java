package dev.restorecdc.session;

import java.time.Instant;
import java.util.Optional;

/** Port: what the restored table says about its restore (DynamoDB's {@code RestoreSummary}). */
public interface RestoredTables {

    /**
     * @param restoreDateTime the restore point T the table holds
     * @param sourceTableArn  the table it was restored from
     */
    record Summary(Optional<Instant> restoreDateTime, Optional<String> sourceTableArn) {
    }

    /**
     * The target's restore summary; absent when the table was not made by a restore.
     *
     * @throws IllegalStateException when the table does not exist (the restore failed or it was deleted)
     */
    Optional<Summary> summary(String table);

    /** The target's {@code RestoreSummary.RestoreDateTime} (the restore point T), if it has one. */
    default Optional<Instant> restoreDateTime(String table) {
        return summary(table).flatMap(Summary::restoreDateTime);
    }
}
