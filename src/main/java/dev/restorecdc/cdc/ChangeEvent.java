package dev.restorecdc.cdc;

import com.fasterxml.jackson.databind.node.ObjectNode;

import java.time.Instant;
import java.util.Objects;

/**
 * One change of one item, as the source table's stream recorded it: what the replay needs and
 * nothing more (no old image: only what the change did and the old image's digest).
 *
 * @param eventId          the stream record's eventID, also the queue's deduplication id
 * @param eventName        INSERT, MODIFY or REMOVE
 * @param keys             the item's key attributes (DynamoDB JSON)
 * @param newImage         the item after the change (DynamoDB JSON); null for REMOVE
 * @param createdAt        the record's ApproximateCreationDateTime
 * @param sequenceNumber   the record's position in its shard
 * @param sourceTableArn   the table the change was made in
 * @param delta            what the change did, from the old and new images; null when the stream
 *                         has no old image (NEW_IMAGE) or the body predates schema 2
 */
public record ChangeEvent(String eventId, EventName eventName, ObjectNode keys, ObjectNode newImage,
                          Instant createdAt, String sequenceNumber, String sourceTableArn, ChangeDelta delta) {

    /** A change without its delta (replayed as a whole image). */
    public ChangeEvent(String eventId, EventName eventName, ObjectNode keys, ObjectNode newImage,
                       Instant createdAt, String sequenceNumber, String sourceTableArn) {
        this(eventId, eventName, keys, newImage, createdAt, sequenceNumber, sourceTableArn, null);
    }

    public ChangeEvent {
        requirePresent("eventID", eventId);
        Objects.requireNonNull(eventName, "eventName");
        requirePresent("SequenceNumber", sequenceNumber);
        if (createdAt == null) {
            throw new MalformedChangeException("ApproximateCreationDateTime", null, "missing");
        }
        if (!eventName.deletes() && (newImage == null || newImage.isEmpty())) {
            throw new MalformedChangeException("NewImage", newImage,
                    eventName + " needs the new image: the stream view type must be NEW_IMAGE or NEW_AND_OLD_IMAGES");
        }
    }

    public ChangeEvent withDelta(ChangeDelta what) {
        return new ChangeEvent(eventId, eventName, keys, newImage, createdAt, sequenceNumber, sourceTableArn, what);
    }

    /** The item this change belongs to (validated: throws on a key that cannot be a DynamoDB key). */
    public ItemKey key() {
        return ItemKey.of(keys);
    }

    private static void requirePresent(String field, String value) {
        if (value == null || value.isBlank()) {
            throw new MalformedChangeException(field, value, "missing");
        }
    }
}
