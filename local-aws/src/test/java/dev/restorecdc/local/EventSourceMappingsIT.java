package dev.restorecdc.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.StreamViewType;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The stream mapping's AWS semantics, observed through a fake runtime that records every batch it
 * gets (src/test/resources/local/FakeRuntime.java): event shape, retry from a reported failure,
 * disable/enable. The real handlers on this path are covered by ChangePathIT.
 */
class EventSourceMappingsIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static LocalAws aws;
    private static Path records;

    @BeforeAll
    static void start() throws IOException {
        records = Files.createTempDirectory("mapping-records");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        aws = LocalAws.start(List.of(java, Path.of("src/test/resources/local/FakeRuntime.java").toAbsolutePath().toString()));
    }

    @AfterAll
    static void stop() {
        aws.close();
    }

    @Test
    void streamBatchesAreShapedAsAwsSendsThemAndARecordReportedFailedIsRetriedNotSkipped() throws Exception {
        String table = binaryKeyTable("binary-keys");
        Deployment d = aws.deploy(table, DeploymentValues.defaults()
                .withEnvironment("capture", "FAKE_RECORD_DIR", records.toString())
                .withEnvironment("capture", "FAKE_FAIL_ONCE_AT", "2"));
        byte[][] keys = {{1, 2}, {3, 4}, {5, 6}, {7, 8}};
        for (byte[] key : keys) {
            aws.clients().dynamo().putItem(r -> r.tableName(table).item(Map.of(
                    "id", AttributeValue.fromB(SdkBytes.fromByteArray(key)), "v", AttributeValue.fromS("x"))));
        }
        Instant written = Instant.now();

        enable(d.captureMappingUuid(), true);
        List<JsonNode> batches = awaitBatches(d.captureFunctionName(), 2);

        List<String> first = sequences(batches.get(0));
        List<String> second = sequences(batches.get(1));
        assertThat(first).hasSize(4);
        assertThat(second).as("retried from the reported record, nothing skipped or repeated before it")
                .containsExactlyElementsOf(first.subList(2, 4));
        JsonNode record = batches.get(0).get("Records").get(0);
        assertThat(record.get("eventSource").asText()).isEqualTo("aws:dynamodb");
        assertThat(record.get("eventVersion").asText()).isEqualTo("1.1");
        assertThat(record.get("eventName").asText()).isEqualTo("INSERT");
        assertThat(record.get("awsRegion").asText()).isEqualTo("us-east-1");
        assertThat(record.get("eventSourceARN").asText()).isEqualTo(d.streamArn());
        JsonNode stream = record.get("dynamodb");
        assertThat(stream.get("ApproximateCreationDateTime").isIntegralNumber()).as("whole seconds").isTrue();
        assertThat(stream.get("ApproximateCreationDateTime").asLong()).isBetween(written.getEpochSecond() - 60, written.getEpochSecond());
        assertThat(stream.at("/Keys/id/B").asText()).as("binary key encoded once").isEqualTo(Base64.getEncoder().encodeToString(keys[0]));
        assertThat(stream.at("/NewImage/v/S").asText()).isEqualTo("x");
        assertThat(stream.get("StreamViewType").asText()).isEqualTo("NEW_AND_OLD_IMAGES");
        assertThat(stream.get("SequenceNumber").asText()).isEqualTo(first.get(0));
        assertThat(stream.get("SizeBytes").asInt()).isPositive();
    }

    @Test
    void aDisabledMappingDeliversNothingAndResumesWhereItStoppedWhenEnabledAgain() throws Exception {
        String table = binaryKeyTable("toggled");
        Deployment d = aws.deploy(table, DeploymentValues.defaults().withEnvironment("capture", "FAKE_RECORD_DIR", records.toString()));
        put(table, new byte[] {1});
        enable(d.captureMappingUuid(), true);
        List<String> before = sequences(awaitBatches(d.captureFunctionName(), 1).get(0));

        enable(d.captureMappingUuid(), false);
        Thread.sleep(500); // a batch already being read when the mapping was disabled may still finish
        int delivered = batches(d.captureFunctionName()).size();
        put(table, new byte[] {2});
        put(table, new byte[] {3});
        Thread.sleep(1500);
        assertThat(batches(d.captureFunctionName())).as("nothing while disabled").hasSize(delivered);

        enable(d.captureMappingUuid(), true);
        List<JsonNode> all = awaitBatches(d.captureFunctionName(), delivered + 1);

        List<String> after = sequences(all.get(all.size() - 1));
        assertThat(after).hasSize(2);
        assertThat(after).doesNotContainAnyElementsOf(before);
        assertThat(new java.math.BigInteger(after.get(0))).isGreaterThan(new java.math.BigInteger(before.get(before.size() - 1)));
    }

    @Test
    void windowedEventsNameTheirShardAndAResponseWithoutStateFailsTheBatch() throws Exception {
        String table = binaryKeyTable("windowed");
        Deployment d = aws.deploy(table, DeploymentValues.defaults()
                .withEnvironment("capture", "FAKE_RECORD_DIR", records.toString())
                .withEnvironment("capture", "FAKE_NO_STATE_ONCE", "1"));
        put(table, new byte[] {1});
        put(table, new byte[] {2});
        String shardId = aws.clients().streams().describeStream(r -> r.streamArn(d.streamArn()))
                .streamDescription().shards().get(0).shardId();

        enable(d.captureMappingUuid(), true);
        List<JsonNode> batches = awaitBatches(d.captureFunctionName(), 2);

        JsonNode first = batches.get(0);
        assertThat(first.get("shardId").asText()).isEqualTo(shardId);
        assertThat(first.get("eventSourceARN").asText()).isEqualTo(d.streamArn());
        assertThat(first.get("state").isObject()).as("a fresh window starts with an empty state").isTrue();
        assertThat(first.get("state").size()).isZero();
        assertThat(Instant.parse(first.at("/window/end").asText()))
                .isEqualTo(Instant.parse(first.at("/window/start").asText()).plusSeconds(60));
        assertThat(first.get("isFinalInvokeForWindow").asBoolean()).isFalse();
        assertThat(first.get("isWindowTerminatedEarly").asBoolean()).isFalse();
        assertThat(sequences(batches.get(1)).get(0)).as("the answer without state was a failed invocation: retried from "
                + "the batch's first record (halved, bisect on error)").isEqualTo(sequences(first).get(0));
        assertThat(batches.get(1).at("/state/batches").isMissingNode()).as("a failed invocation's state is not kept").isTrue();
    }

    @Test
    void aClosedParentShardIsReadToItsEndBeforeItsChildren() throws Exception {
        String table = binaryKeyTable("rotated");
        Deployment d = aws.deploy(table, DeploymentValues.defaults().withEnvironment("capture", "FAKE_RECORD_DIR", records.toString()));
        put(table, new byte[] {1});
        put(table, new byte[] {2});
        JsonNode split = JSON.readTree(aws.emulator().splitStreamShards(table, 2)).get("split").get(0);
        for (byte k = 10; k < 30; k++) {
            put(table, new byte[] {k});
        }

        var shards = aws.clients().streams().describeStream(r -> r.streamArn(d.streamArn())).streamDescription().shards();
        assertThat(shards).hasSize(3);
        var parent = shards.stream().filter(s -> s.shardId().equals(split.get("parent").asText())).findFirst().orElseThrow();
        assertThat(parent.sequenceNumberRange().endingSequenceNumber()).as("a closed shard shows its end")
                .isEqualTo(split.get("ending_sequence_number").asText());
        assertThat(shards.stream().filter(s -> parent.shardId().equals(s.parentShardId())).count()).isEqualTo(2);
        String lastOfParent = aws.clients().streams().getShardIterator(r -> r.streamArn(d.streamArn()).shardId(parent.shardId())
                .shardIteratorType("AFTER_SEQUENCE_NUMBER").sequenceNumber(parent.sequenceNumberRange().endingSequenceNumber())).shardIterator();
        var end = aws.clients().streams().getRecords(r -> r.shardIterator(lastOfParent));
        assertThat(end.records()).isEmpty();
        assertThat(end.nextShardIterator()).as("the end of a closed shard has no next iterator").isNull();

        enable(d.captureMappingUuid(), true);
        List<JsonNode> batches = awaitRecords(d.captureFunctionName(), 22);
        assertThat(batches.get(0).get("shardId").asText()).isEqualTo(parent.shardId());
        assertThat(sequences(batches.get(0))).hasSize(2);
        assertThat(batches.subList(1, batches.size())).allSatisfy(b -> assertThat(b.get("shardId").asText()).isNotEqualTo(parent.shardId()));
        assertThat(batches.stream().map(b -> b.get("shardId").asText()).distinct().count()).as("writes spread over both children").isEqualTo(3);
    }

    @Test
    void aParallelizationFactorRunsSeveralBatchesOfOneShardAndKeepsEachItemsChangesInOneBatchInOrder() throws Exception {
        String table = binaryKeyTable("parallel");
        Deployment d = aws.deploy(table, DeploymentValues.defaults()
                .with("capture.parallelization_factor", 2)
                .with("capture.tumbling_window_in_seconds", 0)
                .withEnvironment("capture", "FAKE_RECORD_DIR", records.toString()));
        // 8 items, 3 changes each, interleaved: one read of the shard (batch size 100) gets all 24.
        for (int change = 0; change < 3; change++) {
            for (byte k = 1; k <= 8; k++) {
                String value = "v" + change;
                byte[] key = {k};
                aws.clients().dynamo().putItem(r -> r.tableName(table).item(Map.of(
                        "id", AttributeValue.fromB(SdkBytes.fromByteArray(key)), "v", AttributeValue.fromS(value))));
            }
        }

        enable(d.captureMappingUuid(), true);
        List<JsonNode> batches = awaitRecords(d.captureFunctionName(), 24);

        assertThat(batches).as("factor 2: the read of 24 records went out as concurrent batches, not one").hasSizeGreaterThan(1);
        Map<String, Integer> batchOfItem = new java.util.HashMap<>();
        List<String> delivered = new ArrayList<>();
        for (int b = 0; b < batches.size(); b++) {
            Map<String, List<String>> changesOfItem = new java.util.LinkedHashMap<>();
            for (JsonNode record : batches.get(b).get("Records")) {
                String item = record.at("/dynamodb/Keys/id/B").asText();
                assertThat(batchOfItem.putIfAbsent(item, b)).as("every change of item " + item + " in one batch").isIn(null, b);
                changesOfItem.computeIfAbsent(item, i -> new ArrayList<>()).add(record.at("/dynamodb/NewImage/v/S").asText());
                delivered.add(record.at("/dynamodb/SequenceNumber").asText());
            }
            changesOfItem.forEach((item, values) -> assertThat(values).as("item " + item + "'s changes in stream order")
                    .containsExactly("v0", "v1", "v2"));
        }
        assertThat(delivered).as("each record once").doesNotHaveDuplicates().hasSize(24);
    }

    /**
     * Lambda's SQS pollers: up to the mapping's maximum concurrency batches at once, each poller on
     * its own (a slow batch holds no other up), never two batches of one message group at once, and
     * each group in the order it was sent.
     */
    @Test
    void aFifoMappingRunsBatchesOfDifferentGroupsAtOnceAndNeverTwoOfOneGroup() throws Exception {
        System.setProperty("rcdc.lambda-concurrency", "3");
        try {
            String table = binaryKeyTable("fifo-concurrency");
            Deployment d = aws.deploy(table, DeploymentValues.defaults()
                    .with("replay.maximum_concurrency", 3)
                    .with("replay.batch_size", 2)
                    .withEnvironment("replay", "FAKE_RECORD_DIR", records.toString())
                    .withEnvironment("replay", "FAKE_BATCH_SLEEP_MS", "100")
                    .withEnvironment("replay", "FAKE_SLOW_MARK", "g0-")
                    .withEnvironment("replay", "FAKE_SLOW_SLEEP_MS", "1500"));
            String queueUrl = d.queueUrl();
            for (int n = 0; n < 4; n++) {
                for (int g = 0; g < 6; g++) {
                    String body = "g" + g + "-" + n;
                    String group = "g" + g;
                    aws.clients().sqs().sendMessage(r -> r.queueUrl(queueUrl).messageGroupId(group).messageDeduplicationId(body)
                            .messageBody(body));
                }
            }

            enable(d.replayMappingUuid(), true);
            awaitRecords(d.replayFunctionName(), 24);

            List<long[]> spans = new ArrayList<>();
            Map<String, List<long[]>> spansOfGroup = new java.util.HashMap<>();
            Map<String, List<String>> bodiesOfGroup = new java.util.TreeMap<>();
            List<String> lines = Files.readAllLines(records.resolve(d.replayFunctionName() + ".spans"));
            lines.sort(java.util.Comparator.comparingLong(line -> Long.parseLong(line.split(" ", 3)[0])));
            for (String line : lines) {
                String[] parts = line.split(" ", 3);
                long[] span = {Long.parseLong(parts[0]), Long.parseLong(parts[1])};
                spans.add(span);
                for (JsonNode record : JSON.readTree(parts[2]).get("Records")) {
                    String group = record.at("/attributes/MessageGroupId").asText();
                    spansOfGroup.computeIfAbsent(group, g -> new ArrayList<>()).add(span);
                    bodiesOfGroup.computeIfAbsent(group, g -> new ArrayList<>()).add(record.get("body").asText());
                }
            }
            int most = 0;
            for (long[] span : spans) { // at each batch's start, how many are running
                most = Math.max(most, (int) spans.stream().filter(other -> other[0] <= span[0] && span[0] < other[1]).count());
            }
            assertThat(most).as("batches in flight at once").isBetween(2, 3);
            long[] slow = spansOfGroup.get("g0").get(0);
            assertThat(spans.stream().filter(span -> span != slow && slow[0] <= span[0] && span[1] <= slow[1]).count())
                    .as("other pollers go on while one batch is slow (no poller waits for another's batch)").isGreaterThanOrEqualTo(4);
            spansOfGroup.forEach((group, ofGroup) -> {
                for (int i = 1; i < ofGroup.size(); i++) {
                    assertThat(ofGroup.get(i)[0]).as("group %s: a batch starts after the previous one ended", group)
                            .isGreaterThanOrEqualTo(ofGroup.get(i - 1)[1]);
                }
            });
            bodiesOfGroup.forEach((group, bodies) -> assertThat(bodies).as("group %s in order", group)
                    .containsExactly(group + "-0", group + "-1", group + "-2", group + "-3"));

            // Disabled, every poller stops: nothing more is delivered.
            enable(d.replayMappingUuid(), false);
            Thread.sleep(1000); // the mapping's state is re-read every loop; a batch in flight may finish
            int delivered = batches(d.replayFunctionName()).size();
            aws.clients().sqs().sendMessage(r -> r.queueUrl(queueUrl).messageGroupId("late").messageDeduplicationId("late")
                    .messageBody("late"));
            Thread.sleep(1500);
            assertThat(batches(d.replayFunctionName())).as("a disabled mapping delivers nothing").hasSize(delivered);
        } finally {
            System.clearProperty("rcdc.lambda-concurrency");
        }
    }

    private static List<JsonNode> awaitRecords(String function, int count) throws Exception {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
        while (Instant.now().isBefore(deadline)) {
            List<JsonNode> batches = batches(function);
            if (batches.stream().mapToInt(b -> b.get("Records").size()).sum() >= count) {
                return batches;
            }
            Thread.sleep(200);
        }
        throw new AssertionError(function + " got fewer than " + count + " records: " + batches(function));
    }

    private static String binaryKeyTable(String name) {
        aws.clients().dynamo().createTable(r -> r.tableName(name).billingMode(BillingMode.PAY_PER_REQUEST)
                .attributeDefinitions(a -> a.attributeName("id").attributeType(ScalarAttributeType.B))
                .keySchema(k -> k.attributeName("id").keyType(KeyType.HASH))
                .streamSpecification(s -> s.streamEnabled(true).streamViewType(StreamViewType.NEW_AND_OLD_IMAGES)));
        aws.clients().dynamo().updateContinuousBackups(r -> r.tableName(name)
                .pointInTimeRecoverySpecification(p -> p.pointInTimeRecoveryEnabled(true)));
        return name;
    }

    private static void put(String table, byte[] key) {
        aws.clients().dynamo().putItem(r -> r.tableName(table).item(Map.of("id", AttributeValue.fromB(SdkBytes.fromByteArray(key)))));
    }

    private static void enable(String uuid, boolean enabled) {
        aws.clients().lambda().updateEventSourceMapping(r -> r.uuid(uuid).enabled(enabled));
    }

    private static List<JsonNode> awaitBatches(String function, int count) throws Exception {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
        while (Instant.now().isBefore(deadline)) {
            List<JsonNode> batches = batches(function);
            if (batches.size() >= count) {
                return batches;
            }
            Thread.sleep(200);
        }
        throw new AssertionError(function + " got fewer than " + count + " batches: " + batches(function)
                + "; see " + LambdaService.logFile(function));
    }

    private static List<JsonNode> batches(String function) throws IOException {
        Path file = records.resolve(function + ".jsonl");
        List<JsonNode> batches = new ArrayList<>();
        if (Files.exists(file)) {
            for (String line : Files.readAllLines(file)) {
                if (!line.isBlank()) {
                    batches.add(JSON.readTree(line));
                }
            }
        }
        return batches;
    }

    private static List<String> sequences(JsonNode batch) {
        List<String> sequences = new ArrayList<>();
        batch.get("Records").forEach(r -> sequences.add(r.at("/dynamodb/SequenceNumber").asText()));
        return sequences;
    }
}
