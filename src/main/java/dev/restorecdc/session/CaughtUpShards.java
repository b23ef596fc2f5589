package dev.restorecdc.session;

import dev.restorecdc.cdc.ShardProgress;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The per-shard part of "caught up": capture lag is the worst shard's, not the last invocation's
 * (with several shards a fresh batch of one shard would hide another that lags). A shard's lag is
 * the age of the oldest change at or after the capture floor that capture has not processed; at
 * {@code caught_up_lag_seconds} or more the shard is behind. The dead-letter queue must be empty.
 * One GetRecords per unfinished shard per check.
 */
public final class CaughtUpShards {

    /**
     * @param worstLag       the largest shard lag (age of the oldest change capture has not processed yet)
     * @param worstShard     the shard it belongs to
     * @param behind         per shard that is behind, why
     * @param shardCount     how many shards the stream lists
     * @param deadLetters    messages in the dead-letter queue (visible + in flight)
     */
    public record Findings(Optional<Duration> worstLag, Optional<String> worstShard, List<String> behind, int shardCount,
                           long deadLetters) {
    }

    private CaughtUpShards() {
    }

    /** Reads the shards, the session's progress and the DLQ. */
    public static Findings check(ShardView shards, QueueBacklog queues, SessionConfig config, String sessionId,
            Instant captureFloor, Instant now) {
        return evaluate(shards.stream(config.sourceTableName()), shards.progress(config.controlTableName(), sessionId),
                captureFloor, now, config.caughtUpLag(), queues.backlog(config.dlqUrl()).total());
    }

    public static Findings evaluate(StreamShards stream, Map<String, ShardProgress> progress, Instant captureFloor, Instant now,
            Duration lagThreshold, long deadLetters) {
        List<StreamShards.Shard> shards = stream.shards();
        List<String> behind = new ArrayList<>();
        Duration worst = Duration.ZERO;
        String worstShard = null;
        for (StreamShards.Shard shard : shards) {
            Optional<ShardProgress> done = Optional.ofNullable(progress.get(shard.shardId()));
            if (ShardScan.processedToEnd(shard, done)) {
                continue;
            }
            // A shard's lag is the age of the oldest change capture has not processed yet (0 when
            // there is none): a shard that caught up and went quiet has none, whatever its last batch was.
            ShardScan.Outcome read = ShardScan.read(stream, shard, ShardScan.capturePosition(done), captureFloor, 100);
            if (read.oldestPending().isEmpty()) {
                continue;
            }
            Duration waiting = Duration.between(read.oldestPending().get(), now);
            waiting = waiting.isNegative() ? Duration.ZERO : waiting;
            if (worstShard == null || waiting.compareTo(worst) > 0) {
                worst = waiting;
                worstShard = shard.shardId();
            }
            if (waiting.compareTo(lagThreshold) >= 0) {
                behind.add("shard " + shard.shardId() + (shard.closed() ? " (closed)" : "") + ": a change from "
                        + read.oldestPending().get() + " (" + waiting.toSeconds() + " s ago) is not captured yet");
            }
        }
        return new Findings(Optional.of(worst), Optional.ofNullable(worstShard), List.copyOf(behind), shards.size(), deadLetters);
    }

    /** The check's verdict with the per-shard and DLQ conditions added; figures gain them and {@code unmet}. */
    public static CaughtUpCheck.Verdict refine(CaughtUpCheck.Verdict verdict, int previousConsecutive, Findings f, Duration lagThreshold) {
        // The capture lag is the worst shard's: the last invocation's stamps (CaughtUpCheck's own
        // lag rule) belong to whichever shard ran last.
        List<String> unmet = new ArrayList<>(verdict.unmet().stream().filter(u -> !u.startsWith("capture lag ")).toList());
        unmet.addAll(f.behind());
        if (f.deadLetters() > 0) {
            unmet.add("the dead-letter queue holds " + f.deadLetters() + " messages (restore-cdc repair rewrites their keys)");
        }
        int consecutive = unmet.isEmpty() ? previousConsecutive + 1 : 0;
        Map<String, Object> figures = new LinkedHashMap<>(verdict.figures());
        // The last invocation's ran_at − newest_at stays visible, named for what it is.
        figures.put("last_batch_lag_seconds", verdict.figures().get("capture_lag_seconds"));
        f.worstLag().ifPresent(lag -> figures.put("capture_lag_seconds", lag.toSeconds()));
        figures.put("worst_shard", f.worstShard().orElse(null));
        figures.put("shards", f.shardCount());
        figures.put("shards_behind", f.behind().size());
        figures.put("dlq_messages", f.deadLetters());
        figures.put("consecutive", consecutive);
        figures.put("unmet", List.copyOf(unmet));
        return new CaughtUpCheck.Verdict(consecutive, consecutive >= CaughtUpCheck.REQUIRED_IN_A_ROW, List.copyOf(unmet), figures);
    }
}
