package dev.restorecdc.cdc;

import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static dev.restorecdc.cdc.Changes.T0;
import static org.assertj.core.api.Assertions.assertThat;

/** Capture's per-shard progress and its late writes after the cutover, against in-memory fakes. */
class CaptureShardProgressTest {

    private static final Instant RAN_AT = T0.plusSeconds(100);

    private final FakeQueue queue = new FakeQueue();
    private final FakeLedger ledger = new FakeLedger();
    private final CaptureService capture = new CaptureService(new ChangeCodec(Changes.JSON), queue, Optional.empty(), ledger,
            Optional.empty(), Clock.fixed(RAN_AT, ZoneOffset.UTC));

    @Test
    void aBatchFromANamedShardRecordsItsNewestRecordAsThatShardsProgress() {
        ledger.status = "REPLAYING";

        Optional<String> retry = capture.capture(List.of(record(Changes.put("a", 1, "x")), record(Changes.put("b", 2, "y"))),
                Deadline.after(Duration.ofSeconds(5)), Optional.of("shard-1"));

        assertThat(retry).isEmpty();
        assertThat(ledger.progress).hasSize(1);
        ShardProgress progress = ledger.progress.get(0);
        assertThat(progress.shardId()).isEqualTo("shard-1");
        assertThat(progress.sequenceNumber()).isEqualTo(String.format("%021d", 2));
        assertThat(progress.newestAt()).isEqualTo(T0.plusSeconds(2));
        assertThat(progress.ranAt()).isEqualTo(RAN_AT);
        assertThat(progress.queuedAt()).contains(RAN_AT);
    }

    @Test
    void progressStopsBeforeTheRecordTheMappingRetriesFrom() {
        ledger.status = "REPLAYING";
        queue.refuseKey = "b";

        Optional<String> retry = capture.capture(List.of(record(Changes.put("a", 1, "x")), record(Changes.put("b", 2, "y")),
                record(Changes.put("c", 3, "z"))), Deadline.after(Duration.ofMillis(1)), Optional.of("shard-1"));

        assertThat(retry).contains(String.format("%021d", 2));
        assertThat(ledger.progress).singleElement().satisfies(p -> assertThat(p.sequenceNumber()).isEqualTo(String.format("%021d", 1)));
    }

    @Test
    void aBatchWhoseFirstRecordFailsRecordsNoProgressAndAnEventWithoutShardRecordsNone() {
        ledger.status = "REPLAYING";
        queue.refuseKey = "a";
        capture.capture(List.of(record(Changes.put("a", 1, "x"))), Deadline.after(Duration.ofMillis(1)), Optional.of("shard-1"));
        queue.refuseKey = null;
        capture.capture(List.of(record(Changes.put("a", 1, "x"))), Deadline.after(Duration.ofMillis(1)), Optional.empty());

        assertThat(ledger.progress).isEmpty();
    }

    @Test
    void afterTheCutoverChangesAreRecordedAsLateWritesWithTheirOldImageAndNeverQueued() {
        ledger.status = "CUT_OVER";
        ChangeEvent change = Changes.put("a", 7, "late");

        Optional<String> retry = capture.capture(List.of(new StreamChange(change.sequenceNumber(), change, null,
                Changes.json("{\"pk\":{\"S\":\"a\"},\"value\":{\"S\":\"before\"}}"))), Deadline.after(Duration.ofSeconds(1)), Optional.of("shard-1"));

        assertThat(retry).isEmpty();
        assertThat(queue.sent).isEmpty();
        assertThat(ledger.late).singleElement().satisfies(w -> {
            assertThat(w.key().groupId()).isEqualTo(change.key().groupId());
            assertThat(w.eventName()).isEqualTo(EventName.MODIFY);
            assertThat(w.sequenceNumber()).isEqualTo(change.sequenceNumber());
            assertThat(w.createdAt()).isEqualTo(change.createdAt());
            assertThat(w.oldImage().get("value").get("S").asText()).isEqualTo("before");
            assertThat(w.newImage().get("value").get("S").asText()).isEqualTo("late");
        });
        assertThat(ledger.progress).singleElement().satisfies(p -> assertThat(p.queuedAt()).isEmpty());
    }

    @Test
    void lateWritesTheLedgerCouldNotRecordAreRetriedNotDropped() {
        ledger.status = "CUT_OVER";
        ledger.failLate = true;

        Optional<String> retry = capture.capture(List.of(record(Changes.put("a", 1, "x"))), Deadline.after(Duration.ofSeconds(1)),
                Optional.of("shard-1"));

        assertThat(retry).contains(String.format("%021d", 1));
        assertThat(ledger.progress).isEmpty();
    }

    @Test
    void sequenceNumbersOfDifferentLengthsSortAsNumbers() {
        assertThat(ShardProgress.sortable("99").compareTo(ShardProgress.sortable("100"))).isNegative();
        assertThat(ShardProgress.atOrAfter("100", "99")).isTrue();
        assertThat(ShardProgress.atOrAfter("99", "100")).isFalse();
    }

    private static StreamChange record(ChangeEvent change) {
        return StreamChange.of(change);
    }

    private static final class FakeQueue implements ChangeQueue {
        final List<QueuedChange> sent = new ArrayList<>();
        String refuseKey;

        @Override
        public Map<QueuedChange, Refusal> send(List<QueuedChange> batch) {
            Map<QueuedChange, Refusal> refused = new HashMap<>();
            for (QueuedChange change : batch) {
                if (refuseKey != null && change.key().attributes().get("pk").get("S").asText().equals(refuseKey)) {
                    refused.put(change, Refusal.ofQueue("refused by the test"));
                } else {
                    sent.add(change);
                }
            }
            return refused;
        }
    }

    private static final class FakeLedger implements SessionLedger {
        String status = "REPLAYING";
        boolean failLate;
        final List<ShardProgress> progress = new ArrayList<>();
        final List<LateWrite> late = new ArrayList<>();

        @Override
        public Optional<ActiveSession> active() {
            return Optional.of(new ActiveSession("s-1", status, Optional.of("target"), Optional.of(T0), Optional.of(T0)));
        }

        @Override
        public void recordConflicts(ActiveSession session, List<Conflict> conflicts) {
        }

        @Override
        public void recordCapture(ActiveSession session, CaptureTally tally) {
        }

        @Override
        public void recordShardProgress(ActiveSession session, ShardProgress p) {
            progress.add(p);
        }

        @Override
        public void recordLateWrites(ActiveSession session, List<LateWrite> writes) {
            if (failLate) {
                throw new IllegalStateException("control table unavailable");
            }
            late.addAll(writes);
        }

        @Override
        public void recordKeyLog(ActiveSession session, List<KeyLogEntry> keys) {
        }

        @Override
        public void recordReplay(ActiveSession session, ReplayTally tally) {
        }

        @Override
        public void recordReplayProblem(ActiveSession session, String problem) {
        }
    }
}
