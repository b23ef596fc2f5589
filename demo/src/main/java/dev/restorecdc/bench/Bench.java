package dev.restorecdc.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.restorecdc.aws.DynamoJson;
import dev.restorecdc.cdc.ChangeCodec;
import dev.restorecdc.cdc.ChangeDelta;
import dev.restorecdc.cdc.ChangeEvent;
import dev.restorecdc.cdc.EventName;
import dev.restorecdc.local.Deployment;
import dev.restorecdc.local.DeploymentValues;
import dev.restorecdc.local.FaultProxy;
import dev.restorecdc.local.LocalAws;
import dev.restorecdc.local.StreamEvents;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.PutRequest;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntToDoubleFunction;

/**
 * {@code make bench}: the change path's throughput through the real packaged handlers, side by side
 * with raw SDK baselines on the same emulator, as-is and behind a proxy adding a fixed per-call
 * latency (the emulator answers in microseconds, AWS in milliseconds: per-call costs only show with
 * latency). Prints one table and writes target/bench/results.json and target/bench/chart.svg.
 */
public final class Bench {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ChangeCodec CODEC = new ChangeCodec(JSON);

    private final int runs;
    private final int events;
    private final Duration latency;
    private final Map<String, Stats> rows = new LinkedHashMap<>();
    private final Map<String, Double> ratios = new LinkedHashMap<>();

    private Bench(int runs, int events, Duration latency) {
        this.runs = runs;
        this.events = events;
        this.latency = latency;
    }

    public static void main(String[] args) throws IOException {
        int runs = Integer.getInteger("bench.runs", 5);
        int events = Integer.getInteger("bench.events", 1000);
        Duration latency = Duration.ofMillis(Long.getLong("bench.latency-ms", 5));
        new Bench(runs, events, latency).run();
    }

    private void run() throws IOException {
        System.out.printf("bench: %d runs of %d events per row; latency proxy %d ms per AWS call%n", runs, events, latency.toMillis());
        try (LocalAws aws = LocalAws.start();
             FaultProxy slow = FaultProxy.start(aws.clients().endpoint()).withLatency(latency)) {
            measureBackend(aws, "direct", aws.clients().endpoint());
            measureBackend(aws, latency.toMillis() + "ms", slow.endpoint());
        }
        progress("domain pipeline, 1,000,000 events, no I/O");
        PipelineBench.Result pipeline = null;
        List<Double> rates = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            pipeline = new PipelineBench().run(1_000_000);
            rates.add(pipeline.eventsPerSecond());
        }
        rows.put("pipeline.events_per_s", Stats.of(rates));
        rows.put("pipeline.heap_after_1m_MiB", Stats.of(List.of((double) pipeline.heapAfterMiB())));
        rows.put("pipeline.heap_at_start_MiB", Stats.of(List.of((double) pipeline.heapAtStartMiB())));
        print();
        write();
    }

    private void measureBackend(LocalAws aws, String backend, URI endpoint) {
        String table = "bench" + backend.replaceAll("[^a-z0-9]", "");
        String target = table + "-target";
        aws.createSourceTable(table, "pk");
        aws.createSourceTable(target, "pk");
        Deployment deployment = aws.deploy(table, DeploymentValues.defaults()
                .withEnvironment("capture", "AWS_ENDPOINT_URL", endpoint.toString())
                .withEnvironment("replay", "AWS_ENDPOINT_URL", endpoint.toString())
                .withEnvironment("replay", "CDC_TARGET_TABLE", target)
                .withEnvironment("replay", "CDC_REPLAY_FROM", "2000-01-01T00:00:00Z"));
        SqsClient sqs = client(SqsClient.builder(), endpoint);
        DynamoDbClient dynamo = client(DynamoDbClient.builder(), endpoint);

        progress(backend + ": capture through the packaged handler");
        warmUp(aws, deployment);
        Stats handler = measure(run -> {
            List<ObjectNode> batches = streamBatches(run);
            long started = System.nanoTime();
            for (ObjectNode batch : batches) {
                requireNoFailures(aws.lambdas().invoke(deployment.captureFunctionName(), batch.toString()).payloadText());
            }
            return rate(started);
        }, () -> purge(aws, deployment));
        progress(backend + ": raw SendMessageBatch of 10");
        Stats rawBatch = measure(run -> {
            List<ChangeEvent> changes = changes(run);
            long started = System.nanoTime();
            for (int from = 0; from < changes.size(); from += 10) {
                List<SendMessageBatchRequestEntry> entries = new ArrayList<>();
                for (ChangeEvent change : changes.subList(from, Math.min(changes.size(), from + 10))) {
                    entries.add(SendMessageBatchRequestEntry.builder().id(Integer.toString(entries.size()))
                            .messageBody(CODEC.encode(change)).messageGroupId(change.key().groupId())
                            .messageDeduplicationId(change.eventId() + "-raw").build());
                }
                sqs.sendMessageBatch(b -> b.queueUrl(deployment.queueUrl()).entries(entries));
            }
            return rate(started);
        }, () -> purge(aws, deployment));
        progress(backend + ": raw SendMessage per record (the original sample)");
        Stats rawSingle = measure(run -> {
            List<ChangeEvent> changes = changes(run);
            long started = System.nanoTime();
            for (ChangeEvent change : changes) {
                sqs.sendMessage(b -> b.queueUrl(deployment.queueUrl()).messageBody(CODEC.encode(change))
                        .messageGroupId(change.key().groupId()).messageDeduplicationId(change.eventId() + "-one"));
            }
            return rate(started);
        }, () -> purge(aws, deployment));
        rows.put("capture." + backend + ".handler_events_per_s", handler);
        rows.put("capture." + backend + ".raw_batch10_events_per_s", rawBatch);
        rows.put("capture." + backend + ".raw_single_events_per_s", rawSingle);
        ratios.put("capture." + backend + ".handler_vs_raw_batch10_ratio", handler.median() / rawBatch.median());
        ratios.put("capture." + backend + ".handler_vs_raw_single_ratio", handler.median() / rawSingle.median());

        progress(backend + ": replay through the packaged handler");
        Stats replay = measure(run -> {
            List<ObjectNode> batches = sqsBatches(run);
            long started = System.nanoTime();
            for (ObjectNode batch : batches) {
                requireNoFailures(aws.lambdas().invoke(deployment.replayFunctionName(), batch.toString()).payloadText());
            }
            return rate(started);
        }, () -> { });
        progress(backend + ": raw BatchWriteItem of 10 and of 25");
        Stats raw10 = measure(run -> rawWrites(dynamo, target, run, 10), () -> { });
        Stats raw25 = measure(run -> rawWrites(dynamo, target, run, 25), () -> { });
        rows.put("replay." + backend + ".handler_items_per_s", replay);
        rows.put("replay." + backend + ".raw_batch10_items_per_s", raw10);
        rows.put("replay." + backend + ".raw_batch25_items_per_s", raw25);
        ratios.put("replay." + backend + ".handler_vs_raw_batch10_ratio", replay.median() / raw10.median());
        ratios.put("replay." + backend + ".handler_vs_raw_batch25_ratio", replay.median() / raw25.median());

        // Change replay (undo sessions): one BatchGetItem per invocation and one UpdateItem per key
        // instead of one BatchWriteItem. The same keys as the image rows, so every update finds its item.
        progress(backend + ": replay in change mode (undo) through the packaged handler");
        String changeTable = table + "chg";
        aws.createSourceTable(changeTable, "pk");
        Deployment changeMode = aws.deploy(changeTable, DeploymentValues.defaults()
                .withEnvironment("replay", "AWS_ENDPOINT_URL", endpoint.toString())
                .withEnvironment("replay", "CDC_TARGET_TABLE", target)
                .withEnvironment("replay", "CDC_REPLAY_FROM", "2000-01-01T00:00:00Z")
                .withEnvironment("replay", "CDC_REPLAY_SEMANTICS", "change"));
        aws.lambdas().invoke(changeMode.replayFunctionName(), sqsBatches(-1, true).get(0).toString());
        Stats changeReplay = measure(run -> {
            List<ObjectNode> batches = sqsBatches(run, true);
            long started = System.nanoTime();
            for (ObjectNode batch : batches) {
                requireNoFailures(aws.lambdas().invoke(changeMode.replayFunctionName(), batch.toString()).payloadText());
            }
            return rate(started);
        }, () -> { });
        rows.put("replay." + backend + ".change_mode_items_per_s", changeReplay);
        ratios.put("replay." + backend + ".change_vs_image_mode_ratio", changeReplay.median() / replay.median());
    }

    private void warmUp(LocalAws aws, Deployment deployment) {
        aws.lambdas().invoke(deployment.captureFunctionName(), streamBatches(-1).get(0).toString());
        aws.lambdas().invoke(deployment.replayFunctionName(), sqsBatches(-1).get(0).toString());
        purge(aws, deployment);
    }

    private Stats measure(IntToDoubleFunction oneRun, Runnable between) {
        List<Double> samples = new ArrayList<>();
        for (int run = 0; run < runs; run++) {
            samples.add(oneRun.applyAsDouble(run));
            between.run();
        }
        return Stats.of(samples);
    }

    private double rate(long startedNanos) {
        return events / ((System.nanoTime() - startedNanos) / 1e9);
    }

    /** The stream batches Lambda would deliver: 100 records, every record a different item. */
    private List<ObjectNode> streamBatches(int run) {
        List<ObjectNode> batches = new ArrayList<>();
        StreamEvents batch = StreamEvents.builder();
        Instant now = Instant.now();
        for (int i = 0; i < events; i++) {
            ObjectNode image = JSON.createObjectNode();
            image.putObject("n").put("N", Integer.toString(i));
            image.putObject("text").put("S", "bench payload " + i);
            batch.put("run" + run + "-item" + i, image, now);
            if (batch.size() == 100) {
                batches.add(batch.build());
                batch = StreamEvents.builder();
            }
        }
        if (batch.size() > 0) {
            batches.add(batch.build());
        }
        return batches;
    }

    private List<ChangeEvent> changes(int run) {
        return changes(run, false);
    }

    /** @param withDelta as capture sends them from a NEW_AND_OLD_IMAGES stream: each MODIFY changed n */
    private List<ChangeEvent> changes(int run, boolean withDelta) {
        List<ChangeEvent> changes = new ArrayList<>(events);
        Instant now = Instant.now();
        for (int i = 0; i < events; i++) {
            ObjectNode keys = JSON.createObjectNode();
            keys.putObject("pk").put("S", "run" + run + "-item" + i);
            ObjectNode image = keys.deepCopy();
            image.putObject("n").put("N", Integer.toString(i));
            image.putObject("text").put("S", "bench payload " + i);
            ObjectNode before = image.deepCopy();
            before.putObject("n").put("N", Integer.toString(i - 1));
            changes.add(new ChangeEvent("raw-" + run + "-" + i + "-" + System.nanoTime(), EventName.MODIFY, keys, image,
                    now, Integer.toString(i), null, withDelta ? ChangeDelta.of(EventName.MODIFY, before, image) : null));
        }
        return changes;
    }

    /** FIFO batches of 10 messages, the most Lambda gives one replay invocation. */
    private List<ObjectNode> sqsBatches(int run) {
        return sqsBatches(run, false);
    }

    private List<ObjectNode> sqsBatches(int run, boolean withDelta) {
        List<ObjectNode> batches = new ArrayList<>();
        ArrayNode records = null;
        int i = 0;
        for (ChangeEvent change : changes(run, withDelta)) {
            if (i % 10 == 0) {
                ObjectNode event = JSON.createObjectNode();
                records = event.putArray("Records");
                batches.add(event);
            }
            records.add(sqsRecord("m-" + run + "-" + i + (withDelta ? "-change" : ""), CODEC.encode(change),
                    change.key().groupId(), i));
            i++;
        }
        return batches;
    }

    /** One record of the SQS Lambda event as Lambda delivers a FIFO message (AWS's sample shape, from the local AWS). */
    private static ObjectNode sqsRecord(String messageId, String body, String groupId, int sequence) {
        ObjectNode record = StreamEvents.sqsRecordTemplate();
        record.put("messageId", messageId);
        record.put("receiptHandle", "bench-" + messageId);
        record.put("body", body);
        ObjectNode attributes = (ObjectNode) record.get("attributes");
        attributes.put("SequenceNumber", String.format("%020d", sequence));
        attributes.put("MessageGroupId", groupId);
        attributes.put("MessageDeduplicationId", messageId);
        return record;
    }

    private double rawWrites(DynamoDbClient dynamo, String table, int run, int batchSize) {
        List<ChangeEvent> changes = changes(run);
        long started = System.nanoTime();
        for (int from = 0; from < changes.size(); from += batchSize) {
            List<WriteRequest> writes = new ArrayList<>();
            for (ChangeEvent change : changes.subList(from, Math.min(changes.size(), from + batchSize))) {
                Map<String, AttributeValue> item = DynamoJson.toItem(change.newImage());
                writes.add(WriteRequest.builder().putRequest(PutRequest.builder().item(item).build()).build());
            }
            Map<String, List<WriteRequest>> pending = Map.of(table, writes);
            while (!pending.isEmpty()) {
                Map<String, List<WriteRequest>> sending = pending;
                pending = dynamo.batchWriteItem(b -> b.requestItems(sending)).unprocessedItems();
            }
        }
        return rate(started);
    }

    /** A figure only counts when every change went through: the partial batch response must be empty. */
    private static void requireNoFailures(String response) {
        try {
            if (JSON.readTree(response).path("batchItemFailures").size() != 0 || !JSON.readTree(response).has("batchItemFailures")) {
                throw new IllegalStateException("the handler reported failures: " + response);
            }
        } catch (IOException e) {
            throw new IllegalStateException("the handler answered no JSON: " + response, e);
        }
    }

    private static void purge(LocalAws aws, Deployment deployment) {
        aws.clients().sqs().purgeQueue(b -> b.queueUrl(deployment.queueUrl()));
    }

    private static <B extends software.amazon.awssdk.awscore.client.builder.AwsClientBuilder<B, C>
            & software.amazon.awssdk.core.client.builder.SdkSyncClientBuilder<B, C>, C> C client(B builder, URI endpoint) {
        return builder.endpointOverride(endpoint).region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
                .httpClientBuilder(UrlConnectionHttpClient.builder()).build();
    }

    private void print() {
        System.out.println();
        System.out.printf("%-48s %12s %12s %12s%n", "figure", "median", "min", "max");
        rows.forEach((name, s) -> System.out.printf("%-48s %12.1f %12.1f %12.1f%n", name, s.median(), s.min(), s.max()));
        System.out.println();
        System.out.printf("%-48s %12s%n", "ratio (medians)", "value");
        ratios.forEach((name, value) -> System.out.printf("%-48s %12.2f%n", name, value));
    }

    private void write() throws IOException {
        Path dir = Path.of("target/bench");
        Files.createDirectories(dir);
        ObjectNode results = JSON.createObjectNode();
        results.put("runs", runs).put("events_per_run", events).put("latency_ms", latency.toMillis());
        ObjectNode figures = results.putObject("figures");
        rows.forEach((name, s) -> figures.putObject(name).put("median", s.median()).put("min", s.min()).put("max", s.max()));
        ObjectNode ratioNode = results.putObject("ratios");
        ratios.forEach(ratioNode::put);
        Files.writeString(dir.resolve("results.json"), JSON.writerWithDefaultPrettyPrinter().writeValueAsString(results));
        Files.writeString(dir.resolve("chart.svg"), Chart.svg(rows, latency));
        System.out.println("\nwrote target/bench/results.json and target/bench/chart.svg");
    }

    private static void progress(String what) {
        System.out.println("bench: " + what + " …");
    }
}
