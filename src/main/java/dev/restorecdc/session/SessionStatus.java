package dev.restorecdc.session;

/** The life of a restore session, as stored in the session record's {@code status}. */
public enum SessionStatus {
    REQUESTED,
    RESTORING,
    CONFIGURING,
    REPLAYING,
    CAUGHT_UP,
    FINISHING,
    FINISHED,
    FAILED;

    /** A session in one of these states no longer holds (or never took) the table's lock. */
    public boolean isTerminal() {
        return this == FINISHED || this == FAILED;
    }
}
