package dev.restorecdc.session;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * "Caught up" (DESIGN.md step 6): on two checks in a row, the queue's visible + in-flight messages
 * are at or below the backlog threshold, the capture lag is below the lag threshold, and the capture
 * mapping reports no processing problem.
 */
public final class CaughtUpCheck {

    /** How many checks in a row must pass. */
    public static final int REQUIRED_IN_A_ROW = 2;

    private final int backlogThreshold;
    private final Duration lagThreshold;

    public CaughtUpCheck(int backlogThreshold, Duration lagThreshold) {
        this.backlogThreshold = backlogThreshold;
        this.lagThreshold = lagThreshold;
    }

    /**
     * What one check sees.
     *
     * @param queueVisible         ApproximateNumberOfMessages
     * @param queueInFlight        ApproximateNumberOfMessagesNotVisible
     * @param captureNewestAt      stream time of the newest record of capture's last invocation
     * @param captureRanAt         when capture's last invocation ran
     * @param captureMappingState  the capture mapping's State (Enabled, Disabling, ...)
     * @param lastProcessingResult the capture mapping's LastProcessingResult, where the API gives one
     * @param captureEnabledSince  when this session enabled capture (for a table with no changes at all)
     * @param checkedAt            now
     */
    public record Figures(
            long queueVisible,
            long queueInFlight,
            Optional<Instant> captureNewestAt,
            Optional<Instant> captureRanAt,
            String captureMappingState,
            Optional<String> lastProcessingResult,
            Instant captureEnabledSince,
            Instant checkedAt) {

        /** {@code capture_ran_at − capture_newest_at} of capture's last invocation; empty if it never ran. */
        public Optional<Duration> captureLag() {
            if (captureNewestAt.isEmpty() || captureRanAt.isEmpty()) {
                return Optional.empty();
            }
            Duration lag = Duration.between(captureNewestAt.get(), captureRanAt.get());
            return Optional.of(lag.isNegative() ? Duration.ZERO : lag);
        }
    }

    /**
     * @param consecutive how many checks in a row have passed, this one included
     * @param ready       {@code consecutive >= REQUIRED_IN_A_ROW}
     * @param unmet       why this check did not pass (empty when it did)
     */
    public record Verdict(int consecutive, boolean ready, List<String> unmet, Map<String, Object> figures) {
    }

    public Verdict evaluate(Figures f, int previousConsecutive) {
        List<String> unmet = new ArrayList<>();
        long backlog = f.queueVisible() + f.queueInFlight();
        if (backlog > backlogThreshold) {
            unmet.add("queue backlog " + backlog + " > caught_up_backlog " + backlogThreshold);
        }
        Optional<Duration> lag = f.captureLag();
        if (lag.isPresent()) {
            if (lag.get().compareTo(lagThreshold) >= 0) {
                unmet.add("capture lag " + lag.get().toSeconds() + " s >= caught_up_lag_seconds " + lagThreshold.toSeconds());
            }
        } else if (Duration.between(f.captureEnabledSince(), f.checkedAt()).compareTo(lagThreshold) < 0) {
            // Capture has not run yet. A table without changes never invokes it; give the mapping the
            // lag threshold's time to start before taking "never ran" for "nothing to capture".
            unmet.add("capture has not run yet and was enabled less than caught_up_lag_seconds ago");
        }
        if (!"Enabled".equals(f.captureMappingState())) {
            unmet.add("capture mapping is " + f.captureMappingState() + ", not Enabled");
        }
        f.lastProcessingResult().filter(r -> r.startsWith("PROBLEM")).ifPresent(r -> unmet.add("capture mapping reports " + r));

        int consecutive = unmet.isEmpty() ? previousConsecutive + 1 : 0;
        Map<String, Object> figures = new LinkedHashMap<>();
        figures.put("checked_at", f.checkedAt().toString());
        figures.put("queue_visible", f.queueVisible());
        figures.put("queue_in_flight", f.queueInFlight());
        figures.put("capture_lag_seconds", lag.map(Duration::toSeconds).orElse(null));
        figures.put("capture_mapping_state", f.captureMappingState());
        figures.put("last_processing_result", f.lastProcessingResult().orElse(null));
        figures.put("consecutive", consecutive);
        return new Verdict(consecutive, consecutive >= REQUIRED_IN_A_ROW, List.copyOf(unmet), figures);
    }
}
