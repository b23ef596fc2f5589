package dev.restorecdc.lambda;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
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
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.sqs.model.Message;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static dev.restorecdc.testing.ChangePathResource.CONTROL_TABLE;
import static dev.restorecdc.testing.ChangePathResource.SOURCE_TABLE;
import static dev.restorecdc.testing.ChangePathResource.TARGET_TABLE;
import static dev.restorecdc.local.StreamEvents.JSON;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.empty;

@QuarkusTest
@TestProfile(ReplayProfile.class)
@WithTestResource(ChangePathResource.class)
class ReplayHandlerTest {

    private static final String BATCH_WRITE = "DynamoDB_20120810.BatchWriteItem";
    private static final String SESSION = "s-replay";
    private static final String ORDER_1_PUT = "059f36b4-87a3-44ab-83d2-661975830a7d";
    private static final String ORDER_1_UPDATE = "2e1424d4-f796-459a-8184-9c92662be6da";
    private static final String ORDER_2_DELETE = "7a5c7a4e-1c4b-4e0b-9a77-3f1d2f2a9c10";

    @BeforeEach
    void clean() {
        ChangePathResource.reset();
    }

    private static ValidatableResponse invoke(JsonNode event) {
        return given().contentType("application/json").accept("application/json").body(event.toString())
                .when().post().then().statusCode(200);
    }

    private static void activeSession(Instant replayFrom) {
        Sessions.activate(ChangePathResource.dynamo(), CONTROL_TABLE, SOURCE_TABLE, SESSION, TARGET_TABLE, replayFrom, null);
    }

    private static Map<String, AttributeValue> target(String pk) {
        return ChangePathResource.dynamo().getItem(b -> b.tableName(TARGET_TABLE).consistentRead(true)
                .key(Map.of("pk", AttributeValue.fromS(pk)))).item();
    }

    private static void putTarget(String pk, String state) {
        ChangePathResource.dynamo().putItem(b -> b.tableName(TARGET_TABLE)
                .item(Map.of("pk", AttributeValue.fromS(pk), "state", AttributeValue.fromS(state))));
    }

    @Test
    void lastChangePerKeyWinsInOneBatchWriteWithDeleteByKey() {
        activeSession(null);
        putTarget("order#2", "OLD");

        invoke(StreamEvents.fixture("sqs-fifo-changes.json")).body("batchItemFailures", empty());

        assertThat(target("order#1").get("state").s()).isEqualTo("PAID");
        assertThat(target("order#2")).isEmpty();
        List<String> writes = ChangePathResource.proxy().requests(BATCH_WRITE).stream()
                .filter(body -> body.contains(TARGET_TABLE)).toList();
        assertThat(writes).hasSize(1);
        JsonNode requests = json(writes.get(0)).get("RequestItems").get(TARGET_TABLE);
        assertThat(requests).hasSize(2);
        assertThat(requests.findValues("DeleteRequest")).singleElement()
                .satisfies(delete -> assertThat(delete.get("Key").get("pk").get("S").asText()).isEqualTo("order#2"));
    }

    @Test
    void theKeyLogRidesInTheTargetsBatchWriteItemSoAnInvocationWritesOnce() {
        activeSession(null);

        invoke(StreamEvents.fixture("sqs-fifo-changes.json")).body("batchItemFailures", empty());

        assertThat(ChangePathResource.proxy().requests(BATCH_WRITE)).as("one call: the items and their key log entries")
                .singleElement().satisfies(body -> {
                    JsonNode requestItems = json(body).get("RequestItems");
                    assertThat(requestItems.get(TARGET_TABLE)).hasSize(2);
                    assertThat(requestItems.get(CONTROL_TABLE)).hasSize(2);
                });
        assertThat(keyLog()).hasSize(2);
    }

    /**
     * The production reuse of session reads (the handler tests read every invocation): capture sees
     * a CAUGHT_UP session's cutover at once; replay reuses a settled session whatever its status; no
     * session is reused briefly.
     */
    @Test
    void sessionReadsAreReusedAsLongAsWhatTheyDecideCannotChange() {
        dev.restorecdc.testing.ManualClock clock = new dev.restorecdc.testing.ManualClock(Instant.now());
        var viaProxy = new dev.restorecdc.local.LocalClients(ChangePathResource.proxy().endpoint()).dynamo();
        var capture = new dev.restorecdc.aws.ControlTableLedger(viaProxy, CONTROL_TABLE, SOURCE_TABLE, JSON, clock,
                java.time.Duration.ofSeconds(10), java.time.Duration.ofSeconds(1));
        var replay = new dev.restorecdc.aws.ControlTableLedger(viaProxy, CONTROL_TABLE, SOURCE_TABLE, JSON, clock,
                java.time.Duration.ofSeconds(10), java.time.Duration.ofSeconds(1));
        java.util.function.IntSupplier reads = () -> ChangePathResource.proxy().requests("DynamoDB_20120810.GetItem").size();

        assertThat(capture.active()).isEmpty();
        clock.advance(java.time.Duration.ofMillis(900));
        assertThat(capture.active()).as("no session, reused for 1 s").isEmpty();
        assertThat(reads.getAsInt()).isEqualTo(1);

        Instant at = Instant.parse("2026-11-25T10:00:00Z");
        Sessions.activate(ChangePathResource.dynamo(), CONTROL_TABLE, SOURCE_TABLE, SESSION, TARGET_TABLE, at, at);
        clock.advance(java.time.Duration.ofMillis(200));
        assertThat(capture.active()).as("seen once the reuse ran out").isPresent();
        assertThat(replay.activeForReplay()).isPresent();
        int settled = reads.getAsInt();
        clock.advance(java.time.Duration.ofSeconds(5));
        ChangePathResource.dynamo().updateItem(b -> b.tableName(CONTROL_TABLE).key(Map.of(
                        "pk", AttributeValue.fromS("TABLE#" + SOURCE_TABLE), "sk", AttributeValue.fromS("SESSION#" + SESSION)))
                .updateExpression("SET #s = :s").expressionAttributeNames(Map.of("#s", "status"))
                .expressionAttributeValues(Map.of(":s", AttributeValue.fromS("CUT_OVER"))));
        assertThat(replay.activeForReplay()).as("a settled session, reused for 10 s").get()
                .extracting(dev.restorecdc.cdc.ActiveSession::status).isEqualTo("REPLAYING");
        assertThat(reads.getAsInt()).isEqualTo(settled);
        clock.advance(java.time.Duration.ofSeconds(6));
        assertThat(capture.active()).get().extracting(dev.restorecdc.cdc.ActiveSession::status).isEqualTo("CUT_OVER");
        clock.advance(java.time.Duration.ofMillis(10));
        assertThat(capture.active()).as("never reused once cut over").isPresent();
        assertThat(reads.getAsInt()).isEqualTo(settled + 4);
    }

    @Test
    void changesBeforeReplayFromAreSkippedButItsWholeSecondIsReplayed() {
        activeSession(Instant.parse("2026-11-25T10:00:01.700Z"));
        ObjectNode event = StreamEvents.fixture("sqs-fifo-changes.json");
        // Keep only order#1's first change (10:00:00, before the window) and order#2's delete (10:00:02).
        ((ArrayNode) event.get("Records")).remove(1);
        putTarget("order#1", "UNTOUCHED");

        invoke(event).body("batchItemFailures", empty());

        assertThat(target("order#1").get("state").s()).isEqualTo("UNTOUCHED");
        var session = Sessions.read(ChangePathResource.dynamo(), CONTROL_TABLE, SOURCE_TABLE, SESSION);
        assertThat(Sessions.counter(session, "skipped_window")).isEqualTo(1);
        assertThat(Sessions.counter(session, "replayed_deletes")).isEqualTo(1);
    }

    @Test
    void sameSecondAsReplayFromIsInsideTheWindow() {
        activeSession(Instant.parse("2026-11-25T10:00:01.700Z"));

        invoke(StreamEvents.fixture("sqs-fifo-changes.json")).body("batchItemFailures", empty());

        assertThat(target("order#1").get("state").s()).isEqualTo("PAID");
    }

    @Test
    void unprocessedItemsAreRetriedWithBackoffUntilWritten() {
        activeSession(null);
        AtomicInteger calls = new AtomicInteger();
        ChangePathResource.proxy().on(BATCH_WRITE, (body, upstream) -> {
            if (body.contains(TARGET_TABLE) && calls.incrementAndGet() <= 2) {
                return new FaultProxy.Reply(200, "{\"UnprocessedItems\":" + json(body).get("RequestItems") + "}");
            }
            return upstream.send(body);
        });

        invoke(StreamEvents.fixture("sqs-fifo-changes.json")).body("batchItemFailures", empty());

        assertThat(target("order#1").get("state").s()).isEqualTo("PAID");
        assertThat(calls.get()).isEqualTo(3);
        var session = Sessions.read(ChangePathResource.dynamo(), CONTROL_TABLE, SOURCE_TABLE, SESSION);
        assertThat(Sessions.counter(session, "retries")).isEqualTo(2);
    }

    @Test
    void throttlingErrorIsRetriedNotDropped() {
        activeSession(null);
        AtomicInteger calls = new AtomicInteger();
        ChangePathResource.proxy().on(BATCH_WRITE, (body, upstream) -> {
            if (body.contains(TARGET_TABLE) && calls.incrementAndGet() <= 4) {
                return new FaultProxy.Reply(400, "{\"__type\":\"com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException\","
                        + "\"message\":\"The level of configured provisioned throughput for the table was exceeded.\"}");
            }
            return upstream.send(body);
        });

        invoke(StreamEvents.fixture("sqs-fifo-changes.json")).body("batchItemFailures", empty());

        assertThat(target("order#1").get("state").s()).isEqualTo("PAID");
    }

    @Test
    void keyStillThrottledAtTheDeadlineFailsItsGroupOnly() {
        activeSession(null);
        putTarget("order#2", "OLD");
        ChangePathResource.proxy().on(BATCH_WRITE, (body, upstream) -> {
            if (!body.contains(TARGET_TABLE)) {
                return upstream.send(body);
            }
            ObjectNode request = (ObjectNode) json(body);
            ArrayNode writes = (ArrayNode) request.get("RequestItems").get(TARGET_TABLE);
            ArrayNode kept = JSON.createArrayNode();
            ArrayNode held = JSON.createArrayNode();
            writes.forEach(w -> (w.toString().contains("order#1") ? held : kept).add(w));
            if (!kept.isEmpty()) {
                ((ObjectNode) request.get("RequestItems")).set(TARGET_TABLE, kept);
                upstream.send(request.toString());
            }
            ObjectNode reply = JSON.createObjectNode();
            if (!held.isEmpty()) {
                reply.putObject("UnprocessedItems").set(TARGET_TABLE, held);
            } else {
                reply.putObject("UnprocessedItems");
            }
            return new FaultProxy.Reply(200, reply.toString());
        });

        invoke(StreamEvents.fixture("sqs-fifo-changes.json"))
                .body("batchItemFailures.itemIdentifier", containsInAnyOrder(ORDER_1_PUT, ORDER_1_UPDATE));

        assertThat(target("order#1")).isEmpty();
        assertThat(target("order#2")).isEmpty();
    }

    @Test
    void poisonAtTheHeadOfAGroupGoesAloneToTheDlqWithItsReasonAndTheFiveChangesBehindItAreApplied() {
        activeSession(null);
        ObjectNode event = StreamEvents.fixture("sqs-fifo-changes.json");
        ArrayNode records = (ArrayNode) event.get("Records");
        ObjectNode template = (ObjectNode) records.get(1);
        records.removeAll();
        ObjectNode poison = template.deepCopy().put("messageId", "poison").put("body", "{\"v\":1,\"eventName\":\"INSERT\",\"keys\":");
        records.add(poison);
        for (int i = 1; i <= 5; i++) {
            records.add(template.deepCopy().put("messageId", "valid-" + i)
                    .put("body", template.get("body").asText().replace("PAID", "STEP-" + i)));
        }

        invoke(event).body("batchItemFailures", empty());

        assertThat(target("order#1").get("state").s()).isEqualTo("STEP-5");
        List<Message> letters = ChangePathResource.sqs().receiveMessage(b -> b.queueUrl(ChangePathResource.dlqUrl())
                .maxNumberOfMessages(10).messageAttributeNames("All")).messages();
        assertThat(letters).singleElement().satisfies(letter -> {
            assertThat(letter.body()).isEqualTo(poison.get("body").asText());
            assertThat(letter.messageAttributes().get("reason").stringValue()).startsWith("unreadable: ").contains("not JSON");
            assertThat(letter.messageAttributes().get("message_id").stringValue()).isEqualTo("poison");
        });
        var session = Sessions.read(ChangePathResource.dynamo(), CONTROL_TABLE, SOURCE_TABLE, SESSION);
        assertThat(Sessions.counter(session, "dead_lettered")).isEqualTo(1);
    }

    @Test
    void targetTableDeletedMidSessionReturnsTheBatchTellsTheSessionAndDeadLettersNothing() {
        Sessions.activate(ChangePathResource.dynamo(), CONTROL_TABLE, SOURCE_TABLE, SESSION, "source-restored-deleted", null, null);

        invoke(StreamEvents.fixture("sqs-fifo-changes.json"))
                .body("batchItemFailures.itemIdentifier", containsInAnyOrder(ORDER_1_PUT, ORDER_1_UPDATE, ORDER_2_DELETE));

        assertThat(ChangePathResource.sqs().receiveMessage(b -> b.queueUrl(ChangePathResource.dlqUrl())
                .maxNumberOfMessages(10)).messages()).isEmpty();
        var session = Sessions.read(ChangePathResource.dynamo(), CONTROL_TABLE, SOURCE_TABLE, SESSION);
        assertThat(session.get("replay_error").s()).contains("source-restored-deleted").contains("ResourceNotFoundException");
        assertThat(session).containsKey("replay_error_at");
    }

    @Test
    void failedKeyLogWriteSendsTheWrittenMessagesBackAndTheirRetryCompletesTheLog() {
        activeSession(null);
        ChangePathResource.proxy().on(BATCH_WRITE, (body, upstream) -> body.contains(CONTROL_TABLE)
                ? new FaultProxy.Reply(400, "{\"__type\":\"com.amazon.coral.service#AccessDeniedException\","
                        + "\"message\":\"injected: not allowed to write the control table\"}")
                : upstream.send(body));

        invoke(StreamEvents.fixture("sqs-fifo-changes.json"))
                .body("batchItemFailures.itemIdentifier", containsInAnyOrder(ORDER_1_PUT, ORDER_1_UPDATE, ORDER_2_DELETE));
        assertThat(keyLog()).isEmpty();
        assertThat(target("order#1").get("state").s()).as("the items alone were written: the key log's error, not the target's")
                .isEqualTo("PAID");
        assertThat(Sessions.read(ChangePathResource.dynamo(), CONTROL_TABLE, SOURCE_TABLE, SESSION))
                .as("not taken for a target problem").doesNotContainKey("replay_error");

        ChangePathResource.proxy().reset();
        invoke(StreamEvents.fixture("sqs-fifo-changes.json")).body("batchItemFailures", empty());
        assertThat(keyLog()).hasSize(2);
    }

    @Test
    void unknownSchemaVersionIsReportedFailed() {
        activeSession(null);
        ObjectNode event = StreamEvents.fixture("sqs-fifo-changes.json");
        ObjectNode last = (ObjectNode) event.get("Records").get(2);
        last.put("body", last.get("body").asText().replace("{\"v\":1,", "{\"v\":9,"));

        invoke(event).body("batchItemFailures.itemIdentifier", containsInAnyOrder(ORDER_2_DELETE));

        assertThat(target("order#1").get("state").s()).isEqualTo("PAID");
    }

    @Test
    void withoutATargetEveryMessageIsReportedFailed() {
        invoke(StreamEvents.fixture("sqs-fifo-changes.json"))
                .body("batchItemFailures.itemIdentifier", containsInAnyOrder(ORDER_1_PUT, ORDER_1_UPDATE, ORDER_2_DELETE));
    }

    @Test
    void sessionCountersAndKeyLogAreWritten() {
        activeSession(null);

        invoke(StreamEvents.fixture("sqs-fifo-changes.json")).body("batchItemFailures", empty());

        var session = Sessions.read(ChangePathResource.dynamo(), CONTROL_TABLE, SOURCE_TABLE, SESSION);
        assertThat(Sessions.counter(session, "replayed_puts")).isEqualTo(1);
        assertThat(Sessions.counter(session, "replayed_deletes")).isEqualTo(1);
        assertThat(Sessions.counter(session, "failed")).isZero();
        assertThat(session.get("replay_newest_at").s()).isEqualTo("2026-11-25T10:00:02.000Z");
        List<Map<String, AttributeValue>> keyLog = keyLog();
        assertThat(keyLog).hasSize(2);
        assertThat(keyLog).extracting(entry -> entry.get("pk").s()).allMatch(pk -> pk.matches("SESSION#" + SESSION + "#\\d+"));
        assertThat(keyLog).allSatisfy(entry -> {
            assertThat(entry.get("sk").s()).startsWith("KEY#");
            assertThat(Long.parseLong(entry.get("expires_at").n())).isGreaterThan(Instant.now().getEpochSecond());
        });
        assertThat(keyLog).extracting(entry -> entry.get("last_op").s() + " " + json(entry.get("key").s()).get("pk").get("S").asText())
                .containsExactlyInAnyOrder("PUT order#1", "DELETE order#2");
    }

    /** The session's key log, from every partition it is spread over. */
    private static List<Map<String, AttributeValue>> keyLog() {
        List<Map<String, AttributeValue>> entries = new java.util.ArrayList<>();
        for (int n = 0; n < dev.restorecdc.session.ControlTableKeys.KEY_LOG_PARTITIONS; n++) {
            String pk = dev.restorecdc.session.ControlTableKeys.keyLogPartition(SESSION, n);
            entries.addAll(ChangePathResource.dynamo().query(b -> b.tableName(CONTROL_TABLE).consistentRead(true)
                    .keyConditionExpression("pk = :pk").expressionAttributeValues(Map.of(":pk", AttributeValue.fromS(pk)))).items());
        }
        return entries;
    }

    private static JsonNode json(String text) {
        try {
            return JSON.readTree(text);
        } catch (Exception e) {
            throw new AssertionError(text, e);
        }
    }
}
