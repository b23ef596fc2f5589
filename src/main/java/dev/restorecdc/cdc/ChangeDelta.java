package dev.restorecdc.cdc;

import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * What one change did to its item, computed at capture from the stream record's old and new
 * images, so replay can apply exactly that (an undo must not re-apply what the undone writes left
 * on the item) and can tell whether the restored item is the one the change was made to.
 *
 * <p>Granularity is the top-level attribute: {@code SET a.b = 1} changes attribute {@code a},
 * whose whole new value replay sets. An {@code ADD} to a number or a set changes that attribute
 * to the value in the new image, so applying it twice gives the same item (unlike ADD itself).
 *
 * @param changed        attributes the change added or whose value it changed (sorted)
 * @param removed        attributes the change removed (sorted)
 * @param oldImageDigest SHA-256 of the canonical old image ({@link CanonicalForm#digest}),
 *                       {@link CanonicalForm#ABSENT} for an INSERT; never the old image itself, so
 *                       a change of a 400 KB item still fits one message
 */
public record ChangeDelta(List<String> changed, List<String> removed, String oldImageDigest) {

    public ChangeDelta {
        changed = List.copyOf(changed);
        removed = List.copyOf(removed);
        Objects.requireNonNull(oldImageDigest, "oldImageDigest");
    }

    /**
     * The delta of a stream record, or null when it cannot be known: a MODIFY or REMOVE without
     * its old image (a NEW_IMAGE stream) can only be replayed as a whole image.
     */
    public static ChangeDelta of(EventName eventName, ObjectNode oldImage, ObjectNode newImage) {
        return switch (eventName) {
            case INSERT -> new ChangeDelta(names(newImage), List.of(), CanonicalForm.ABSENT);
            case REMOVE -> oldImage == null ? null : new ChangeDelta(List.of(), names(oldImage), CanonicalForm.digest(oldImage));
            case MODIFY -> oldImage == null || newImage == null ? null : between(oldImage, newImage);
        };
    }

    private static ChangeDelta between(ObjectNode oldImage, ObjectNode newImage) {
        List<String> changed = new ArrayList<>();
        for (String name : names(newImage)) {
            if (!oldImage.has(name) || !CanonicalForm.value(name, oldImage.get(name))
                    .equals(CanonicalForm.value(name, newImage.get(name)))) {
                changed.add(name);
            }
        }
        List<String> removed = new ArrayList<>();
        for (String name : names(oldImage)) {
            if (!newImage.has(name)) {
                removed.add(name);
            }
        }
        return new ChangeDelta(changed, removed, CanonicalForm.digest(oldImage));
    }

    private static List<String> names(ObjectNode item) {
        List<String> names = new ArrayList<>();
        if (item != null) {
            item.fieldNames().forEachRemaining(names::add);
        }
        names.sort(null);
        return names;
    }
}
