package dev.restorecdc.cdc;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The one write that leaves an item as its last change in a batch did.
 *
 * @param key   the item
 * @param image the item to put (DynamoDB JSON), or null to delete it
 */
public record ItemWrite(ItemKey key, ObjectNode image) {

    public boolean isDelete() {
        return image == null;
    }
}
