package dev.restorecdc.lambda;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.restorecdc.cdc.Deadline;
import dev.restorecdc.cdc.IncomingChange;
import dev.restorecdc.cdc.ReplayService;
import dev.restorecdc.testing.ChangePathResource;
import dev.restorecdc.testing.Sessions;
import dev.restorecdc.local.StreamEvents;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static dev.restorecdc.testing.ChangePathResource.CONTROL_TABLE;
import static dev.restorecdc.testing.ChangePathResource.SOURCE_TABLE;
import static dev.restorecdc.testing.ChangePathResource.TARGET_TABLE;
import static dev.restorecdc.local.StreamEvents.JSON;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.equalTo;

/**
 * Every event of src/test/resources/events/real-world/ (copied from shared/fixtures/real-world, whose
 * README gives each one's expected result) through the real capture handler and the replay service
 * the replay handler calls, on the strict emulator with the queues as deployed (DLQ configured).
 */
@QuarkusTest
@TestProfile(CaptureProfile.class)
@WithTestResource(ChangePathResource.class)
class RealWorldEventsTest {

    private static final String SESSION = "s-real-world";
    private static final String BY_NUMBER_ID = "real-world-id";      // key id (N)
    private static final String BY_CAPITAL_ID = "real-world-Id";     // key Id (N)
    private static final String BY_PK_SK = "real-world-pk-sk";       // keys pk (S) + sk (B)

    @Inject
    ReplayService replay;

    @BeforeEach
    void clean() {
        ChangePathResource.reset();
        createTable(BY_NUMBER_ID, "id", ScalarAttributeType.N, null, null);
        createTable(BY_CAPITAL_ID, "Id", ScalarAttributeType.N, null, null);
        createTable(BY_PK_SK, "pk", ScalarAttributeType.S, "sk", ScalarAttributeType.B);
    }

    private static ObjectNode fixture(String name) {
        return StreamEvents.fixture("real-world/" + name);
    }

    private static void sessionInto(String target) {
        Sessions.activate(ChangePathResource.dynamo(), CONTROL_TABLE, SOURCE_TABLE, SESSION, target, null, null);
    }

    @Test
    void creationTimeAsIntegerDecimalExponentAndFractionIsQueuedAtTheSameSecond() {
        CaptureHandlerTest.invoke(fixture("stream-creation-time-forms.json")).body("batchItemFailures", empty());

        assertThat(Queue.drain()).extracting(m -> body(m).get("approximateCreationDateTime").asText())
                .containsExactlyInAnyOrder("2021-06-01T14:50:07Z", "2021-06-01T14:50:07Z", "2021-06-01T14:50:07Z",
                        "2021-06-01T14:50:07.900Z");
    }

    @Test
    void ttlExpiryRemovesAreReplayedAsDeletes() {
        sessionInto(TARGET_TABLE);
        for (String pk : List.of("session#1", "session#2")) {
            ChangePathResource.dynamo().putItem(b -> b.tableName(TARGET_TABLE).item(Map.of("pk", AttributeValue.fromS(pk))));
        }

        CaptureHandlerTest.invoke(fixture("stream-ttl-expiry-remove.json")).body("batchItemFailures", empty());
        drainThroughReplay();

        assertThat(ChangePathResource.dynamo().scan(b -> b.tableName(TARGET_TABLE)).items()).isEmpty();
    }

    @Test
    void keysOnlyAndOldImageRecordsAreRefusedByTheirViewTypeAndNothingBogusIsQueued() {
        CaptureHandlerTest.invoke(fixture("stream-keys-only-and-old-image.json"))
                .body("batchItemFailures[0].itemIdentifier", equalTo("4000000000000000000002"));

        assertThat(Queue.drain()).extracting(m -> body(m).get("keys").get("pk").get("S").asText()).containsExactlyInAnyOrder("a", "d");
    }

    @Test
    void numbersAtDynamoDbsPrecisionLimitsArriveEqualByValue() {
        sessionInto(BY_NUMBER_ID);
        ObjectNode event = fixture("stream-number-precision.json");

        CaptureHandlerTest.invoke(event).body("batchItemFailures", empty());
        drainThroughReplay();

        JsonNode source = event.get("Records").get(0).get("dynamodb").get("NewImage");
        List<Map<String, AttributeValue>> items = ChangePathResource.dynamo().scan(b -> b.tableName(BY_NUMBER_ID)).items();
        assertThat(items).singleElement().satisfies(item -> {
            for (String name : List.of("id", "n38", "frac38", "big", "tiny", "hundredE98")) {
                assertThat(new BigDecimal(item.get(name).n())).as(name)
                        .isEqualByComparingTo(new BigDecimal(source.get(name).get("N").asText()));
            }
            assertThat(item.get("ns").ns()).hasSize(2);
            assertThat(new BigDecimal(item.get("nested").l().get(0).n()))
                    .isEqualByComparingTo(new BigDecimal("3.14159265358979323846264338327950288419"));
        });
    }

    @Test
    void numbersEqualByValueAreOneItemWrittenOnce() {
        sessionInto(BY_NUMBER_ID);

        List<String> failed = replay.replay(messages(fixture("sqs-numbers-equal-by-value.json")), Deadline.after(Duration.ofSeconds(5)));

        assertThat(failed).isEmpty();
        List<Map<String, AttributeValue>> items = ChangePathResource.dynamo().scan(b -> b.tableName(BY_NUMBER_ID)).items();
        assertThat(items).singleElement().satisfies(item -> {
            assertThat(new BigDecimal(item.get("id").n())).isEqualByComparingTo("7");
            assertThat(item.get("v").s()).isEqualTo("b");
        });
    }

    @Test
    void maximumSizeKeysGetOneValidGroupAndKeepTheirOrder() {
        sessionInto(BY_PK_SK);
        ObjectNode event = fixture("stream-max-size-keys.json");

        CaptureHandlerTest.invoke(event).body("batchItemFailures", empty());
        List<Message> queued = Queue.receive(10);

        assertThat(queued).hasSize(2);
        Set<String> groups = new HashSet<>();
        queued.forEach(m -> groups.add(m.attributes().get(MessageSystemAttributeName.MESSAGE_GROUP_ID)));
        assertThat(groups).singleElement().satisfies(group -> assertThat(group.length()).isLessThanOrEqualTo(128));
        replayAndDelete(queued);
        JsonNode last = event.get("Records").get(1).get("dynamodb").get("NewImage");
        assertThat(ChangePathResource.dynamo().scan(b -> b.tableName(BY_PK_SK)).items()).singleElement()
                .satisfies(item -> assertThat(item.get("v").n()).isEqualTo(last.get("v").get("N").asText()));
    }

    @Test
    void awsLambdaJavaLibsEventIsAcceptedAndItsItemIsGoneAfterItsRemove() {
        sessionInto(BY_CAPITAL_ID);

        CaptureHandlerTest.invoke(fixture("aws-lambda-java-libs-dynamo_event.json")).body("batchItemFailures", empty());
        drainThroughReplay();

        assertThat(ChangePathResource.dynamo().scan(b -> b.tableName(BY_CAPITAL_ID)).items()).isEmpty();
    }

    @Test
    void powertoolsPythonEventQueuesRecordOneAndRefusesTheRecordWithoutCreationTimeByName() {
        CaptureHandlerTest.invoke(fixture("powertools-python-dynamoStreamEvent.json"))
                .body("batchItemFailures[0].itemIdentifier", equalTo("222"));

        assertThat(Queue.drain()).singleElement()
                .satisfies(m -> assertThat(body(m).get("keys").get("Id").get("N").asText()).isEqualTo("101"));
    }

    @Test
    void powertoolsJavaFifoEventWithApplicationBodiesWritesNothingAndGoesToTheDlqWithItsReason() {
        // README: "every message of the group failed (unknown body)" is the behaviour without a DLQ
        // (ReplayServiceTest); with CDC_DLQ_URL set, as deployed, unreadable bodies are poison.
        sessionInto(TARGET_TABLE);

        List<String> failed = replay.replay(messages(fixture("powertools-java-sqs_fifo_event.json")), Deadline.after(Duration.ofSeconds(5)));

        assertThat(failed).isEmpty();
        assertThat(ChangePathResource.dynamo().scan(b -> b.tableName(TARGET_TABLE)).items()).isEmpty();
        List<Message> letters = ChangePathResource.sqs().receiveMessage(b -> b.queueUrl(ChangePathResource.dlqUrl())
                .maxNumberOfMessages(10).messageAttributeNames("All")).messages();
        assertThat(letters).hasSize(3).allSatisfy(letter ->
                assertThat(letter.messageAttributes().get("reason").stringValue()).startsWith("unreadable: "));
    }

    /** The messages of an SQS event as ReplayHandler reads them. */
    static List<IncomingChange> messages(JsonNode sqsEvent) {
        List<IncomingChange> messages = new ArrayList<>();
        for (JsonNode record : sqsEvent.get("Records")) {
            messages.add(new IncomingChange(record.get("messageId").asText(),
                    record.path("attributes").path("MessageGroupId").asText(null), record.get("body").asText()));
        }
        return messages;
    }

    private void drainThroughReplay() {
        for (List<Message> batch = Queue.receive(10); !batch.isEmpty(); batch = Queue.receive(10)) {
            replayAndDelete(batch);
        }
    }

    private void replayAndDelete(List<Message> batch) {
        List<IncomingChange> changes = batch.stream().map(m -> new IncomingChange(m.messageId(),
                m.attributes().get(MessageSystemAttributeName.MESSAGE_GROUP_ID), m.body())).toList();
        Set<String> failed = new HashSet<>(replay.replay(changes, Deadline.after(Duration.ofSeconds(5))));
        assertThat(failed).as("replay failures").isEmpty();
        Queue.delete(batch);
    }

    private static JsonNode body(Message message) {
        try {
            return JSON.readTree(message.body());
        } catch (Exception e) {
            throw new AssertionError(message.body(), e);
        }
    }

    private static void createTable(String name, String hash, ScalarAttributeType hashType, String range,
                                    ScalarAttributeType rangeType) {
        try {
            ChangePathResource.dynamo().describeTable(b -> b.tableName(name));
            ChangePathResource.dynamo().deleteTable(b -> b.tableName(name));
        } catch (ResourceNotFoundException absent) {
            // first use
        }
        List<AttributeDefinition> attributes = new ArrayList<>(List.of(
                AttributeDefinition.builder().attributeName(hash).attributeType(hashType).build()));
        List<KeySchemaElement> keys = new ArrayList<>(List.of(
                KeySchemaElement.builder().attributeName(hash).keyType(KeyType.HASH).build()));
        if (range != null) {
            attributes.add(AttributeDefinition.builder().attributeName(range).attributeType(rangeType).build());
            keys.add(KeySchemaElement.builder().attributeName(range).keyType(KeyType.RANGE).build());
        }
        ChangePathResource.dynamo().createTable(b -> b.tableName(name).billingMode(BillingMode.PAY_PER_REQUEST)
                .attributeDefinitions(attributes).keySchema(keys));
    }
}
