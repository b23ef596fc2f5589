package dev.restorecdc.cdc;

/**
 * One change ready for the queue.
 *
 * @param position        its place in the stream batch (0 = first); entries are sent in this order per item
 * @param sequenceNumber  the stream record's SequenceNumber, reported back when it cannot be queued
 * @param groupId         SQS MessageGroupId: the item's key hash
 * @param deduplicationId SQS MessageDeduplicationId: the stream record's eventID
 * @param body            the encoded change
 * @param key             the item, for log lines and dead letters
 * @param createdAt       the stream record's ApproximateCreationDateTime, named in a dead letter
 */
public record QueuedChange(int position, String sequenceNumber, String groupId, String deduplicationId,
                           String body, ItemKey key, java.time.Instant createdAt) {

    /** Without a stream time (tests and benches that never dead-letter). */
    public QueuedChange(int position, String sequenceNumber, String groupId, String deduplicationId, String body, ItemKey key) {
        this(position, sequenceNumber, groupId, deduplicationId, body, key, null);
    }

    /** What the entry costs against the SQS batch limit: the body plus room for ids and framing. */
    public int sizeBytes() {
        return ChangeCodec.utf8Length(body) + 256;
    }
}
