package dev.restorecdc.cdc;

import java.util.Map;
import java.util.Optional;

/**
 * The deployment's dead-letter queue (FIFO, env {@code CDC_DLQ_URL}), written by the functions
 * themselves: capture for a record SQS refuses for good, replay for a message it can never apply.
 * Either way the stream or the group goes on, and {@code repair} rewrites the key from the source.
 */
public interface DeadLetterQueue {

    /** Reasons and names travel as message attributes; values longer than this are cut. */
    int MAX_ATTRIBUTE_CHARS = 1024;

    /**
     * @param groupId         FIFO group (the item's group, so an item's letters stay in order)
     * @param deduplicationId FIFO deduplication id (the stream record's eventID or the message's id)
     * @param body            what to keep: the refused message, or a small record naming the change
     * @param attributes      why, as String message attributes (sent when they fit)
     */
    record Letter(String groupId, String deduplicationId, String body, Map<String, String> attributes) {
    }

    /** @return empty when the DLQ took the letter, otherwise why it did not (the caller then keeps the change) */
    Optional<String> send(Letter letter);
}
