package dev.restorecdc.cdc;

import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Folds the changes of one batch into one write per item, so DynamoDB never sees two requests for
 * one key in a BatchWriteItem call (which it rejects).
 * <ul>
 *   <li>{@link ReplaySemantics#IMAGE}: the last change wins (a put of its new image, or a delete),
 *       so a delete after a put leaves no item.</li>
 *   <li>{@link ReplaySemantics#CHANGE}: the changes merge in order. INSERT puts its new image and
 *       REMOVE deletes; a MODIFY sets the attributes it added or changed (values from its new image)
 *       and removes those it removed: on top of an earlier put of the batch it yields a put, on top
 *       of an earlier update the two merge (a later set or remove of an attribute wins). A MODIFY
 *       without its delta (NEW_IMAGE stream, schema 1 body) falls back to a put of its new image.</li>
 * </ul>
 * A change seen twice in one batch (a redelivery) merges to the same write: setting the same values
 * and removing the same attributes again changes nothing.
 */
public final class ChangeCoalescer {

    private final ReplaySemantics semantics;
    private final Map<ItemKey, ItemWrite> writeByKey = new LinkedHashMap<>();
    private final Map<ItemKey, ChangeEvent> firstByKey = new LinkedHashMap<>();
    private final Map<ItemKey, ChangeEvent> lastByKey = new LinkedHashMap<>();
    private int folded;

    public ChangeCoalescer() {
        this(ReplaySemantics.IMAGE);
    }

    public ChangeCoalescer(ReplaySemantics semantics) {
        this.semantics = semantics;
    }

    /** Adds a change; changes must come in their order per item. */
    public void add(ChangeEvent change) {
        ItemKey key = change.key();
        firstByKey.putIfAbsent(key, change);
        lastByKey.put(key, change);
        ItemWrite before = writeByKey.get(key);
        if (before != null) {
            folded++;
        }
        writeByKey.put(key, semantics == ReplaySemantics.CHANGE ? merge(key, before, change) : whole(key, change));
    }

    private static ItemWrite whole(ItemKey key, ChangeEvent change) {
        return new ItemWrite(key, change.eventName().deletes() ? null : change.newImage());
    }

    private static ItemWrite merge(ItemKey key, ItemWrite before, ChangeEvent change) {
        ChangeDelta delta = change.delta();
        if (change.eventName() != EventName.MODIFY || delta == null) {
            return whole(key, change);
        }
        if (before == null || before.isUpdate()) {
            ObjectNode set = before == null ? change.newImage().objectNode() : before.set().deepCopy();
            List<String> remove = before == null ? new ArrayList<>() : new ArrayList<>(before.remove());
            for (String name : delta.changed()) {
                set.set(name, change.newImage().get(name));
                remove.remove(name);
            }
            for (String name : delta.removed()) {
                set.remove(name);
                if (!remove.contains(name)) {
                    remove.add(name);
                }
            }
            return ItemWrite.update(key, set, remove, change.newImage());
        }
        if (before.isDelete()) {
            return whole(key, change); // a MODIFY after a REMOVE cannot follow in one item's order; its image is the truth
        }
        ObjectNode image = before.image().deepCopy();
        delta.changed().forEach(name -> image.set(name, change.newImage().get(name)));
        delta.removed().forEach(image::remove);
        return new ItemWrite(key, image);
    }

    /** How many changes were folded into a later one of the same item. */
    public int folded() {
        return folded;
    }

    public List<ItemWrite> writes() {
        return new ArrayList<>(writeByKey.values());
    }

    /** The last change of an item, for its stream time. */
    public ChangeEvent last(ItemKey key) {
        return lastByKey.get(key);
    }

    /** The first change of an item in this batch: its old image is what the target should hold. */
    public ChangeEvent first(ItemKey key) {
        return firstByKey.get(key);
    }
}
