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

    /**
     * AWS restores across regions only by source ARN, called in the region the table is to be created
     * in (which is where CloudTrail, and so EventBridge, reports the call): the source is the ARN's
     * table, even when the calling region has a table of the same name.
     */
    @Test
    void aRestoreCalledInAnotherRegionBySourceArnCreatesTheTableThereAndIsReportedThere() throws Exception {
        LocalAws.createSourceTable(aws, "atlas", "pk");
        put("atlas", "home", "1");
        try (LocalClients west = new LocalClients(emulator.endpoint(), software.amazon.awssdk.regions.Region.EU_WEST_1)) {
            String westEvents = captureRestoreEvents(west, "west-restores");
            LocalAws.createSourceTable(west, "atlas", "pk");
            west.dynamo().putItem(r -> r.tableName("atlas").item(Map.of("pk", AttributeValue.fromS("west"), "v", AttributeValue.fromN("2"))));
            String atlasArn = aws.dynamo().describeTable(r -> r.tableName("atlas")).table().tableArn();
            awaitRestorable("atlas", Instant.now());

            TableDescription restored = west.dynamo().restoreTableToPointInTime(r -> r.sourceTableArn(atlasArn)
                    .targetTableName("atlas-restored-west").useLatestRestorableTime(true)).tableDescription();

            assertThat(restored.tableArn()).startsWith("arn:aws:dynamodb:eu-west-1:");
            assertThat(restored.restoreSummary().sourceTableArn()).isEqualTo(atlasArn);
            Map<String, String> items = new TreeMap<>();
            west.dynamo().scanPaginator(r -> r.tableName("atlas-restored-west")).items().forEach(i -> items.put(i.get("pk").s(), i.get("v").n()));
            assertThat(items).as("the us-east-1 source's items, not eu-west-1's table of the same name").isEqualTo(Map.of("home", "1"));
            assertThat(aws.dynamo().listTables().tableNames()).doesNotContain("atlas-restored-west");

            JsonNode detail = awaitEvent(west, westEvents, "atlas-restored-west");
            assertThat(detail.path("awsRegion").asText()).isEqualTo("eu-west-1");
            assertThat(detail.at("/requestParameters/sourceTableArn").asText()).isEqualTo(atlasArn);
            assertThat(detail.at("/responseElements/tableDescription/tableArn").asText()).startsWith("arn:aws:dynamodb:eu-west-1:");
        }
    }

    /** A source name is a table of the calling region: another region's table cannot be named so. */
    @Test
    void aRestoreCalledInAnotherRegionByTableNameIsRefusedAsAwsRefusesIt() {
        LocalAws.createSourceTable(aws, "borealis", "pk");
        String arn = aws.dynamo().describeTable(r -> r.tableName("borealis")).table().tableArn();
        try (LocalClients west = new LocalClients(emulator.endpoint(), software.amazon.awssdk.regions.Region.EU_WEST_1)) {
            assertThatThrownBy(() -> west.dynamo().restoreTableToPointInTime(r -> r.sourceTableName("borealis")
                    .targetTableName("borealis-restored").useLatestRestorableTime(true)))
                    .satisfies(PointInTimeRestoreTest::sourceTableNotFound);
            assertThatThrownBy(() -> west.dynamo().restoreTableToPointInTime(r -> r.sourceTableName(arn)
                    .targetTableName("borealis-restored").useLatestRestorableTime(true)))
                    .as("nor by its ARN in the name parameter")
                    .satisfies(PointInTimeRestoreTest::sourceTableNotFound);
            assertThat(west.dynamo().listTables().tableNames()).doesNotContain("borealis-restored");
        }
    }

    /**
     * A rule may forward to the event bus of another region (the deployment's restore_regions): AWS
     * wants a role for that target, and the event arrives as it was sent (its region is where it happened).
     */
    @Test
    void aRuleForwardsToAnotherRegionsBusWithARoleAndTheEventKeepsItsRegion() throws Exception {
        String homeBus = "arn:aws:events:" + LocalClients.REGION.id() + ":" + LocalClients.ACCOUNT + ":event-bus/default";
        try (LocalClients west = new LocalClients(emulator.endpoint(), software.amazon.awssdk.regions.Region.EU_WEST_1)) {
            west.events().putRule(r -> r.name("forward").eventPattern(
                    "{\"source\":[\"aws.dynamodb\"],\"detail\":{\"eventName\":[\"RestoreTableToPointInTime\"]}}"));
            assertThatThrownBy(() -> west.events().putTargets(r -> r.rule("forward").targets(t -> t.id("home").arn(homeBus))))
                    .as("a cross-Region bus target without a role")
                    .hasMessageContaining("RoleArn");
            west.events().putTargets(r -> r.rule("forward").targets(t -> t.id("home").arn(homeBus)
                    .roleArn("arn:aws:iam::" + LocalClients.ACCOUNT + ":role/forward")));

            LocalAws.createSourceTable(west, "cirrus", "pk");
            String arn = west.dynamo().describeTable(r -> r.tableName("cirrus")).table().tableArn();
            awaitRestorable(west, "cirrus", Instant.now());
            west.dynamo().restoreTableToPointInTime(r -> r.sourceTableArn(arn).targetTableName("cirrus-restored")
                    .useLatestRestorableTime(true));

            JsonNode event = awaitEventMessage(aws, events, "cirrus-restored");
            assertThat(event.path("region").asText()).as("forwarded as it was").isEqualTo("eu-west-1");
            assertThat(event.at("/detail/awsRegion").asText()).isEqualTo("eu-west-1");
        }
    }

    private static void sourceTableNotFound(Throwable refused) {
        assertThat(refused).isInstanceOf(software.amazon.awssdk.services.dynamodb.model.DynamoDbException.class);
        assertThat(((software.amazon.awssdk.services.dynamodb.model.DynamoDbException) refused).awsErrorDetails().errorCode())
                .isEqualTo("SourceTableNotFoundException");
    }

    private static String captureRestoreEvents(LocalClients clients, String name) {
        String url = clients.sqs().createQueue(r -> r.queueName(name)).queueUrl();
        String arn = clients.sqs().getQueueAttributes(r -> r.queueUrl(url).attributeNames(QueueAttributeName.QUEUE_ARN))
                .attributes().get(QueueAttributeName.QUEUE_ARN);
        clients.events().putRule(r -> r.name(name).eventPattern(
                "{\"source\":[\"aws.dynamodb\"],\"detail-type\":[\"AWS API Call via CloudTrail\"],\"detail\":{\"eventName\":[\"RestoreTableToPointInTime\"]}}"));
        clients.events().putTargets(r -> r.rule(name).targets(t -> t.id("q").arn(arn)));
        return url;
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
        awaitRestorable(aws, table, point);
    }

    private static void awaitRestorable(LocalClients aws, String table, Instant point) {
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
        return awaitEvent(aws, events, target);
    }

    private static JsonNode awaitEvent(LocalClients aws, String events, String target) throws Exception {
        return awaitEventMessage(aws, events, target).get("detail");
    }

    /** The whole EventBridge event (as the rule's queue got it) for a restore into {@code target}. */
    private static JsonNode awaitEventMessage(LocalClients aws, String events, String target) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        List<String> seen = new ArrayList<>();
        while (System.nanoTime() < deadline) {
            for (Message message : aws.sqs().receiveMessage(r -> r.queueUrl(events).maxNumberOfMessages(10).waitTimeSeconds(1)).messages()) {
                JsonNode event = JSON.readTree(message.body());
                JsonNode detail = event.get("detail");
                seen.add(detail.at("/requestParameters/targetTableName").asText());
                if (target.equals(detail.at("/requestParameters/targetTableName").asText())) {
                    return event;
                }
            }
        }
        throw new AssertionError("no CloudTrail event for a restore into " + target + "; saw " + seen);
    }
}
