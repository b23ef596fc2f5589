package dev.restorecdc.lambda;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.restorecdc.cdc.ItemKey;
import dev.restorecdc.testing.ChangePathResource;
import dev.restorecdc.local.FaultProxy;
import dev.restorecdc.testing.Sessions;
import dev.restorecdc.local.StreamEvents;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.ValidatableResponse;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static dev.restorecdc.testing.ChangePathResource.CONTROL_TABLE;
import static dev.restorecdc.testing.ChangePathResource.SOURCE_TABLE;
import static dev.restorecdc.local.StreamEvents.JSON;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.equalTo;

@QuarkusTest
@TestProfile(CaptureProfile.class)
@WithTestResource(ChangePathResource.class)
class CaptureHandlerTest {

    private static final Instant NOW = Instant.parse("2026-11-25T12:00:00Z");

    @BeforeEach
    void clean() {
        ChangePathResource.reset();
    }

    static ValidatableResponse invoke(JsonNode event) {
        return given().contentType("application/json").accept("application/json").body(event.toString())
                .when().post().then().statusCode(200);
    }

    private static JsonNode body(Message message) {
        try {
            return JSON.readTree(message.body());
        } catch (Exception e) {
            throw new AssertionError(message.body(), e);
        }
    }

    @Test
    void aTumblingWindowEventGetsItsStateBackWithTheBatchItemFailuresAndAFinalInvokeWithoutRecordsSucceeds() {
        ObjectNode event = StreamEvents.fixture("dynamodb-stream-mixed.json");
        event.put("shardId", "shardId-00000001700000000000-0a1b2c3d");
        event.putObject("window").put("start", "2026-11-25T12:00:00Z").put("end", "2026-11-25T12:01:00Z");
        event.putObject("state").put("kept", "as is");
        event.put("isFinalInvokeForWindow", false);
        event.put("isWindowTerminatedEarly", false);

        invoke(event).body("batchItemFailures", empty()).body("state.kept", org.hamcrest.Matchers.equalTo("as is"));
        Queue.drain(); // (the same fixture's event ids may be deduplicated against another test's sends)

        event.putArray("Records");
        event.put("isFinalInvokeForWindow", true);
        invoke(event).body("batchItemFailures", empty()).body("state.kept", org.hamcrest.Matchers.equalTo("as is"));
    }

    @Test
    void aPlainStreamEventStillGetsAStateObject() {
        invoke(StreamEvents.fixture("dynamodb-stream-mixed.json")).body("state", org.hamcrest.Matchers.anEmptyMap());
        Queue.drain();
    }

    @Test
    void eachRecordBecomesOneMessageGroupedByItemAndDeduplicatedByEventId() {
        ObjectNode event = StreamEvents.fixture("dynamodb-stream-mixed.json");

        invoke(event).body("batchItemFailures", empty());

        List<Message> messages = Queue.drain();
        assertThat(messages).hasSize(4);
        String customer1 = ItemKey.of((ObjectNode) JSON.createObjectNode().set("pk", JSON.createObjectNode().put("S", "customer#1"))).groupId();
        List<Message> ofCustomer1 = messages.stream()
                .filter(m -> m.attributes().get(MessageSystemAttributeName.MESSAGE_GROUP_ID).equals(customer1)).toList();
        assertThat(ofCustomer1).extracting(m -> body(m).get("eventName").asText()).containsExactly("INSERT", "MODIFY");
        assertThat(ofCustomer1).extracting(m -> m.attributes().get(MessageSystemAttributeName.MESSAGE_DEDUPLICATION_ID))
                .containsExactly("7de3041dd709b024af6f29e4fa13d34c", "0c1b2a3d4e5f60718293a4b5c6d7e8f9");
        JsonNode insert = body(ofCustomer1.get(0));
        assertThat(insert.has("oldImage")).isFalse();
        assertThat(insert.get("sourceTableArn").asText()).isEqualTo("arn:aws:dynamodb:us-east-1:123456789012:table/source");
        assertThat(insert.get("approximateCreationDateTime").asText()).isEqualTo("2026-11-25T09:46:40Z");
        assertThat(insert.get("newImage")).isEqualTo(event.get("Records").get(0).get("dynamodb").get("NewImage"));
        JsonNode remove = messages.stream().map(CaptureHandlerTest::body)
                .filter(b -> b.get("eventName").asText().equals("REMOVE")).findFirst().orElseThrow();
        assertThat(remove.has("newImage")).isFalse();
    }

    @Test
    void binaryAndNumberKeysKeepOneItemInOneGroupWhateverTheAttributeOrder() {
        invoke(StreamEvents.fixture("dynamodb-stream-binary-number-key.json")).body("batchItemFailures", empty());

        List<Message> messages = Queue.drain();
        assertThat(messages).hasSize(2);
        assertThat(messages).extracting(m -> m.attributes().get(MessageSystemAttributeName.MESSAGE_GROUP_ID)).containsOnly(
                messages.get(0).attributes().get(MessageSystemAttributeName.MESSAGE_GROUP_ID));
        assertThat(messages).extracting(m -> body(m).get("newImage").get("payload").get("S").asText())
                .containsExactly("first", "second");
    }

    @Test
    void redeliveredStreamRecordIsQueuedOnce() {
        StreamEvents events = StreamEvents.builder()
                .put("a", image("v1"), NOW).put("b", image("v1"), NOW).repeat(0);

        invoke(events.build()).body("batchItemFailures", empty());
        invoke(events.build()).body("batchItemFailures", empty());

        assertThat(Queue.drain()).hasSize(2);
    }

    @Test
    void refusedEntryStopsItsItemAndIsReportedWhileOtherItemsGoOn() {
        StreamEvents events = StreamEvents.builder()
                .put("a", image("a1"), NOW).put("b", image("b1"), NOW)
                .put("a", image("a2"), NOW).put("b", image("b2"), NOW).put("a", image("a3"), NOW);
        ObjectNode event = events.build();
        String firstOfB = event.get("Records").get(1).get("dynamodb").get("SequenceNumber").asText();
        ChangePathResource.proxy().on("AmazonSQS.SendMessageBatch", refuseEntriesContaining("\"b1\""));

        invoke(event).body("batchItemFailures[0].itemIdentifier", equalTo(firstOfB));

        List<Message> queued = Queue.drain();
        assertThat(queued).extracting(m -> body(m).get("newImage").get("value").get("S").asText())
                .containsExactly("a1", "a2", "a3");

        // Lambda retries from the reported record: b's changes arrive in order, a's are deduplicated.
        ChangePathResource.proxy().reset();
        ObjectNode retry = event.deepCopy();
        retry.withArray("Records").remove(0);
        invoke(retry).body("batchItemFailures", empty());
        assertThat(Queue.drain()).extracting(m -> body(m).get("newImage").get("value").get("S").asText())
                .containsExactly("b1", "b2");
    }

    @Test
    void fifteenPercentTransientEntryFailuresStillQueueEveryStreamBatchInOneInvocationInOrder() {
        long clean = captureAll(thousandChanges());
        List<Message> withoutFaults = Queue.drain();
        assertThat(withoutFaults).hasSize(1_000);

        Random dice = new Random(15);
        ChangePathResource.proxy().on("AmazonSQS.SendMessageBatch", failEntriesWhere(entry -> dice.nextInt(100) < 15,
                false, "InternalError", "injected transient failure"));
        long faulty = captureAll(thousandChanges()); // new event ids: SQS would drop repeats as duplicates
        // (every invocation answered without batchItemFailures: asserted inside captureAll)

        List<Message> queued = Queue.drain();
        assertThat(queued).hasSize(1_000);
        Map<String, List<Integer>> versionsByItem = new java.util.HashMap<>();
        for (Message message : queued) {
            JsonNode body = body(message);
            versionsByItem.computeIfAbsent(body.get("keys").get("pk").get("S").asText(), k -> new ArrayList<>())
                    .add(Integer.parseInt(body.get("newImage").get("value").get("S").asText()));
        }
        versionsByItem.forEach((item, versions) -> assertThat(versions).as(item).isSorted());
        assertThat(ChangePathResource.proxy().requests("AmazonSQS.SendMessageBatch")).isNotEmpty();
        System.out.printf("capture throughput (mock event server, emulator via fault proxy, 10 invocations of 100 records): "
                + "%.0f changes/s without faults, %.0f changes/s with 15%% transient entry failures%n",
                1_000 * 1e9 / clean, 1_000 * 1e9 / faulty);
    }

    @Test
    void recordSqsRefusesForGoodGoesToTheDlqByKeyAndTheShardGoesOn() {
        StreamEvents events = StreamEvents.builder()
                .put("a", image("1"), NOW).put("b", image("poison"), NOW)
                .put("b", image("2"), NOW).put("a", image("3"), NOW);
        ObjectNode event = events.build();
        String refusedSequence = event.get("Records").get(1).get("dynamodb").get("SequenceNumber").asText();
        ChangePathResource.proxy().on("AmazonSQS.SendMessageBatch", failEntriesWhere(
                entry -> entry.get("MessageBody").asText().contains("poison"), true, "InvalidParameterValue",
                "One or more parameters are invalid. Reason: Message must be shorter than 1048576 bytes."));

        invoke(event).body("batchItemFailures", empty());

        assertThat(Queue.drain()).extracting(m -> body(m).get("newImage").get("value").get("S").asText())
                .containsExactly("1", "2", "3");
        List<Message> letters = ChangePathResource.sqs().receiveMessage(b -> b.queueUrl(ChangePathResource.dlqUrl())
                .maxNumberOfMessages(10).messageAttributeNames("All")).messages();
        assertThat(letters).singleElement().satisfies(letter -> {
            JsonNode record = body(letter);
            assertThat(record.get("kind").asText()).isEqualTo("refused-by-queue");
            assertThat(record.get("keys").get("pk").get("S").asText()).isEqualTo("b");
            assertThat(record.get("sequenceNumber").asText()).isEqualTo(refusedSequence);
            assertThat(record.get("approximateCreationDateTime").asText()).isEqualTo(NOW.toString());
            assertThat(record.get("reason").asText()).contains("InvalidParameterValue").contains("shorter than");
            assertThat(letter.body()).doesNotContain("poison");
            assertThat(letter.messageAttributes().get("reason").stringValue()).contains("InvalidParameterValue");
        });
    }

    /** 1,000 changes of 50 items in 10 stream batches of 100; each item's values count up in stream order. */
    private static List<ObjectNode> thousandChanges() {
        Random random = new Random(1000);
        List<ObjectNode> batches = new ArrayList<>();
        StreamEvents batch = StreamEvents.builder();
        for (int i = 0; i < 1_000; i++) {
            batch.put("item#" + random.nextInt(50), image(Integer.toString(i)), NOW.plusSeconds(i / 100));
            if (batch.size() == 100) {
                batches.add(batch.build());
                batch = StreamEvents.builder();
            }
        }
        return batches;
    }

    /** Invokes capture once per stream batch; every batch must be queued whole (no partial batch response). */
    private static long captureAll(List<ObjectNode> batches) {
        long start = System.nanoTime();
        for (ObjectNode event : batches) {
            invoke(event).body("batchItemFailures", empty());
        }
        return System.nanoTime() - start;
    }

    @Test
    void changesBeforeTheCaptureFloorAreDroppedAndTheSessionIsStamped() {
        Sessions.activate(ChangePathResource.dynamo(), CONTROL_TABLE, SOURCE_TABLE, "s-capture", null, null,
                NOW.plusMillis(500));
        ObjectNode event = StreamEvents.builder()
                .put("old", image("x"), NOW.minusSeconds(1))
                .put("same-second", image("y"), NOW)
                .put("new", image("z"), NOW.plusSeconds(3)).build();

        invoke(event).body("batchItemFailures", empty());

        assertThat(Queue.drain()).extracting(m -> body(m).get("keys").get("pk").get("S").asText())
                .containsExactlyInAnyOrder("same-second", "new");
        var session = Sessions.read(ChangePathResource.dynamo(), CONTROL_TABLE, SOURCE_TABLE, "s-capture");
        assertThat(Sessions.counter(session, "captured")).isEqualTo(2);
        assertThat(Sessions.counter(session, "skipped_window")).isEqualTo(1);
        assertThat(session.get("capture_newest_at").s()).isEqualTo("2026-11-25T12:00:03.000Z");
        assertThat(Instant.parse(session.get("capture_ran_at").s())).isAfter(Instant.now().minusSeconds(60));
    }

    @Test
    void itemOf400KbGoesThroughCompressed() {
        ObjectNode big = JSON.createObjectNode();
        big.putObject("value").put("S", "\"quoted\"".repeat(50_000));
        ObjectNode event = StreamEvents.builder().put("big", big, NOW).put("small", image("s"), NOW).build();

        invoke(event).body("batchItemFailures", empty());

        List<Message> messages = Queue.drain();
        assertThat(messages).hasSize(2);
        assertThat(messages).anySatisfy(m -> assertThat(body(m).get("encoding").asText()).isEqualTo("gzip+base64"));
    }

    @Test
    void unreadableRecordIsReportedAndOthersAreQueued() {
        ObjectNode event = StreamEvents.builder().put("a", image("a1"), NOW).put("b", image("b1"), NOW).build();
        ObjectNode broken = (ObjectNode) event.get("Records").get(1);
        broken.put("eventName", "UPSERT");

        invoke(event).body("batchItemFailures[0].itemIdentifier",
                equalTo(broken.get("dynamodb").get("SequenceNumber").asText()));

        assertThat(Queue.drain()).hasSize(1);
    }

    static ObjectNode image(String value) {
        ObjectNode image = JSON.createObjectNode();
        image.putObject("value").put("S", value);
        return image;
    }

    /** Makes SQS refuse the entries whose body contains {@code marker}, as a partial batch failure. */
    static FaultProxy.Rule refuseEntriesContaining(String marker) {
        return failEntriesWhere(entry -> entry.get("MessageBody").asText().contains(marker), false, "InternalError",
                "injected by the test");
    }

    /** Makes SQS refuse the chosen entries of each SendMessageBatch (BatchResultErrorEntry) and send the others. */
    static FaultProxy.Rule failEntriesWhere(java.util.function.Predicate<JsonNode> refuse, boolean senderFault, String code,
                                            String message) {
        return (requestBody, upstream) -> {
            try {
                ObjectNode request = (ObjectNode) JSON.readTree(requestBody);
                List<JsonNode> refused = new ArrayList<>();
                var kept = JSON.createArrayNode();
                for (JsonNode entry : request.get("Entries")) {
                    boolean fails;
                    synchronized (refuse) {
                        fails = refuse.test(entry);
                    }
                    if (fails) {
                        refused.add(entry);
                    } else {
                        kept.add(entry);
                    }
                }
                ObjectNode reply;
                if (kept.isEmpty()) {
                    reply = JSON.createObjectNode();
                    reply.putArray("Successful");
                } else {
                    request.set("Entries", kept);
                    FaultProxy.Reply forwarded = upstream.send(request.toString());
                    reply = (ObjectNode) JSON.readTree(forwarded.body());
                }
                var failed = reply.putArray("Failed");
                for (JsonNode entry : refused) {
                    failed.addObject().put("Id", entry.get("Id").asText()).put("SenderFault", senderFault)
                            .put("Code", code).put("Message", message);
                }
                return new FaultProxy.Reply(200, reply.toString());
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        };
    }

}
