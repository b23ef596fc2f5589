package dev.restorecdc.cli;

import dev.restorecdc.cdc.ShardProgress;
import dev.restorecdc.session.CutoverSettings;
import dev.restorecdc.session.StreamShards;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** The cutover's proof against an in-memory stream, progress table and queue. */
class CutoverProofTest {

    static final Instant FLOOR = Instant.parse("2026-11-25T10:00:00Z");
    static final CutoverSettings SETTINGS = new CutoverSettings(3, Duration.ofSeconds(3), Duration.ofSeconds(60),
            Duration.ofSeconds(20), Duration.ofSeconds(5));

    private final MutableClock clock = new MutableClock(FLOOR.plusSeconds(600));
    private final Map<String, List<StreamShards.Seen>> records = new HashMap<>();
    private final List<StreamShards.Shard> shards = new ArrayList<>();
    private final Map<String, ShardProgress> progress = new HashMap<>();
    private CutoverProof.QueueReading queue = new CutoverProof.QueueReading(0, 0, 0);
    private int queueReadings;

    private final StreamShards stream = new StreamShards() {
        @Override
        public List<Shard> shards() {
            return shards;
        }

        @Override
        public Read read(String shardId, Position from, int limit) {
            List<Seen> all = records.get(shardId);
            int start = from.iterator().map(Integer::parseInt).orElseGet(() -> (int) all.stream()
                    .filter(s -> from.afterSequence().isPresent() && ShardProgress.atOrAfter(from.afterSequence().get(), s.sequenceNumber()))
                    .count());
            List<Seen> page = all.subList(Math.min(start, all.size()), all.size());
            boolean closed = shards.stream().anyMatch(s -> s.shardId().equals(shardId) && s.closed());
            return new Read(List.copyOf(page), closed ? Optional.empty() : Optional.of(Integer.toString(start + page.size())));
        }
    };

    private final CutoverProof proof = new CutoverProof(stream, () -> Map.copyOf(progress), () -> {
        queueReadings++;
        return queue;
    }, SETTINGS, FLOOR, clock);

    @Test
    void anOpenShardIsDrainedAfterKQuietReadsAndTheQueueAfterThreeSettledEmptyReadings() {
        shard("open", null);
        write("open", "5", FLOOR.plusSeconds(5));
        progress.put("open", new ShardProgress("open", "5", FLOOR.plusSeconds(5), FLOOR.plusSeconds(6), Optional.of(clock.now)));

        assertThat(steps(3)).as("three quiet reads, but the queue's counts have not settled").isFalse();
        assertThat(queueReadings).isZero();
        assertThat(proof.progress()).contains("waiting").contains("settle");

        clock.advance(Duration.ofSeconds(60));
        assertThat(proof.step()).isFalse();
        clock.advance(Duration.ofSeconds(20));
        assertThat(proof.step()).isFalse();
        clock.advance(Duration.ofSeconds(20));
        assertThat(proof.step()).as("three empty readings 20 s apart").isTrue();
        assertThat(queueReadings).isEqualTo(3);
        assertThat(proof.newestWrite()).contains(FLOOR.plusSeconds(5));
    }

    @Test
    void aNewWriteStartsTheShardsWaitAgainAndANonEmptyReadingTheQueueReadings() {
        shard("open", null);
        progress.put("open", new ShardProgress("open", "5", FLOOR.plusSeconds(5), FLOOR.plusSeconds(6), Optional.empty()));
        steps(2);
        write("open", "9", FLOOR.plusSeconds(590));
        assertThat(proof.step()).isFalse();
        assertThat(proof.progress()).contains("open: a change from " + FLOOR.plusSeconds(590));

        progress.put("open", new ShardProgress("open", "9", FLOOR.plusSeconds(590), clock.now, Optional.of(clock.now)));
        assertThat(steps(2)).as("the count starts again").isFalse();
        assertThat(proof.progress()).contains("2/3 quiet reads");
        clock.advance(Duration.ofSeconds(60));
        queue = new CutoverProof.QueueReading(0, 1, 0);
        assertThat(proof.step()).isFalse();
        queue = new CutoverProof.QueueReading(0, 0, 0);
        for (int i = 0; i < 2; i++) {
            clock.advance(Duration.ofSeconds(20));
            assertThat(proof.step()).isFalse();
        }
        clock.advance(Duration.ofSeconds(20));
        assertThat(proof.step()).as("the in-flight reading did not count").isTrue();
    }

    @Test
    void aClosedParentIsDrainedAtItsEndAndALaggingChildHoldsTheProof() {
        shards.add(new StreamShards.Shard("parent", Optional.empty(), Optional.of("20")));
        records.put("parent", new ArrayList<>(List.of(new StreamShards.Seen("20", FLOOR.plusSeconds(20)))));
        shard("child", "parent");
        write("child", "100", FLOOR.plusSeconds(100));
        progress.put("parent", new ShardProgress("parent", "20", FLOOR.plusSeconds(20), FLOOR.plusSeconds(21), Optional.empty()));

        assertThat(steps(5)).isFalse();
        assertThat(proof.progress()).contains("shards drained 1/2").contains("child: a change from");

        progress.put("child", new ShardProgress("child", "100", FLOOR.plusSeconds(100), clock.now, Optional.empty()));
        assertThat(steps(3)).as("nothing was ever queued: no settling to wait for").isFalse();
        clock.advance(Duration.ofSeconds(20));
        proof.step();
        clock.advance(Duration.ofSeconds(20));
        assertThat(proof.step()).isTrue();
    }

    private boolean steps(int n) {
        boolean done = false;
        for (int i = 0; i < n; i++) {
            done = proof.step();
        }
        return done;
    }

    private void shard(String id, String parent) {
        shards.add(new StreamShards.Shard(id, Optional.ofNullable(parent), Optional.empty()));
        records.put(id, new ArrayList<>());
    }

    private void write(String shard, String sequence, Instant at) {
        records.get(shard).add(new StreamShards.Seen(sequence, at));
    }

    static final class MutableClock extends Clock {
        Instant now;

        MutableClock(Instant now) {
            this.now = now;
        }

        void advance(Duration d) {
            now = now.plus(d);
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}
