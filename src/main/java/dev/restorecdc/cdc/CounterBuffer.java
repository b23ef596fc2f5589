package dev.restorecdc.cdc;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BinaryOperator;

/**
 * One execution environment's session counters, added up in memory and handed out for writing at
 * most once per {@code interval} (the first invocation's at once). Counters are telemetry for
 * {@code status}: what verify, caught-up and cutover rely on (the key log, shard progress) never
 * goes through here. The price: when Lambda reclaims an environment, the counts it added since its
 * last write (at most {@code interval} of them) are lost, and an environment that goes quiet holds
 * its last interval's counts until its next invocation.
 *
 * @param <T> a tally; {@code merge} adds an older and a newer one (the newer one's stamps win)
 */
public final class CounterBuffer<T> {

    /** What to write now: the sum of the tallies of one session since its last write. */
    public record Due<T>(ActiveSession session, T tally) {
    }

    private final Duration interval;
    private final BinaryOperator<T> merge;
    private final Clock clock;
    private ActiveSession session;
    private T pending;
    private Instant lastHandedOut = Instant.MIN;

    public CounterBuffer(Duration interval, BinaryOperator<T> merge, Clock clock) {
        this.interval = interval;
        this.merge = merge;
        this.clock = clock;
    }

    /**
     * Adds one invocation's tally. Returns what is due for writing now: nothing while the last write
     * is under {@code interval} old; a previous session's counts at once when the session changed.
     */
    public synchronized List<Due<T>> add(ActiveSession of, T tally) {
        List<Due<T>> due = new ArrayList<>(2);
        if (pending != null && !of.sessionId().equals(session.sessionId())) {
            due.add(new Due<>(session, pending));
            pending = null;
        }
        session = of;
        pending = pending == null ? tally : merge.apply(pending, tally);
        Instant now = clock.instant();
        if (!due.isEmpty() || lastHandedOut.equals(Instant.MIN) || !now.isBefore(lastHandedOut.plus(interval))) {
            due.add(new Due<>(session, pending));
            pending = null;
            lastHandedOut = now;
        }
        return due;
    }
}
