package dev.restorecdc.session;

/**
 * Keeps one session's execution below Step Functions' limit of 25,000 history events. The three
 * polling loops (restore, caught-up, drain) cost about {@link #EVENTS_PER_POLL} events per round
 * (Wait 2 + Task 5 + Choice 2); everything else about {@link #FIXED_EVENTS}. The restore loop is
 * bounded by its timeout, the drain loop by {@link #DRAIN_CHECKS}, and the caught-up loop gets what
 * is left.
 */
public final class HistoryBudget {

    public static final int HISTORY_LIMIT = 25_000;
    public static final int EVENTS_PER_POLL = 9;
    public static final int FIXED_EVENTS = 200;
    public static final int DRAIN_CHECKS = 200;

    private final int caughtUpChecks;

    public HistoryBudget(SessionConfig config) {
        long restorePolls = ceilDiv(config.restoreTimeout().toSeconds(), config.restorePoll().toSeconds()) + 1;
        long left = HISTORY_LIMIT - FIXED_EVENTS - EVENTS_PER_POLL * (restorePolls + DRAIN_CHECKS);
        long checks = left / EVENTS_PER_POLL;
        if (checks < 10) {
            throw new IllegalArgumentException("restore_timeout_seconds " + config.restoreTimeout().toSeconds()
                    + " / restore_poll_seconds " + config.restorePoll().toSeconds() + " = " + restorePolls
                    + " restore polls leave room for only " + checks + " caught-up checks below Step Functions' "
                    + HISTORY_LIMIT + "-event history limit; poll less often");
        }
        this.caughtUpChecks = (int) checks;
    }

    /** How many caught-up checks one session may run. */
    public int caughtUpChecks() {
        return caughtUpChecks;
    }

    private static long ceilDiv(long a, long b) {
        return (a + b - 1) / b;
    }
}
