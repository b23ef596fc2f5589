package dev.restorecdc.cdc;

import java.util.Locale;
import java.util.Optional;

/**
 * How replay applies a change (DESIGN.md, "Replay semantics follow the restore's intent"), as the
 * session record's {@code replay_semantics} says.
 */
public enum ReplaySemantics {
    /** A copy: put each change's whole new image (or delete). Exact for a restore to the latest restorable time. */
    IMAGE,
    /**
     * An undo: apply only what each change did (INSERT puts, REMOVE deletes, MODIFY sets the
     * attributes it added or changed and removes those it removed), so the values the undone window
     * left on an item do not come back with a later write's image; conflicts are recorded per key.
     */
    CHANGE;

    /** The value stored in the session record and the configuration. */
    public String recordValue() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Reads a session record's value; empty for none or an unknown one (then replay uses images). */
    public static Optional<ReplaySemantics> fromRecord(String value) {
        for (ReplaySemantics semantics : values()) {
            if (semantics.recordValue().equals(value)) {
                return Optional.of(semantics);
            }
        }
        return Optional.empty();
    }
}
