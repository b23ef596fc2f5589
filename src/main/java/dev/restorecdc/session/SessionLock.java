package dev.restorecdc.session;

import java.time.Duration;
import java.time.Instant;

/**
 * How long the table's lock stays valid ({@code lock_expires_at} on the lock item). A session ends
 * by {@code max_session_seconds} after its registration at the latest (the caught-up loop and the
 * operator's wait both stop at that deadline), then drains the queue for at most
 * {@link HistoryBudget#DRAIN_CHECKS} × {@code drain_poll_seconds}; the lock expires a
 * {@link #MARGIN} after that. Registration writes it; the long-running steps (every caught-up check,
 * a continuation in a fresh execution, the operator's wait) renew it, and a step that finds the lock
 * no longer its own stops the session. Past the expiry the session cannot be running any more: the
 * next registration takes the lock over and {@code doctor} flags it.
 */
public final class SessionLock {

    /** Room for retries, slow notifications and the mapping changes of the finishing steps. */
    public static final Duration MARGIN = Duration.ofHours(1);

    private SessionLock() {
    }

    /** When the session started at {@code createdAt} must have ended: {@code createdAt + max_session_seconds}. */
    public static Instant deadline(SessionConfig config, Instant createdAt) {
        return createdAt.plus(config.maxSession());
    }

    /** The lock's expiry as of {@code now} for a session registered at {@code createdAt}. */
    public static Instant expiresAt(SessionConfig config, Instant createdAt, Instant now) {
        Instant deadline = deadline(config, createdAt);
        Instant from = now.isAfter(deadline) ? now : deadline;
        return from.plus(config.drainPoll().multipliedBy(HistoryBudget.DRAIN_CHECKS)).plus(MARGIN);
    }

    /**
     * Renews this session's lock, or stops the session when the lock is no longer its own (it
     * expired and another session took it over, or someone removed it).
     *
     * @throws SessionRefusedException when the lock is not this session's
     */
    static void renew(SessionRecords store, SessionConfig config, String sessionId, Instant createdAt, Instant now) {
        if (!store.renewLock(sessionId, expiresAt(config, createdAt, now))) {
            throw new SessionRefusedException("the table's lock is no longer held by session " + sessionId + " (now: "
                    + store.activeSessionId().orElse("nobody") + "): it expired or was released by restore-cdc abort; "
                    + "this session stops");
        }
    }
}
