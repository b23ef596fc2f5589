package dev.restorecdc.cdc;

/**
 * One queue message as the replay receives it.
 *
 * @param messageId the SQS message id (what a partial batch response names)
 * @param groupId   its MessageGroupId, or null when the queue gave none
 * @param body      the encoded change
 */
public record IncomingChange(String messageId, String groupId, String body) {
}
