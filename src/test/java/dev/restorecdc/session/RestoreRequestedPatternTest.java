package dev.restorecdc.session;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.restorecdc.local.Emulator;
import dev.restorecdc.local.TerraformTemplate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.eventbridge.model.PutEventsRequestEntry;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The rendered EventBridge pattern on a real matcher (moto's): a rule with the pattern and an SQS
 * target receives exactly the CloudTrail events of successful restores of this table.
 */
class RestoreRequestedPatternTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String TABLE = "orders";
    private static final String TABLE_ARN = "arn:aws:dynamodb:us-east-1:123456789012:table/orders";

    private static Emulator emulator;
    private static EventBridgeClient events;
    private static SqsClient sqs;

    @BeforeAll
    static void startEmulator() {
        emulator = Emulator.start();
        events = emulator.configure(EventBridgeClient.builder()).build();
        sqs = emulator.configure(SqsClient.builder()).build();
    }

    @AfterAll
    static void stopEmulator() {
        emulator.close();
    }

    @Test
    void onlySuccessfulRestoresOfThisTableByNameOrArnMatch() throws IOException {
        String queueUrl = sqs.createQueue(r -> r.queueName("restore-requested")).queueUrl();
        String queueArn = sqs.getQueueAttributes(r -> r.queueUrl(queueUrl).attributeNames(QueueAttributeName.QUEUE_ARN))
                .attributes().get(QueueAttributeName.QUEUE_ARN);
        events.putRule(r -> r.name("restore-requested").eventPattern(TerraformTemplate.restoreRequestedPattern(TABLE, TABLE_ARN)));
        events.putTargets(r -> r.rule("restore-requested").targets(t -> t.id("queue").arn(queueArn)));

        List<String> fixtures = List.of("by-name", "by-arn", "other-table", "failed", "other-api");
        for (String fixture : fixtures) {
            JsonNode event = JSON.readTree(Files.readString(Path.of("src/test/resources/events/cloudtrail-restore-" + fixture + ".json")));
            String detail = JSON.writeValueAsString(event.get("detail"));
            var result = events.putEvents(r -> r.entries(PutEventsRequestEntry.builder()
                    .source(event.get("source").asText())
                    .detailType(event.get("detail-type").asText())
                    .detail(detail)
                    .build()));
            assertThat(result.failedEntryCount()).as(fixture).isZero();
        }

        List<String> arrivedTargets = new ArrayList<>();
        List<Message> messages;
        do {
            messages = sqs.receiveMessage(r -> r.queueUrl(queueUrl).maxNumberOfMessages(10).waitTimeSeconds(1)).messages();
            for (Message m : messages) {
                arrivedTargets.add(JSON.readTree(m.body()).at("/detail/requestParameters/targetTableName").asText());
            }
        } while (!messages.isEmpty());

        assertThat(arrivedTargets).containsExactlyInAnyOrder("orders-restored-latest", "orders-restored-undo");
    }

    /**
     * restore_regions: in another region the forwarding rule takes this table's restores by ARN only
     * (a bare "orders" there is that region's table), and the home rule still matches the forwarded
     * event, whose region is the other one.
     */
    @Test
    void inAnotherRegionOnlyTheArnNamesThisTableAndTheHomeRuleMatchesTheForwardedEvent() throws IOException {
        List<String> forwarded = arrived("forward", TerraformTemplate.restoreRequestedElsewherePattern(TABLE_ARN),
                List.of("other-region", "other-region-by-name", "failed", "other-table"));
        assertThat(forwarded).containsExactly("other-region:orders-restored-undo");

        List<String> home = arrived("home", TerraformTemplate.restoreRequestedPattern(TABLE, TABLE_ARN), List.of("other-region"));
        assertThat(home).containsExactly("other-region:orders-restored-undo");
    }

    /** Puts each fixture's event on the default bus and returns "fixture:target" of those a rule with the pattern received. */
    private List<String> arrived(String name, String pattern, List<String> fixtures) throws IOException {
        String queueUrl = sqs.createQueue(r -> r.queueName("pattern-" + name)).queueUrl();
        String queueArn = sqs.getQueueAttributes(r -> r.queueUrl(queueUrl).attributeNames(QueueAttributeName.QUEUE_ARN))
                .attributes().get(QueueAttributeName.QUEUE_ARN);
        events.putRule(r -> r.name("pattern-" + name).eventPattern(pattern));
        events.putTargets(r -> r.rule("pattern-" + name).targets(t -> t.id("queue").arn(queueArn)));
        for (String fixture : fixtures) {
            JsonNode event = JSON.readTree(Files.readString(Path.of("src/test/resources/events/cloudtrail-restore-" + fixture + ".json")));
            ((com.fasterxml.jackson.databind.node.ObjectNode) event.get("detail")).put("eventID", fixture);
            String detail = JSON.writeValueAsString(event.get("detail"));
            events.putEvents(r -> r.entries(PutEventsRequestEntry.builder().source(event.get("source").asText())
                    .detailType(event.get("detail-type").asText()).detail(detail).build()));
        }
        List<String> arrived = new ArrayList<>();
        List<Message> messages;
        do {
            messages = sqs.receiveMessage(r -> r.queueUrl(queueUrl).maxNumberOfMessages(10).waitTimeSeconds(1)).messages();
            for (Message m : messages) {
                JsonNode detail = JSON.readTree(m.body()).get("detail");
                arrived.add(detail.path("eventID").asText() + ":" + detail.at("/requestParameters/targetTableName").asText());
            }
        } while (!messages.isEmpty());
        events.removeTargets(r -> r.rule("pattern-" + name).ids("queue"));
        events.deleteRule(r -> r.name("pattern-" + name));
        return arrived;
    }

    @Test
    void renderedPatternNamesTheTableByNameAndArnAndNothingElse() throws IOException {
        JsonNode pattern = JSON.readTree(TerraformTemplate.restoreRequestedPattern(TABLE, TABLE_ARN));

        assertThat(pattern.at("/detail/$or/0/requestParameters/sourceTableName").toString())
                .isEqualTo("[\"orders\",\"" + TABLE_ARN + "\"]");
        assertThat(pattern.at("/detail/$or/1/requestParameters/sourceTableArn").toString()).isEqualTo("[\"" + TABLE_ARN + "\"]");
        assertThat(pattern.at("/detail/errorCode/0/exists").asBoolean(true)).isFalse();
        assertThat(Files.readString(TerraformTemplate.RESTORE_REQUESTED_PATTERN)).contains("${source_table_name}", "${source_table_arn}")
                .doesNotContain("${configuration}");
    }
}
