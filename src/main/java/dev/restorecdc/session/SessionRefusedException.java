package dev.restorecdc.session;

/**
 * The session cannot go on safely (target outside the allowed pattern, a replay window whose start
 * was already consumed or dropped, ...). Its message is the reason stored in the session record and
 * sent in the notification, so it names the values involved.
 */
public class SessionRefusedException extends RuntimeException {
    public SessionRefusedException(String reason) {
        super(reason);
    }
}
