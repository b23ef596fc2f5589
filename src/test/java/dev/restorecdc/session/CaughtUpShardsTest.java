package dev.restorecdc.session;

import dev.restorecdc.cdc.ShardProgress;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** The per-shard caught-up rules against an in-memory stream. */
class CaughtUpShardsTest {

    static final Instant FLOOR = Instant.parse("2026-11-25T10:00:00Z");
    static final Instant NOW = FLOOR.plusSeconds(600);
    static final Duration LAG = Duration.ofSeconds(60);

    private final FakeStream stream = new FakeStream();

    @Test
    void aLaggingShardIsBehindEvenWhenAnotherShardsBatchIsFresh() {
        stream.shard("parent", null, "30").records("parent", "10", FLOOR.plusSeconds(10), "30", FLOOR.plusSeconds(30));
        stream.shard("fresh", "parent", null).records("fresh", "100", NOW.minusSeconds(1));
        stream.shard("lagging", "parent", null).records("lagging", "200", NOW.minusSeconds(300), "201", NOW.minusSeconds(2));
        Map<String, ShardProgress> progress = new LinkedHashMap<>();
        progress.put("parent", new ShardProgress("parent", "30", FLOOR.plusSeconds(30), FLOOR.plusSeconds(31), Optional.empty()));
        progress.put("fresh", new ShardProgress("fresh", "100", NOW.minusSeconds(1), NOW, Optional.of(NOW)));

        CaughtUpShards.Findings findings = CaughtUpShards.evaluate(stream, progress, FLOOR, NOW, LAG, 0);

        assertThat(findings.shardCount()).isEqualTo(3);
        assertThat(findings.behind()).singleElement().asString().contains("lagging").contains("300 s ago");
        CaughtUpCheck.Verdict verdict = CaughtUpShards.refine(new CaughtUpCheck.Verdict(1, false, List.of(), Map.of()), 1, findings, LAG);
        assertThat(verdict.ready()).isFalse();
        assertThat(verdict.consecutive()).isZero();
        assertThat(stream.reads).as("a closed shard capture processed to its end is not read").doesNotContain("parent");
    }

    @Test
    void changesBeforeTheCaptureFloorAreNotPendingAndANonEmptyDlqBlocks() {
        stream.shard("only", null, null).records("only", "1", FLOOR.minusSeconds(3600));

        CaughtUpShards.Findings findings = CaughtUpShards.evaluate(stream, Map.of(), FLOOR, NOW, LAG, 2);
        CaughtUpCheck.Verdict verdict = CaughtUpShards.refine(new CaughtUpCheck.Verdict(1, false, List.of(), Map.of()), 1, findings, LAG);

        assertThat(findings.behind()).isEmpty();
        assertThat(verdict.unmet()).singleElement().asString().contains("dead-letter queue holds 2");
        assertThat(verdict.figures()).containsEntry("dlq_messages", 2L);
    }

    @Test
    void theWorstShardsLagIsTheCaptureLagAndAShardThatCaughtUpAndWentQuietHasNone() {
        stream.shard("quiet", null, null).records("quiet", "5", NOW.minusSeconds(400));
        stream.shard("busy", null, null).records("busy", "8", NOW.minusSeconds(200), "9", NOW.minusSeconds(100), "10", NOW.minusSeconds(1));
        Map<String, ShardProgress> progress = Map.of(
                // processed its only change long after it was written: its last batch lagged, but nothing is pending
                "quiet", new ShardProgress("quiet", "5", NOW.minusSeconds(400), NOW.minusSeconds(2), Optional.empty()),
                "busy", new ShardProgress("busy", "8", NOW.minusSeconds(200), NOW.minusSeconds(150), Optional.empty()));

        CaughtUpShards.Findings findings = CaughtUpShards.evaluate(stream, progress, FLOOR, NOW, LAG, 0);
        CaughtUpCheck.Verdict verdict = CaughtUpShards.refine(new CaughtUpCheck.Verdict(2, true,
                List.of("capture lag 398 s >= caught_up_lag_seconds 60"), Map.of()), 1, findings, LAG);

        assertThat(findings.worstShard()).contains("busy");
        assertThat(verdict.figures()).containsEntry("capture_lag_seconds", 100L);
        assertThat(verdict.unmet()).singleElement().asString().startsWith("shard busy");
        assertThat(verdict.ready()).isFalse();
    }

    /** Shards with records (sequence, stream time); reads return everything after the position. */
    static final class FakeStream implements StreamShards {
        final List<Shard> shards = new ArrayList<>();
        final Map<String, List<Seen>> records = new LinkedHashMap<>();
        final List<String> reads = new ArrayList<>();

        FakeStream shard(String id, String parent, String ending) {
            shards.add(new Shard(id, Optional.ofNullable(parent), Optional.ofNullable(ending)));
            records.putIfAbsent(id, new ArrayList<>());
            return this;
        }

        FakeStream records(String id, Object... sequenceAndTime) {
            for (int i = 0; i < sequenceAndTime.length; i += 2) {
                records.get(id).add(new Seen((String) sequenceAndTime[i], (Instant) sequenceAndTime[i + 1]));
            }
            return this;
        }

        @Override
        public List<Shard> shards() {
            return shards;
        }

        @Override
        public Read read(String shardId, Position from, int limit) {
            reads.add(shardId);
            int start = from.iterator().map(Integer::parseInt).orElseGet(() -> {
                List<Seen> all = records.get(shardId);
                if (from.afterSequence().isEmpty()) {
                    return 0;
                }
                for (int i = 0; i < all.size(); i++) {
                    if (!ShardProgress.atOrAfter(from.afterSequence().get(), all.get(i).sequenceNumber())) {
                        return i;
                    }
                }
                return all.size();
            });
            List<Seen> all = records.get(shardId);
            List<Seen> page = all.subList(Math.min(start, all.size()), Math.min(all.size(), start + limit));
            int next = start + page.size();
            boolean closed = shards.stream().anyMatch(s -> s.shardId().equals(shardId) && s.closed());
            return new Read(List.copyOf(page), closed && next >= all.size() ? Optional.empty() : Optional.of(Integer.toString(next)));
        }
    }
}
