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

    /**
     * The stream view type of a table's stream (NEW_IMAGE, NEW_AND_OLD_IMAGES, ...); empty when it has
     * no stream or the adapter cannot tell. Change replay needs NEW_AND_OLD_IMAGES.
     */
    default Optional<String> streamViewType(String table) {
        return Optional.empty();
    }

    /**
     * The table's status (CREATING while the restore runs, ACTIVE when done); empty when it does not
     * exist. A target in another region (named by its ARN) is described there: Step Functions' own
     * DynamoDB integration calls its own region only, so the session asks the workflow function.
     */
    default Optional<String> status(String table) {
        throw new UnsupportedOperationException("this RestoredTables cannot describe " + table);
    }

    /** The target's {@code RestoreSummary.RestoreDateTime} (the restore point T), if it has one. */
    default Optional<Instant> restoreDateTime(String table) {
        return summary(table).flatMap(Summary::restoreDateTime);
    }
}
