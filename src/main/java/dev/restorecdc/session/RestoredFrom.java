package dev.restorecdc.session;

import java.util.Optional;

/**
 * The restored table must be a restore of this deployment's source table: its
 * {@code RestoreSummary.SourceTableArn} names the source. Otherwise replay and the settings copy
 * would write this table's changes into a table restored from another one whose name merely fits
 * {@code target_table_pattern}.
 */
public final class RestoredFrom {

    private RestoredFrom() {
    }

    /** @throws SessionRefusedException when the target's restore summary does not name {@code sourceTableArn} */
    public static void requireSource(String sourceTableArn, String targetTable, Optional<String> restoredFromArn) {
        if (restoredFromArn.isEmpty()) {
            throw new SessionRefusedException("target table " + targetTable + " has no RestoreSummary.SourceTableArn: it is not "
                    + "a point-in-time restore of " + sourceTableArn + "; nothing is replayed into it");
        }
        if (!restoredFromArn.get().equals(sourceTableArn)) {
            throw new SessionRefusedException("target table " + targetTable + " was restored from " + restoredFromArn.get()
                    + ", not from this deployment's source table " + sourceTableArn + "; nothing is replayed into it");
        }
    }
}
