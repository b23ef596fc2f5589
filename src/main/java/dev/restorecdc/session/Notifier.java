package dev.restorecdc.session;

import java.util.Map;

/**
 * Port: the session notification the state machine's notify states send (SNS to the topic, an
 * EventBridge event with source {@code dynamodb-restore-cdc}), for the steps that end a session
 * outside the state machine.
 */
public interface Notifier {

    void notify(SessionConfig config, String subject, String detailType, Map<String, Object> notice);
}
