package dev.restorecdc.cdc;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class SendSchedulerTest {

    private static QueuedChange change(int position, String item, int bytes) {
        ItemKey key = ItemKey.of(Changes.key(item));
        return new QueuedChange(position, "seq-" + position, key.groupId(), "e" + position, "x".repeat(bytes), key);
    }

    @Test
    void entriesOfOneItemNeverShareACall() {
        List<QueuedChange> changes = List.of(change(0, "a", 10), change(1, "a", 10), change(2, "b", 10), change(3, "a", 10));
        SendScheduler scheduler = new SendScheduler(changes, 10, 1 << 20);

        List<List<Integer>> calls = new ArrayList<>();
        for (List<QueuedChange> batch = scheduler.nextBatch(); !batch.isEmpty(); batch = scheduler.nextBatch()) {
            calls.add(batch.stream().map(QueuedChange::position).toList());
            batch.forEach(scheduler::accepted);
        }

        assertThat(calls).containsExactly(List.of(0, 2), List.of(1), List.of(3));
        assertThat(scheduler.notQueued()).isEmpty();
    }

    @Test
    void callsHandedOutBeforeTheirOutcomeHoldOtherItemsOnly() {
        List<QueuedChange> changes = List.of(change(0, "a", 10), change(1, "b", 10), change(2, "a", 10), change(3, "c", 10));
        SendScheduler scheduler = new SendScheduler(changes, 2, 1 << 20);

        List<QueuedChange> first = scheduler.nextBatch();
        List<QueuedChange> second = scheduler.nextBatch();

        assertThat(first).extracting(QueuedChange::position).containsExactly(0, 1);
        assertThat(second).as("a's next change waits for its first").extracting(QueuedChange::position).containsExactly(3);
        assertThat(scheduler.nextBatch()).isEmpty();
        scheduler.retryLater(first.get(0));
        first.subList(1, 2).forEach(scheduler::accepted);
        second.forEach(scheduler::accepted);
        assertThat(scheduler.nextBatch()).as("a refused for now goes first again").extracting(QueuedChange::position).containsExactly(0);
    }

    @Test
    void afterAFailureNothingLaterOfThatItemIsSentButOtherItemsGoOn() {
        List<QueuedChange> changes = List.of(change(0, "a", 10), change(1, "b", 10), change(2, "a", 10), change(3, "b", 10));
        SendScheduler scheduler = new SendScheduler(changes, 10, 1 << 20);

        List<QueuedChange> first = scheduler.nextBatch();
        scheduler.refused(first.get(0));
        scheduler.accepted(first.get(1));
        List<QueuedChange> second = scheduler.nextBatch();

        assertThat(second).extracting(QueuedChange::position).containsExactly(3);
        second.forEach(scheduler::accepted);
        assertThat(scheduler.nextBatch()).isEmpty();
        assertThat(scheduler.notQueued()).extracting(QueuedChange::position).containsExactly(0, 2);
    }

    @Test
    void callsStayUnderTheEntryAndByteLimits() {
        List<QueuedChange> changes = new ArrayList<>();
        for (int i = 0; i < 25; i++) {
            changes.add(change(i, "item" + i, i % 2 == 0 ? 300_000 : 10));
        }
        SendScheduler scheduler = new SendScheduler(changes, 10, 1 << 20);

        int calls = 0;
        for (List<QueuedChange> batch = scheduler.nextBatch(); !batch.isEmpty(); batch = scheduler.nextBatch()) {
            calls++;
            assertThat(batch.size()).isLessThanOrEqualTo(10);
            assertThat(batch.stream().mapToInt(QueuedChange::sizeBytes).sum()).isLessThanOrEqualTo(1 << 20);
            batch.forEach(scheduler::accepted);
        }

        assertThat(scheduler.queuedCount()).isEqualTo(25);
        assertThat(calls).isGreaterThanOrEqualTo(5);
    }
}
