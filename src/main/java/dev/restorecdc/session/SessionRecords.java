package dev.restorecdc.session;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * Port: one source table's lock and session items in the control table (layout in
 * {@link ControlTableKeys}). The session steps decide; an adapter ({@code aws/SessionStore}) stores.
 */
public interface SessionRecords {

    /** Opens the records of one source table in one control table (both come with each step's config). */
    @FunctionalInterface
    interface Opener {
        SessionRecords open(String controlTable, String sourceTable);
    }

    /**
     * The fields a new session starts with.
     *
     * @param targetTableArn the target's ARN when the restore created it in another region (empty: same region)
     */
    record NewSession(String sessionId, String targetTable, Instant requestedAt, Optional<Instant> restorePoint,
            Instant captureFloor, String eventId, Optional<String> targetTableArn) {

        public NewSession(String sessionId, String targetTable, Instant requestedAt, Optional<Instant> restorePoint,
                          Instant captureFloor, String eventId) {
            this(sessionId, targetTable, requestedAt, restorePoint, captureFloor, eventId, Optional.empty());
        }
    }

    /**
     * What registration found: this session holds the lock, or another one does.
     *
     * @param expiredLockOf the session whose lock had expired ({@code lock_expires_at} passed) and was
     *                      taken over by this registration
     */
    record Registration(boolean registered, Optional<String> activeSessionId, Optional<String> expiredLockOf) {
        public Registration(boolean registered, Optional<String> activeSessionId) {
            this(registered, activeSessionId, Optional.empty());
        }
    }

    /** The table's lock item: who holds it and until when ({@code lock_expires_at}; absent on locks written before it existed). */
    record Lock(String sessionId, Optional<Instant> expiresAt) {
        /** True when the lock carries an expiry that has passed: its session can no longer be running. */
        public boolean expired(Instant now) {
            return expiresAt.filter(at -> at.isBefore(now)).isPresent();
        }
    }

    /**
     * Takes the ACTIVE lock (absent, or held by a session whose {@code lock_expires_at} passed) with
     * {@code lockExpiresAt}, and writes the session record (REQUESTED) at once. A second call for the
     * same session (a retried task) finds the lock already its own and is registered; a session
     * refused because another holds an unexpired lock changes nothing.
     */
    Registration register(NewSession session, Instant now, Instant lockExpiresAt);

    /** The table's lock, if any (consistent read). */
    Optional<Lock> lock();

    /**
     * Moves the lock's {@code lock_expires_at} if (and only if) this session holds it.
     *
     * @return false when the lock is not (or no longer) this session's
     */
    boolean renewLock(String sessionId, Instant lockExpiresAt);

    /** The refused session's own FAILED record, so the refusal leaves a trace; the lock stays the other's. */
    void recordRefused(NewSession session, String reason, Instant now);

    /** The session holding the table's lock, if any (consistent read). */
    default Optional<String> activeSessionId() {
        return lock().map(Lock::sessionId);
    }

    /** The session record (consistent read); empty if there is none. */
    Optional<SessionRecord> session(String sessionId);

    /**
     * Sets the given attributes and {@code updated_at}; counters stay untouched.
     *
     * @param values attribute name ({@link SessionRecord}'s constants) → String, Number, Boolean,
     *               Instant, Map or List
     */
    void update(String sessionId, Map<String, Object> values, Instant now);

    /** {@link #update} plus the new status. */
    default void updateStatus(String sessionId, SessionStatus status, Map<String, Object> values, Instant now) {
        Map<String, Object> all = new java.util.LinkedHashMap<>(values);
        all.put(SessionRecord.STATUS, status.name());
        update(sessionId, all, now);
    }

    /** Releases the lock if (and only if) this session holds it; true if it did. */
    boolean releaseLock(String sessionId);

    /**
     * Where the capture mapping stopped for earlier sessions: the newest {@code capture_newest_at} of
     * any other session of this table.
     */
    Optional<Instant> previousCaptureEnd(String sessionId);

    /**
     * Marks a CAUGHT_UP session CUT_OVER at {@code at} with the operator's proof and drops its task
     * token (the next wait stores a new one).
     *
     * @return false when the session is not CAUGHT_UP (nothing changed)
     */
    default boolean markCutOver(String sessionId, Instant at, String proof) {
        throw new UnsupportedOperationException("these session records cannot record a cutover");
    }
}
