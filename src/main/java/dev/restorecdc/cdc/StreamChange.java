package dev.restorecdc.cdc;

/**
 * One record of a stream batch: the change it carries, or why it could not be read.
 *
 * @param sequenceNumber the record's SequenceNumber (what a partial batch response names)
 * @param change         the change, or null when the record could not be read
 * @param problem        why it could not be read, or null
 */
public record StreamChange(String sequenceNumber, ChangeEvent change, String problem) {

    public static StreamChange of(ChangeEvent change) {
        return new StreamChange(change.sequenceNumber(), change, null);
    }

    public static StreamChange unreadable(String sequenceNumber, String problem) {
        return new StreamChange(sequenceNumber, null, problem);
    }
}
