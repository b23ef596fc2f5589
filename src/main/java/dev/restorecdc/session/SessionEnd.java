package dev.restorecdc.session;

import com.fasterxml.jackson.annotation.JsonProperty;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * How a session ended ({@link FinishStep}, {@link FailStep}): the final status, whether this session's
 * lock was released, and the notice carrying the record's summary.
 *
 * @param reason     the stored reason ("finished by operator", or the failure's one-line reason)
 * @param subject    the notification's subject (SNS)
 * @param detailType the notification's EventBridge detail-type
 */
public record SessionEnd(String status, String reason, @JsonProperty("lock_released") boolean lockReleased,
        Map<String, Object> notice, String subject, @JsonProperty("detail_type") String detailType) {

    /** Marks the session {@code status} with {@code reason}, then releases the lock if it holds it. */
    static SessionEnd end(SessionRecords store, SessionConfig config, String sessionId, SessionStatus status, String reason,
            String event, Map<String, Object> details, Instant now, String subject, String detailType) {
        store.updateStatus(sessionId, status, Map.of(SessionRecord.REASON, reason), now);
        boolean released = store.releaseLock(sessionId);
        Map<String, Object> all = new LinkedHashMap<>(details);
        all.put("record", store.session(sessionId).map(SessionRecord::summary).orElse(Map.of()));
        return new SessionEnd(status.name(), reason, released, Notices.of(event, config, sessionId, status, all), subject, detailType);
    }
}
