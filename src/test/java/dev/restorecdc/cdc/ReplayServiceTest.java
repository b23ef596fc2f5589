package dev.restorecdc.cdc;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** ReplayService's poison and trouble rules against in-memory fakes of its ports (no emulator). */
class ReplayServiceTest {

    private static final String TARGET = "restored";
    private final ChangeCodec codec = new ChangeCodec(Changes.JSON);
    private final List<ItemWrite> written = new ArrayList<>();
    private final List<DeadLetterQueue.Letter> letters = new ArrayList<>();
    private final Map<ItemKey, TargetWriter.Failure> failures = new HashMap<>();
    private final TargetWriter writer = (table, writes, deadline) -> {
        Map<ItemKey, TargetWriter.Failure> notWritten = new HashMap<>();
        for (ItemWrite write : writes) {
            TargetWriter.Failure failure = failures.get(write.key());
            if (failure == null) {
                written.add(write);
            } else {
                notWritten.put(write.key(), failure);
            }
        }
        return new TargetWriter.Result(notWritten, 0);
    };
    private final DeadLetterQueue dlq = letter -> {
        letters.add(letter);
        return Optional.empty();
    };
    private final FakeLedger ledger = new FakeLedger();

    private ReplayService service(Optional<DeadLetterQueue> deadLetters) {
        return new ReplayService(codec, writer, deadLetters, ledger, Optional.empty(), Optional.empty());
    }

    private IncomingChange message(String id, String group, String body) {
        return new IncomingChange(id, group, body);
    }

    private List<IncomingChange> poisonThenFive() {
        List<IncomingChange> batch = new ArrayList<>();
        batch.add(message("poison", "g", "{\"v\":1,\"eventName\":"));
        for (int i = 1; i <= 5; i++) {
            batch.add(message("m" + i, "g", codec.encode(Changes.put("a", i, "v" + i))));
        }
        return batch;
    }

    @Test
    void withoutADeadLetterQueuePoisonFailsItselfAndItsGroupAsBefore() {
        List<String> failed = service(Optional.empty()).replay(poisonThenFive(), Deadline.after(Duration.ofSeconds(1)));

        assertThat(failed).containsExactly("poison", "m1", "m2", "m3", "m4", "m5");
        assertThat(written).isEmpty();
    }

    @Test
    void powertoolsFifoEventWithoutADeadLetterQueueFailsEveryMessageOfItsGroupAndWritesNothing() throws Exception {
        List<IncomingChange> batch = new ArrayList<>();
        try (var in = getClass().getResourceAsStream("/events/real-world/powertools-java-sqs_fifo_event.json")) {
            for (var record : Changes.JSON.readTree(in).get("Records")) {
                batch.add(message(record.get("messageId").asText(), record.get("attributes").get("MessageGroupId").asText(),
                        record.get("body").asText()));
            }
        }

        List<String> failed = service(Optional.empty()).replay(batch, Deadline.after(Duration.ofSeconds(1)));

        assertThat(failed).containsExactlyElementsOf(batch.stream().map(IncomingChange::messageId).toList());
        assertThat(written).isEmpty();
    }

    @Test
    void withADeadLetterQueuePoisonIsAcknowledgedAndItsGroupGoesOn() {
        List<String> failed = service(Optional.of(dlq)).replay(poisonThenFive(), Deadline.after(Duration.ofSeconds(1)));

        assertThat(failed).isEmpty();
        assertThat(letters).singleElement().satisfies(letter -> {
            assertThat(letter.deduplicationId()).isEqualTo("poison");
            assertThat(letter.attributes().get("reason")).startsWith("unreadable: ");
        });
        assertThat(written).singleElement().satisfies(w -> assertThat(w.image().get("value").get("S").asText()).isEqualTo("v5"));
    }

    @Test
    void newerSchemaIsRetriedNotDeadLettered() {
        String newer = codec.encode(Changes.put("a", 1, "v1")).replace("{\"v\":1,", "{\"v\":2,");

        List<String> failed = service(Optional.of(dlq)).replay(List.of(message("new", "g", newer),
                message("after", "g", codec.encode(Changes.put("a", 2, "v2")))), Deadline.after(Duration.ofSeconds(1)));

        assertThat(failed).containsExactly("new", "after");
        assertThat(letters).isEmpty();
    }

    @Test
    void anItemDynamoDbRefusesForGoodIsDeadLetteredWhileOtherItemsAreWritten() {
        failures.put(Changes.put("bad", 1, "x").key(), TargetWriter.Failure.ofItem("ValidationException: Item size has exceeded"));

        List<String> failed = service(Optional.of(dlq)).replay(List.of(
                message("bad", "g-bad", codec.encode(Changes.put("bad", 1, "x"))),
                message("good", "g-good", codec.encode(Changes.put("good", 2, "y")))), Deadline.after(Duration.ofSeconds(1)));

        assertThat(failed).isEmpty();
        assertThat(letters).extracting(DeadLetterQueue.Letter::deduplicationId).containsExactly("bad");
        assertThat(letters.get(0).attributes().get("reason")).contains("ValidationException");
        assertThat(written).extracting(w -> w.key().canonical()).containsExactly("pk=S:good");
    }

    @Test
    void targetWideErrorReturnsTheBatchTellsTheSessionAndDeadLettersNothing() {
        failures.put(Changes.put("a", 1, "x").key(), TargetWriter.Failure.ofTarget("ResourceNotFoundException: no table"));

        List<String> failed = service(Optional.of(dlq)).replay(List.of(
                message("a", "g-a", codec.encode(Changes.put("a", 1, "x"))),
                message("b", "g-b", codec.encode(Changes.put("b", 2, "y")))), Deadline.after(Duration.ofSeconds(1)));

        assertThat(failed).containsExactly("a", "b");
        assertThat(letters).isEmpty();
        assertThat(ledger.problems).singleElement().asString().contains("ResourceNotFoundException");
        assertThat(ledger.keyLog).isEmpty();
    }

    @Test
    void aKeyLogThatCannotBeWrittenSendsTheWrittenMessagesBack() {
        ledger.keyLogFails = true;

        List<String> failed = service(Optional.of(dlq)).replay(List.of(
                message("a", "g-a", codec.encode(Changes.put("a", 1, "x")))), Deadline.after(Duration.ofSeconds(1)));

        assertThat(failed).containsExactly("a");
    }

    private static final class FakeLedger implements SessionLedger {
        final List<KeyLogEntry> keyLog = new ArrayList<>();
        final List<String> problems = new ArrayList<>();
        boolean keyLogFails;

        @Override
        public Optional<ActiveSession> active() {
            return Optional.of(new ActiveSession("s", "REPLAYING", Optional.of(TARGET), Optional.empty(), Optional.empty()));
        }

        @Override
        public void recordCapture(ActiveSession session, CaptureTally tally) {
        }

        @Override
        public void recordKeyLog(ActiveSession session, List<KeyLogEntry> keys) {
            if (keyLogFails) {
                throw new IllegalStateException("injected: key log unavailable");
            }
            keyLog.addAll(keys);
        }

        @Override
        public void recordReplay(ActiveSession session, ReplayTally tally) {
        }

        @Override
        public void recordReplayProblem(ActiveSession session, String problem) {
            problems.add(problem);
        }
    }
}
