package dev.restorecdc.session;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The SNS message and EventBridge detail of a session notification: one flat, self-explaining
 * document ({@code event}, {@code source_table}, {@code session_id}, {@code status}, then the details).
 */
final class Notices {

    private Notices() {
    }

    static Map<String, Object> of(String event, SessionConfig config, String sessionId, SessionStatus status,
            Map<String, Object> details) {
        Map<String, Object> notice = new LinkedHashMap<>();
        notice.put("event", event);
        notice.put("source_table", config.sourceTableName());
        notice.put("session_id", sessionId);
        notice.put("status", status.name());
        notice.putAll(details);
        return notice;
    }
}
