package dev.restorecdc.session;

/** The life of a restore session, as stored in the session record's {@code status}. */
public enum SessionStatus {
    REQUESTED,
    RESTORING,
    CONFIGURING,
    REPLAYING,
    CAUGHT_UP,
    /**
     * The operator's cutover was proven (every shard drained, queue and DLQ empty) and replay is off:
     * the target is the application's table now; capture records late writes instead of queueing them.
     */
    CUT_OVER,
    FINISHING,
    FINISHED,
    /** Ended by {@code max_session_seconds} before the operator's finish: the sync stopped on its own. */
    EXPIRED,
    FAILED,
    /**
     * Ended from outside the state machine: by the operator ({@code restore-cdc abort}), or by the
     * cleanup that runs when its execution was stopped; mappings off, lock released.
     */
    ABORTED;

    /** A session in one of these states no longer holds (or never took) the table's lock. */
    public boolean isTerminal() {
        return this == FINISHED || this == EXPIRED || this == FAILED || this == ABORTED;
    }
}
