package dev.restorecdc.cdc;

/**
 * One record of a stream batch: the change it carries, or why it could not be read.
 *
 * @param sequenceNumber the record's SequenceNumber (what a partial batch response names)
 * @param change         the change, or null when the record could not be read
 * @param problem        why it could not be read, or null
 * @param oldImage       the record's OldImage (DynamoDB JSON), when the stream has one: what a late
 *                       write is checked against before {@code repair --late} applies it
 */
public record StreamChange(String sequenceNumber, ChangeEvent change, String problem,
                           com.fasterxml.jackson.databind.node.ObjectNode oldImage) {

    public StreamChange(String sequenceNumber, ChangeEvent change, String problem) {
        this(sequenceNumber, change, problem, null);
    }

    public static StreamChange of(ChangeEvent change) {
        return new StreamChange(change.sequenceNumber(), change, null);
    }

    public static StreamChange of(ChangeEvent change, com.fasterxml.jackson.databind.node.ObjectNode oldImage) {
        return new StreamChange(change.sequenceNumber(), change, null, oldImage);
    }

    public static StreamChange unreadable(String sequenceNumber, String problem) {
        return new StreamChange(sequenceNumber, null, problem);
    }
}
