package dev.restorecdc.cdc;

import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.List;

/**
 * The one write that leaves an item as its changes in a batch did: a put of a whole image, a
 * delete, or (change replay) an update that sets some attributes and removes others.
 *
 * @param key    the item
 * @param image  the item to put (DynamoDB JSON), or null to delete it; for an update, the item's
 *               whole new image, put instead when the target has no such item
 * @param set    for an update: the attributes to set, with their new values (DynamoDB JSON); else null
 * @param remove for an update: the attributes to remove; else null
 */
public record ItemWrite(ItemKey key, ObjectNode image, ObjectNode set, List<String> remove) {

    /** A put of {@code image}, or a delete when it is null. */
    public ItemWrite(ItemKey key, ObjectNode image) {
        this(key, image, null, null);
    }

    public static ItemWrite update(ItemKey key, ObjectNode set, List<String> remove, ObjectNode wholeNewImage) {
        return new ItemWrite(key, wholeNewImage, set, List.copyOf(remove));
    }

    public boolean isUpdate() {
        return set != null;
    }

    public boolean isDelete() {
        return !isUpdate() && image == null;
    }

    /** The put of the whole new image an update becomes when the target lacks the item. */
    public ItemWrite asPut() {
        return new ItemWrite(key, image);
    }

    /** The attributes an update sets or removes (what verify of an undo compares); empty for puts and deletes. */
    public List<String> touched() {
        if (!isUpdate()) {
            return List.of();
        }
        java.util.List<String> names = new java.util.ArrayList<>();
        set.fieldNames().forEachRemaining(names::add);
        names.addAll(remove);
        names.sort(null);
        return names;
    }
}
