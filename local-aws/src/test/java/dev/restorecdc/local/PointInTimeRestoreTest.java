package dev.restorecdc.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.InvalidRestoreTimeException;
import software.amazon.awssdk.services.dynamodb.model.PointInTimeRecoveryUnavailableException;
import software.amazon.awssdk.services.dynamodb.model.TableDescription;
import software.amazon.awssdk.services.dynamodb.model.TableStatus;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The local RestoreTableToPointInTime against AWS's behaviour: the items as of the requested point,
 * CREATING first, RestoreSummary naming the point and the source, AWS's refusals, and the CloudTrail
 * event on the default bus (with errorCode when refused). moto alone copies the table as it is now.
 */
class PointInTimeRestoreTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static Emulator emulator;
    private static LocalClients aws;
    private static String events;

    @BeforeAll
    static void start() {
        emulator = Emulator.start();
        aws = new LocalClients(emulator.endpoint());
        events = aws.sqs().createQueue(r -> r.queueName("cloudtrail-events")).queueUrl();
        String arn = aws.sqs().getQueueAttributes(r -> r.queueUrl(events).attributeNames(QueueAttributeName.QUEUE_ARN))
                .attributes().get(QueueAttributeName.QUEUE_ARN);
        aws.events().putRule(r -> r.name("restores").eventPattern(
                "{\"source\":[\"aws.dynamodb\"],\"detail-type\":[\"AWS API Call via CloudTrail\"],\"detail\":{\"eventName\":[\"RestoreTableToPointInTime\"]}}"));
        aws.events().putTargets(r -> r.rule("restores").targets(t -> t.id("q").arn(arn)));
    }

    @AfterAll
    static void stop() {
        aws.close();
        emulator.close();
    }

    @Test
    void theTargetHoldsTheItemsAsTheyWereAtThePointAndIsCreatingFirst() throws Exception {
        LocalAws.createSourceTable(aws, "ledger", "pk");
        put("ledger", "a", "1");
        put("ledger", "b", "1");
        put("ledger", "c", "1");
        Instant restorePoint = nextSecond();
        put("ledger", "a", "0");
        aws.dynamo().deleteItem(r -> r.tableName("ledger").key(Map.of("pk", AttributeValue.fromS("b"))));
        put("ledger", "d", "0");
        aws.dynamo().updateItem(r -> r.tableName("ledger").key(Map.of("pk", AttributeValue.fromS("c")))
                .updateExpression("SET v = :v").expressionAttributeValues(Map.of(":v", AttributeValue.fromN("0"))));
        awaitRestorable("ledger", Instant.now());

        TableDescription restored = aws.dynamo().restoreTableToPointInTime(r -> r.sourceTableName("ledger")
                .targetTableName("ledger-restored").restoreDateTime(restorePoint)).tableDescription();

        assertThat(restored.tableStatus()).isEqualTo(TableStatus.CREATING);
        assertThat(restored.restoreSummary().restoreDateTime()).isEqualTo(restorePoint);
        assertThat(restored.restoreSummary().sourceTableArn()).endsWith(":table/ledger");
        assertThat(restored.restoreSummary().restoreInProgress()).isTrue();
        assertThat(items("ledger-restored")).isEqualTo(Map.of("a", "1", "b", "1", "c", "1"));
        aws.dynamo().waiter().waitUntilTableExists(r -> r.tableName("ledger-restored"), o -> o.waitTimeout(java.time.Duration.ofSeconds(30)).backoffStrategy(software.amazon.awssdk.core.retry.backoff.FixedDelayBackoffStrategy.create(java.time.Duration.ofMillis(200))));
        assertThat(aws.dynamo().describeTable(r -> r.tableName("ledger-restored")).table().restoreSummary().restoreInProgress()).isFalse();

        JsonNode detail = awaitEvent("ledger-restored");
        assertThat(detail.has("errorCode")).isFalse();
        assertThat(detail.at("/requestParameters/sourceTableName").asText()).isEqualTo("ledger");
        assertThat(detail.at("/requestParameters/restoreDateTime").asText()).isNotEmpty();
        assertThat(detail.at("/responseElements/tableDescription/restoreSummary/sourceTableArn").asText()).endsWith(":table/ledger");
    }

    @Test
    void aPointAfterTheLatestRestorableTimeIsRefusedAsAwsRefusesItAndCloudTrailReportsTheError() throws Exception {
        LocalAws.createSourceTable(aws, "journal", "pk");
        Instant future = Instant.now().plusSeconds(3600);

        assertThatThrownBy(() -> aws.dynamo().restoreTableToPointInTime(r -> r.sourceTableName("journal")
                .targetTableName("journal-future").restoreDateTime(future)))
                .isInstanceOf(InvalidRestoreTimeException.class);

        assertThat(awaitEvent("journal-future").path("errorCode").asText()).isEqualTo("InvalidRestoreTimeException");
        assertThat(aws.dynamo().listTables().tableNames()).doesNotContain("journal-future");
    }

    @Test
    void aTableWithoutPointInTimeRecoveryCannotBeRestored() {
        LocalAws.createSourceTable(aws, "nopitr", "pk");
        aws.dynamo().updateContinuousBackups(r -> r.tableName("nopitr")
                .pointInTimeRecoverySpecification(p -> p.pointInTimeRecoveryEnabled(false)));

        assertThatThrownBy(() -> aws.dynamo().restoreTableToPointInTime(r -> r.sourceTableName("nopitr")
                .targetTableName("nopitr-restored").useLatestRestorableTime(true)))
                .isInstanceOf(PointInTimeRecoveryUnavailableException.class);
    }

    @Test
    void theLatestRestorableTimeFollowsTheClockASecondBehind() {
        LocalAws.createSourceTable(aws, "clock", "pk");
        Instant before = Instant.now();
        awaitRestorable("clock", before);
        Instant latest = aws.dynamo().describeContinuousBackups(r -> r.tableName("clock")).continuousBackupsDescription()
                .pointInTimeRecoveryDescription().latestRestorableDateTime();
        assertThat(latest).isBetween(before.minusSeconds(2), Instant.now());
    }

    private static void put(String table, String pk, String value) {
        aws.dynamo().putItem(r -> r.tableName(table).item(Map.of("pk", AttributeValue.fromS(pk), "v", AttributeValue.fromN(value))));
    }

    private static Map<String, String> items(String table) {
        Map<String, String> found = new TreeMap<>();
        aws.dynamo().scanPaginator(r -> r.tableName(table)).items().forEach(i -> found.put(i.get("pk").s(), i.get("v").n()));
        return found;
    }

    /** A whole-second instant strictly after every write so far, once the clock has passed it. */
    private static Instant nextSecond() {
        Instant point = Instant.now().plusSeconds(1).truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
        while (!Instant.now().isAfter(point)) {
            Thread.onSpinWait();
        }
        return point;
    }

    private static void awaitRestorable(String table, Instant point) {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline) {
            Instant latest = aws.dynamo().describeContinuousBackups(r -> r.tableName(table)).continuousBackupsDescription()
                    .pointInTimeRecoveryDescription().latestRestorableDateTime();
            if (!latest.isBefore(point)) {
                return;
            }
        }
        throw new AssertionError("latest restorable time of " + table + " never reached " + point);
    }

    /** The detail of the CloudTrail event for a restore into {@code target}, from the rule's queue. */
    private static JsonNode awaitEvent(String target) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        List<String> seen = new ArrayList<>();
        while (System.nanoTime() < deadline) {
            for (Message message : aws.sqs().receiveMessage(r -> r.queueUrl(events).maxNumberOfMessages(10).waitTimeSeconds(1)).messages()) {
                JsonNode detail = JSON.readTree(message.body()).get("detail");
                seen.add(detail.at("/requestParameters/targetTableName").asText());
                if (target.equals(detail.at("/requestParameters/targetTableName").asText())) {
                    return detail;
                }
            }
        }
        throw new AssertionError("no CloudTrail event for a restore into " + target + "; saw " + seen);
    }
}
