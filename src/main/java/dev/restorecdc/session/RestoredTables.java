package dev.restorecdc.session;

import java.time.Instant;
import java.util.Optional;

/** Port: what the restored table says about its restore. */
public interface RestoredTables {

    /**
     * The target's {@code RestoreSummary.RestoreDateTime} (the restore point T), if it has one.
     *
     * @throws IllegalStateException when the table does not exist (the restore failed or it was deleted)
     */
    Optional<Instant> restoreDateTime(String table);
}
