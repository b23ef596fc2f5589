package dev.restorecdc.session;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * Ends a session from outside its state machine: the cleanup when its execution failed, timed out or
 * was stopped ({@link CleanupStep}), and the operator's {@code restore-cdc abort}. Both mappings are
 * disabled unless another session holds the table's lock (then they are that session's), the session
 * is marked with the status and reason unless it has already ended, and the lock is released if it
 * is this session's. Every part is safe to run twice and in any order with the state machine's own
 * cleanup.
 */
public final class SessionAbort {

    /**
     * @param previous         the status before (empty when there is no session record)
     * @param ended            whether this call set the final status (false: it had ended already)
     * @param mappingsDisabled whether both mappings were disabled (false: another session holds the lock)
     * @param lockReleased     whether this session's lock was released by this call
     * @param lockHolder       who holds the lock afterwards, if anyone
     */
    public record Outcome(Optional<SessionStatus> previous, boolean ended, boolean mappingsDisabled, boolean lockReleased,
            Optional<String> lockHolder) {
    }

    private SessionAbort() {
    }

    public static Outcome end(SessionRecords store, MappingSwitch mappings, String captureMappingUuid, String replayMappingUuid,
            String sessionId, SessionStatus status, String reason, Instant now) {
        Optional<SessionRecord> record = store.session(sessionId);
        Optional<String> holder = store.activeSessionId();
        boolean othersLock = holder.isPresent() && !holder.get().equals(sessionId);
        boolean disable = !othersLock && (holder.isPresent() || record.map(r -> !r.terminal()).orElse(false));
        if (disable) {
            mappings.disable(captureMappingUuid);
            mappings.disable(replayMappingUuid);
        }
        boolean ended = false;
        if (record.isPresent() && !record.get().terminal()) {
            store.updateStatus(sessionId, status, Map.of(SessionRecord.REASON, reason), now);
            ended = true;
        }
        boolean released = store.releaseLock(sessionId);
        return new Outcome(record.map(SessionRecord::status), ended, disable, released,
                released ? Optional.empty() : store.activeSessionId());
    }
}
