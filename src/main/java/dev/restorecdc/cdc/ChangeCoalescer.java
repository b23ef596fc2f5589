package dev.restorecdc.cdc;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Folds the changes of one batch into one write per item: the last change wins (a put of its new
 * image, or a delete), so a delete after a put leaves no item and DynamoDB never sees two requests
 * for one key in a BatchWriteItem call (which it rejects).
 */
public final class ChangeCoalescer {

    private final Map<ItemKey, ChangeEvent> lastByKey = new LinkedHashMap<>();
    private int folded;

    /** Adds a change; changes must come in their order per item. */
    public void add(ChangeEvent change) {
        if (lastByKey.put(change.key(), change) != null) {
            folded++;
        }
    }

    /** How many changes were folded into a later one of the same item. */
    public int folded() {
        return folded;
    }

    public List<ItemWrite> writes() {
        List<ItemWrite> writes = new ArrayList<>(lastByKey.size());
        for (Map.Entry<ItemKey, ChangeEvent> entry : lastByKey.entrySet()) {
            ChangeEvent last = entry.getValue();
            writes.add(new ItemWrite(entry.getKey(), last.eventName().deletes() ? null : last.newImage()));
        }
        return writes;
    }

    /** The last change of an item, for its stream time. */
    public ChangeEvent last(ItemKey key) {
        return lastByKey.get(key);
    }
}
