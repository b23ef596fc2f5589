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
        return new ReplayService(codec, writer, deadLetters, ledger, Optional.empty(), Optional.empty(), probe);
    }

    /** The restored table as change replay reads it: the items written so far, and the fake ledger's key log. */
    private final Map<ItemKey, com.fasterxml.jackson.databind.node.ObjectNode> target = new HashMap<>();
    private int probes;
    private final TargetProbe probe = (table, sessionId, keys, deadline) -> {
        probes++;
        Map<ItemKey, TargetProbe.Probe> found = new HashMap<>();
        for (ItemKey key : keys) {
            Optional<SessionLedger.KeyLogEntry> logged = ledger.keyLog.stream().filter(entry -> entry.key().equals(key))
                    .reduce((first, second) -> second);
            found.put(key, new TargetProbe.Probe(target.get(key), logged.isPresent(),
                    logged.map(SessionLedger.KeyLogEntry::touched).orElse(null)));
        }
        return found;
    };

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
        String newer = codec.encode(Changes.put("a", 1, "v1")).replace("{\"v\":2,", "{\"v\":3,");

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

    // ---- change replay (undo sessions) ----

    private static com.fasterxml.jackson.databind.node.ObjectNode item(String pk, String attributes) {
        return Changes.item(pk, attributes);
    }

    private IncomingChange body(String id, ChangeEvent change) {
        return message(id, change.key().groupId(), codec.encode(change));
    }

    /** Applies what the fake writer was asked to write to the fake target, as DynamoDB would. */
    private void applyWritten() {
        for (ItemWrite write : written) {
            if (write.isUpdate()) {
                var item = target.get(write.key()).deepCopy();
                write.set().fields().forEachRemaining(f -> item.set(f.getKey(), f.getValue()));
                write.remove().forEach(item::remove);
                target.put(write.key(), item);
            } else if (write.isDelete()) {
                target.remove(write.key());
            } else {
                target.put(write.key(), write.image());
            }
        }
        written.clear();
    }

    @Test
    void anUndoAppliesOnlyWhatAModifyDidSoValuesOfTheUndoneWindowStayOut() {
        ledger.semantics = ReplaySemantics.CHANGE;
        ItemKey k = ItemKey.of(Changes.key("k"));
        target.put(k, item("k", "\"price\":{\"N\":\"5\"},\"stock\":{\"N\":\"10\"}")); // the item at T
        // At R the source holds price 0 (a bad write); the application then sells one.
        ChangeEvent sale = Changes.modify("k", 1, item("k", "\"price\":{\"N\":\"0\"},\"stock\":{\"N\":\"10\"}"),
                item("k", "\"price\":{\"N\":\"0\"},\"stock\":{\"N\":\"9\"}"));

        List<String> failed = service(Optional.of(dlq)).replay(List.of(body("m1", sale)), Deadline.after(Duration.ofSeconds(1)));
        applyWritten();

        assertThat(failed).isEmpty();
        assertThat(target.get(k)).isEqualTo(item("k", "\"price\":{\"N\":\"5\"},\"stock\":{\"N\":\"9\"}"));
        assertThat(ledger.conflicts.get(k)).satisfies(conflict -> {
            assertThat(conflict.kind()).isEqualTo(Conflict.MODIFIED_IN_WINDOW);
            assertThat(conflict.changed()).containsExactly("stock");
            assertThat(conflict.targetDigest()).isNotEqualTo(conflict.oldImageDigest());
        });
        assertThat(ledger.keyLog).singleElement().satisfies(entry -> assertThat(entry.touched()).containsExactly("stock"));
        assertThat(probes).as("one read of the batch's keys").isEqualTo(1);
    }

    @Test
    void aModifyOfAnItemTheTargetLacksPutsTheWholeNewImageAndIsAConflict() {
        ledger.semantics = ReplaySemantics.CHANGE;
        ItemKey k = ItemKey.of(Changes.key("k"));
        ChangeEvent change = Changes.modify("k", 1, item("k", "\"v\":{\"S\":\"bad\"}"), item("k", "\"v\":{\"S\":\"good\"},\"w\":{\"N\":\"1\"}"));

        service(Optional.of(dlq)).replay(List.of(body("m1", change)), Deadline.after(Duration.ofSeconds(1)));

        assertThat(written).singleElement().satisfies(write -> {
            assertThat(write.isUpdate()).isFalse();
            assertThat(write.image()).isEqualTo(item("k", "\"v\":{\"S\":\"good\"},\"w\":{\"N\":\"1\"}"));
        });
        assertThat(ledger.conflicts.get(k).kind()).isEqualTo(Conflict.CREATED_IN_WINDOW);
    }

    @Test
    void anInsertOfAKeyTheWindowDeletedIsAConflictAndAKeyTheWindowLeftAloneIsNot() {
        ledger.semantics = ReplaySemantics.CHANGE;
        target.put(ItemKey.of(Changes.key("deleted")), item("deleted", "\"v\":{\"S\":\"t\"}"));
        target.put(ItemKey.of(Changes.key("same")), item("same", "\"n\":{\"N\":\"1.0\"},\"s\":{\"SS\":[\"b\",\"a\"]}"));

        service(Optional.of(dlq)).replay(List.of(
                body("m1", Changes.insert("deleted", 1, item("deleted", "\"v\":{\"S\":\"new\"}"))),
                body("m2", Changes.modify("same", 2, item("same", "\"n\":{\"N\":\"1\"},\"s\":{\"SS\":[\"a\",\"b\"]}"),
                        item("same", "\"n\":{\"N\":\"2\"},\"s\":{\"SS\":[\"a\",\"b\"]}")))), Deadline.after(Duration.ofSeconds(1)));

        assertThat(ledger.conflicts.keySet()).extracting(ItemKey::canonical).containsExactly("pk=S:deleted");
        assertThat(ledger.conflicts.values()).singleElement().satisfies(c -> assertThat(c.kind()).isEqualTo(Conflict.DELETED_IN_WINDOW));
    }

    @Test
    void aChangeDeliveredTwiceIsNotAConflict() {
        ledger.semantics = ReplaySemantics.CHANGE;
        ItemKey k = ItemKey.of(Changes.key("k"));
        target.put(k, item("k", "\"n\":{\"N\":\"1\"}"));
        ChangeEvent change = Changes.modify("k", 1, item("k", "\"n\":{\"N\":\"1\"}"), item("k", "\"n\":{\"N\":\"2\"}"));

        service(Optional.of(dlq)).replay(List.of(body("m1", change)), Deadline.after(Duration.ofSeconds(1)));
        applyWritten();
        // The stream record comes again (capture retried past SQS's 5-minute deduplication window):
        // the target now holds its effect, not its old image.
        List<String> failed = service(Optional.of(dlq)).replay(List.of(body("m1-again", change)), Deadline.after(Duration.ofSeconds(1)));
        applyWritten();

        assertThat(failed).isEmpty();
        assertThat(ledger.conflicts).isEmpty();
        assertThat(target.get(k)).isEqualTo(item("k", "\"n\":{\"N\":\"2\"}"));
    }

    @Test
    void theKeyLogOfAnUpdatedKeyNamesEveryAttributeItsReplaysTouchedAndTheWholeItemOnceOneWasPut() {
        ledger.semantics = ReplaySemantics.CHANGE;
        ItemKey k = ItemKey.of(Changes.key("k"));
        target.put(k, item("k", "\"stock\":{\"N\":\"10\"},\"note\":{\"S\":\"t\"}"));
        ReplayService service = service(Optional.of(dlq));

        service.replay(List.of(body("m1", Changes.modify("k", 1, item("k", "\"stock\":{\"N\":\"10\"},\"note\":{\"S\":\"t\"}"),
                item("k", "\"stock\":{\"N\":\"9\"},\"note\":{\"S\":\"t\"}")))), Deadline.after(Duration.ofSeconds(1)));
        applyWritten();
        service.replay(List.of(body("m2", Changes.modify("k", 2, item("k", "\"stock\":{\"N\":\"9\"},\"note\":{\"S\":\"t\"}"),
                item("k", "\"stock\":{\"N\":\"9\"}")))), Deadline.after(Duration.ofSeconds(1)));
        applyWritten();

        assertThat(ledger.keyLog.get(1).touched()).containsExactly("note", "stock");

        service.replay(List.of(body("m3", Changes.remove("k", 3, item("k", "\"stock\":{\"N\":\"9\"}")))),
                Deadline.after(Duration.ofSeconds(1)));
        applyWritten();
        service.replay(List.of(body("m4", Changes.insert("k", 4, item("k", "\"v\":{\"S\":\"x\"}")))), Deadline.after(Duration.ofSeconds(1)));
        applyWritten();
        service.replay(List.of(body("m5", Changes.modify("k", 5, item("k", "\"v\":{\"S\":\"x\"}"), item("k", "\"v\":{\"S\":\"y\"}")))),
                Deadline.after(Duration.ofSeconds(1)));

        assertThat(ledger.keyLog.get(4).touched()).as("a put or delete came before: the whole item is compared").isNull();
    }

    @Test
    void aCopyReplaysWholeImagesAndReadsNothing() {
        ledger.semantics = ReplaySemantics.IMAGE;
        target.put(ItemKey.of(Changes.key("k")), item("k", "\"price\":{\"N\":\"5\"}"));
        ChangeEvent change = Changes.modify("k", 1, item("k", "\"price\":{\"N\":\"0\"}"), item("k", "\"price\":{\"N\":\"0\"},\"s\":{\"N\":\"1\"}"));

        service(Optional.of(dlq)).replay(List.of(body("m1", change)), Deadline.after(Duration.ofSeconds(1)));

        assertThat(written).singleElement().satisfies(write -> assertThat(write.image()).isEqualTo(change.newImage()));
        assertThat(probes).isZero();
        assertThat(ledger.conflicts).isEmpty();
    }

    @Test
    void anUndoWhoseTargetCannotBeReadReturnsTheBatchAndTellsTheSession() {
        ledger.semantics = ReplaySemantics.CHANGE;
        TargetProbe gone = (table, sessionId, keys, deadline) -> {
            throw new TargetProbe.TargetUnavailableException("ResourceNotFoundException: no table");
        };
        ReplayService service = new ReplayService(codec, writer, Optional.of(dlq), ledger, Optional.empty(), Optional.empty(), gone);

        List<String> failed = service.replay(List.of(body("m1", Changes.insert("k", 1, item("k", "")))),
                Deadline.after(Duration.ofSeconds(1)));

        assertThat(failed).containsExactly("m1");
        assertThat(written).isEmpty();
        assertThat(letters).isEmpty();
        assertThat(ledger.problems).singleElement().asString().contains("cannot read target restored");
    }

    @Test
    void aWriterThatCarriesTheKeyLogWritesItWithTheItemsAndTheLedgerIsNotCalledForIt() {
        List<TargetWriter.KeyLog> carried = new ArrayList<>();
        TargetWriter carrying = new TargetWriter() {
            @Override
            public Result write(String table, List<ItemWrite> writes, Deadline deadline) {
                throw new AssertionError("image replay in a session hands the key log to the writer");
            }

            @Override
            public Result write(String table, List<ItemWrite> writes, KeyLog keyLog, Deadline deadline) {
                written.addAll(writes);
                carried.add(keyLog);
                return new Result(Map.of(), 0, true);
            }
        };
        ReplayService service = new ReplayService(codec, carrying, Optional.empty(), ledger, Optional.empty(), Optional.empty(), probe);

        List<String> failed = service.replay(List.of(message("m1", "g1", codec.encode(Changes.put("a", 1, "x"))),
                message("m2", "g2", codec.encode(Changes.delete("b", 2)))), Deadline.after(Duration.ofSeconds(1)));

        assertThat(failed).isEmpty();
        assertThat(ledger.keyLog).as("the writer carried it: no second call").isEmpty();
        assertThat(carried).singleElement().satisfies(log -> {
            assertThat(log.session().sessionId()).isEqualTo("s");
            assertThat(log.entries().values()).extracting(SessionLedger.KeyLogEntry::lastOp).containsExactlyInAnyOrder("PUT", "DELETE");
        });
    }

    @Test
    void aWriterThatCannotCarryTheKeyLogLeavesItToTheLedgerBeforeTheMessagesAreAcknowledged() {
        List<String> failed = service(Optional.empty()).replay(List.of(message("m1", "g1",
                codec.encode(Changes.put("a", 1, "x")))), Deadline.after(Duration.ofSeconds(1)));

        assertThat(failed).isEmpty();
        assertThat(ledger.keyLog).extracting(SessionLedger.KeyLogEntry::lastOp).containsExactly("PUT");
    }

    @Test
    void countersAreAddedUpAndWrittenAtMostOncePerIntervalPerEnvironment() {
        dev.restorecdc.testing.ManualClock clock = new dev.restorecdc.testing.ManualClock(java.time.Instant.parse("2026-11-25T10:00:00Z"));
        ReplayService service = new ReplayService(codec, writer, Optional.empty(), ledger, Optional.empty(), Optional.empty(),
                probe, Optional.empty(), new CounterBuffer<>(Duration.ofSeconds(1), SessionLedger.ReplayTally::plus, clock));

        for (int i = 1; i <= 4; i++) {
            service.replay(List.of(message("m" + i, "g" + i, codec.encode(Changes.put("k" + i, i, "x")))),
                    Deadline.after(Duration.ofSeconds(1)));
            clock.advance(Duration.ofMillis(400));
        }

        // t = 0 (the environment's first: at once), t = 1.2 s (the three since), nothing yet for t = 1.2 s's successor.
        assertThat(ledger.tallies).extracting(SessionLedger.ReplayTally::replayedPuts).containsExactly(1, 3);
        assertThat(ledger.tallies.get(1).newestAt()).isEqualTo(Changes.put("k4", 4, "x").createdAt());
        assertThat(ledger.keyLog).as("the key log is never deferred").hasSize(4);
    }

    private static final class FakeLedger implements SessionLedger {
        final List<KeyLogEntry> keyLog = new ArrayList<>();
        final List<String> problems = new ArrayList<>();
        final Map<ItemKey, Conflict> conflicts = new java.util.LinkedHashMap<>();
        boolean keyLogFails;
        ReplaySemantics semantics;

        @Override
        public Optional<ActiveSession> active() {
            return Optional.of(new ActiveSession("s", "REPLAYING", Optional.of(TARGET), Optional.empty(), Optional.empty(),
                    Optional.ofNullable(semantics)));
        }

        @Override
        public void recordConflicts(ActiveSession session, List<Conflict> found) {
            found.forEach(conflict -> conflicts.putIfAbsent(conflict.key(), conflict));
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

        final List<ReplayTally> tallies = new ArrayList<>();

        @Override
        public void recordReplay(ActiveSession session, ReplayTally tally) {
            tallies.add(tally);
        }

        @Override
        public void recordReplayProblem(ActiveSession session, String problem) {
            problems.add(problem);
        }
    }
}
