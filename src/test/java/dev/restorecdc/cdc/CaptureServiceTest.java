package dev.restorecdc.cdc;

import dev.restorecdc.cdc.ChangeQueue.Refusal;
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
import static dev.restorecdc.cdc.Changes.delete;
import static dev.restorecdc.cdc.Changes.put;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Capture's rules with in-memory fakes of its ports (queue, dead-letter queue, session ledger):
 * the capture floor, per-item order under partial failures, retries of transient refusals inside
 * the invocation, and what a record SQS refuses for good becomes.
 */
class CaptureServiceTest {

    private final ChangeCodec codec = new ChangeCodec(Changes.JSON);
    private final FakeQueue queue = new FakeQueue();
    private final FakeDeadLetters deadLetters = new FakeDeadLetters();
    private final FakeLedger ledger = new FakeLedger();
    private final Clock clock = Clock.fixed(T0.plusSeconds(3600), ZoneOffset.UTC);

    private CaptureService service(Optional<DeadLetterQueue> dlq) {
        return new CaptureService(codec, queue, dlq, ledger, Optional.empty(), clock);
    }

    private static List<StreamChange> records(ChangeEvent... changes) {
        List<StreamChange> records = new ArrayList<>();
        for (ChangeEvent change : changes) {
            records.add(StreamChange.of(change));
        }
        return records;
    }

    @Test
    void changesBeforeTheCaptureFloorAreDroppedAndCountedAndTheRestQueuedInOrder() {
        ledger.captureFloor = T0.plusSeconds(2);

        Optional<String> retryFrom = service(Optional.of(deadLetters)).capture(
                records(put("a", 1, "old"), put("a", 2, "x"), put("b", 3, "y"), delete("a", 4)), Deadline.after(Duration.ofSeconds(5)));

        assertThat(retryFrom).isEmpty();
        assertThat(queue.sentSequences()).containsExactly(seq(2), seq(3), seq(4));
        assertThat(ledger.tallies).singleElement().satisfies(t -> {
            assertThat(t.captured()).isEqualTo(3);
            assertThat(t.skippedWindow()).isEqualTo(1);
            assertThat(t.newestAt()).isEqualTo(T0.plusSeconds(4));
        });
    }

    @Test
    void aTransientlyRefusedEntryIsSentAgainInTheSameInvocationBeforeAnyLaterChangeOfItsItem() {
        queue.refuseTransiently(seq(1), 2);

        Optional<String> retryFrom = service(Optional.of(deadLetters)).capture(
                records(put("a", 1, "first"), put("b", 2, "x"), put("a", 3, "second"), put("a", 4, "third")),
                Deadline.after(Duration.ofSeconds(10)));

        assertThat(retryFrom).as("nothing left for the mapping to retry").isEmpty();
        assertThat(queue.acceptedSequencesOf("a")).containsExactly(seq(1), seq(3), seq(4));
        assertThat(queue.acceptedSequencesOf("b")).containsExactly(seq(2));
        assertThat(queue.attemptsOf(seq(1))).isEqualTo(3);
    }

    @Test
    void aTransientRefusalStillThereAtTheDeadlineIsTheRetryPointAndNothingLaterOfItsItemIsSent() {
        queue.refuseTransiently(seq(2), Integer.MAX_VALUE);

        Optional<String> retryFrom = service(Optional.of(deadLetters)).capture(
                records(put("b", 1, "x"), put("a", 2, "first"), put("a", 3, "second"), put("c", 4, "y")),
                Deadline.after(Duration.ofMillis(300)));

        assertThat(retryFrom).contains(seq(2));
        assertThat(queue.acceptedSequencesOf("a")).isEmpty();
        assertThat(queue.acceptedSequencesOf("b")).containsExactly(seq(1));
        assertThat(queue.acceptedSequencesOf("c")).containsExactly(seq(4));
        assertThat(deadLetters.letters).isEmpty();
    }

    @Test
    void aChangeTheQueueRefusesForGoodGoesToTheDeadLetterQueueByKeyAndItsItemGoesOn() {
        queue.refuseForGood(seq(1));

        Optional<String> retryFrom = service(Optional.of(deadLetters)).capture(
                records(put("a", 1, "too-long"), put("a", 2, "next")), Deadline.after(Duration.ofSeconds(5)));

        assertThat(retryFrom).isEmpty();
        assertThat(deadLetters.letters).singleElement().satisfies(letter -> {
            assertThat(codec.keyOf(letter.body()).groupId()).isEqualTo(ItemKey.of(Changes.key("a")).groupId());
            assertThat(letter.body()).doesNotContain("too-long");
            assertThat(letter.attributes()).containsEntry("source", "capture").containsKey("reason");
        });
        assertThat(queue.acceptedSequencesOf("a")).containsExactly(seq(2));
    }

    @Test
    void withoutADeadLetterQueueARecordRefusedForGoodIsTheRetryPoint() {
        queue.refuseForGood(seq(2));

        Optional<String> retryFrom = service(Optional.empty()).capture(
                records(put("b", 1, "x"), put("a", 2, "bad"), put("a", 3, "next")), Deadline.after(Duration.ofSeconds(5)));

        assertThat(retryFrom).contains(seq(2));
        assertThat(queue.acceptedSequencesOf("a")).isEmpty();
    }

    @Test
    void anUnreadableRecordBeforeEveryRefusalIsTheRetryPoint() {
        List<StreamChange> records = records(put("a", 1, "x"));
        records.add(0, StreamChange.unreadable(seq(0), "KEYS_ONLY stream"));

        Optional<String> retryFrom = service(Optional.of(deadLetters)).capture(records, Deadline.after(Duration.ofSeconds(5)));

        assertThat(retryFrom).contains(seq(0));
        assertThat(queue.acceptedSequencesOf("a")).containsExactly(seq(1));
    }

    private static String seq(int n) {
        return String.format("%021d", n);
    }

    @Test
    void callsOverDisjointItemsGoTogetherAndEachItemKeepsItsOrder() {
        List<ChangeEvent> changes = new ArrayList<>();
        for (int i = 0; i < 36; i++) {
            changes.add(put("item" + (i % 12), i, "v" + i)); // 12 items, 3 changes each, interleaved
        }
        queue.refuseTransiently(seq(5), 1);

        Optional<String> retryFrom = service(Optional.of(deadLetters)).capture(records(changes.toArray(ChangeEvent[]::new)),
                Deadline.after(Duration.ofSeconds(5)));

        assertThat(retryFrom).isEmpty();
        assertThat(queue.roundSizes.get(0)).as("the first 12 items' first changes: two calls at once").isEqualTo(2);
        assertThat(queue.roundSizes).hasSizeGreaterThanOrEqualTo(3);
        for (int item = 0; item < 12; item++) {
            int of = item;
            assertThat(queue.accepted.stream().filter(c -> c.key().equals(put("item" + of, 0, "").key()))
                    .map(QueuedChange::sequenceNumber).toList()).as("item%d in stream order", item)
                    .containsExactly(seq(of), seq(of + 12), seq(of + 24));
        }
    }

    /** SendMessageBatch that refuses chosen entries: a number of times for now, or for good. */
    private static final class FakeQueue implements ChangeQueue {
        private final Map<String, Integer> transientRefusals = new HashMap<>();
        private final List<String> refusedForGood = new ArrayList<>();
        private final Map<String, Integer> attempts = new HashMap<>();
        private final List<QueuedChange> accepted = new ArrayList<>();

        void refuseTransiently(String sequence, int times) {
            transientRefusals.put(sequence, times);
        }

        void refuseForGood(String sequence) {
            refusedForGood.add(sequence);
        }

        final List<Integer> roundSizes = new ArrayList<>();

        @Override
        public List<Map<QueuedChange, Refusal>> sendAll(List<List<QueuedChange>> batches) {
            assertThat(batches.stream().flatMap(List::stream).map(QueuedChange::groupId).distinct().count())
                    .as("calls sent at once hold disjoint items").isEqualTo(batches.stream().mapToLong(List::size).sum());
            roundSizes.add(batches.size());
            return ChangeQueue.super.sendAll(batches);
        }

        @Override
        public Map<QueuedChange, Refusal> send(List<QueuedChange> batch) {
            assertThat(batch.stream().map(QueuedChange::groupId).distinct().count())
                    .as("entries of one item never share a call").isEqualTo(batch.size());
            Map<QueuedChange, Refusal> refused = new HashMap<>();
            for (QueuedChange change : batch) {
                attempts.merge(change.sequenceNumber(), 1, Integer::sum);
                int left = transientRefusals.getOrDefault(change.sequenceNumber(), 0);
                if (left > 0) {
                    transientRefusals.put(change.sequenceNumber(), left - 1);
                    refused.put(change, Refusal.transientFailure("ServiceUnavailable (SenderFault false)"));
                } else if (refusedForGood.contains(change.sequenceNumber())) {
                    refused.put(change, Refusal.ofRecord("InvalidParameterValue: message too long (SenderFault true)"));
                } else {
                    accepted.add(change);
                }
            }
            return refused;
        }

        List<String> sentSequences() {
            return accepted.stream().map(QueuedChange::sequenceNumber).toList();
        }

        List<String> acceptedSequencesOf(String pk) {
            String group = ItemKey.of(Changes.key(pk)).groupId();
            return accepted.stream().filter(c -> c.groupId().equals(group)).map(QueuedChange::sequenceNumber).toList();
        }

        int attemptsOf(String sequence) {
            return attempts.getOrDefault(sequence, 0);
        }
    }

    private static final class FakeDeadLetters implements DeadLetterQueue {
        final List<Letter> letters = new ArrayList<>();

        @Override
        public Optional<String> send(Letter letter) {
            letters.add(letter);
            return Optional.empty();
        }
    }

    private static final class FakeLedger implements SessionLedger {
        Instant captureFloor;
        final List<CaptureTally> tallies = new ArrayList<>();

        @Override
        public Optional<ActiveSession> active() {
            return Optional.of(new ActiveSession("s", "RESTORING", Optional.empty(), Optional.empty(), Optional.ofNullable(captureFloor)));
        }

        @Override
        public void recordCapture(ActiveSession session, CaptureTally tally) {
            tallies.add(tally);
        }

        @Override
        public void recordKeyLog(ActiveSession session, List<KeyLogEntry> keys) {
        }

        @Override
        public void recordReplay(ActiveSession session, ReplayTally tally) {
        }

        @Override
        public void recordConflicts(ActiveSession session, List<Conflict> conflicts) {
        }

        @Override
        public void recordReplayProblem(ActiveSession session, String problem) {
        }
    }
}
