package dev.restorecdc.cdc;

import com.fasterxml.jackson.databind.node.ObjectNode;

import java.time.Instant;

/**
 * A change that reached the source after the cutover (a straggling writer): not queued, recorded
 * for the operator, who applies it with {@code repair --late} only where the target item still
 * equals {@code oldImage} (nobody changed it since the switch).
 *
 * @param key            the item's key
 * @param eventName      INSERT, MODIFY or REMOVE
 * @param createdAt      stream time
 * @param sequenceNumber the stream record's SequenceNumber
 * @param shardId        the shard it came from, when known
 * @param oldImage       the item before the change (null for an INSERT, or when the stream has no old images)
 * @param newImage       the item after it (null for a REMOVE)
 */
public record LateWrite(ItemKey key, EventName eventName, Instant createdAt, String sequenceNumber, String shardId,
                        ObjectNode oldImage, ObjectNode newImage) {
}
