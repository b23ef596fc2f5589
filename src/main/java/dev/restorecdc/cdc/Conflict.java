package dev.restorecdc.cdc;

import com.fasterxml.jackson.databind.node.ObjectNode;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * A key the undone window also wrote: the first time change replay applies a change of the key,
 * the restored table's item is not the item the change was made to (compared by digest of the
 * canonical form; an absent item is its own value). Replay still applies the change; the conflict
 * is recorded once per key for the operator, with digests and attribute names, never whole items
 * (a control-table record must stay far below 400 KB).
 *
 * @param key            the item
 * @param kind           {@link #CREATED_IN_WINDOW}, {@link #DELETED_IN_WINDOW} or {@link #MODIFIED_IN_WINDOW}
 * @param eventName      the event of the change that found it
 * @param oldImageDigest digest of the item the change was made to ({@link CanonicalForm#ABSENT} for an INSERT)
 * @param targetDigest   digest of the item the restored table held ({@link CanonicalForm#ABSENT} for none)
 * @param changed        attributes the change added or changed
 * @param removed        attributes the change removed
 * @param changeAt       the change's stream time
 */
public record Conflict(ItemKey key, String kind, EventName eventName, String oldImageDigest, String targetDigest,
                       List<String> changed, List<String> removed, Instant changeAt) {

    /** The restored table lacks the item the change was made to: the window created (or put) it. */
    public static final String CREATED_IN_WINDOW = "created_in_window";
    /** The change created the item, but the restored table has one: the window deleted it. */
    public static final String DELETED_IN_WINDOW = "deleted_in_window";
    /** Both exist and differ: the window modified it. */
    public static final String MODIFIED_IN_WINDOW = "modified_in_window";

    /**
     * The conflict of a key whose first replayed change is {@code first}, given the target's item
     * (null: absent); empty when the target holds exactly the change's old image, or when the change
     * carries no old-image digest (NEW_IMAGE stream, schema 1 body: nothing to compare).
     */
    public static Optional<Conflict> detect(ChangeEvent first, ObjectNode targetItem) {
        ChangeDelta delta = first.delta();
        if (delta == null) {
            return Optional.empty();
        }
        String targetDigest = CanonicalForm.digest(targetItem);
        if (targetDigest.equals(delta.oldImageDigest())) {
            return Optional.empty();
        }
        String kind = targetItem == null ? CREATED_IN_WINDOW
                : CanonicalForm.ABSENT.equals(delta.oldImageDigest()) ? DELETED_IN_WINDOW : MODIFIED_IN_WINDOW;
        return Optional.of(new Conflict(first.key(), kind, first.eventName(), delta.oldImageDigest(), targetDigest,
                delta.changed(), delta.removed(), first.createdAt()));
    }
}
