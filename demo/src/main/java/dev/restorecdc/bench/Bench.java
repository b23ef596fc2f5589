package dev.restorecdc.bench;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.restorecdc.aws.DynamoJson;
import dev.restorecdc.cdc.ChangeEvent;
import dev.restorecdc.local.Deployment;
import dev.restorecdc.local.StreamEvents;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.KeysAndAttributes;
import software.amazon.awssdk.services.dynamodb.model.PutRequest;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * {@code make bench}: the production change path on the local AWS, every AWS call (the functions',
 * the raw baselines' and the event source mapping emulation's) through a latency proxy, at each
 * latency of {@code bench.latencies-ms}:
 * <ul>
 *   <li>replay through the SQS mapping emulation into the packaged handler, in session mode (a real
 *       active session in the control table), whole-image and change (undo) semantics, each beside
 *       its fair ceiling = 10 items / (a no-work invocation of the same function through the same
 *       mapping + the raw write of 10 items);</li>
 *   <li>capture through the stream mapping emulation beside a raw {@code SendMessageBatch}-of-10
 *       client with the handler's parallelism (the 10 calls of a stream batch of 100 at once) and
 *       one {@code SendMessage} per record;</li>
 *   <li>catch-up ({@link CatchUpBench}): time to drain a skewed backlog while the source keeps
 *       changing, beside a raw consumer and the model B / (R − w);</li>
 *   <li>the domain pipeline's throughput and heap over 1,000,000 events, without I/O.</li>
 * </ul>
 * Rows are interleaved (run k of every row before run k+1) after a warm-up of at least 30
 * invocations per function and one untimed run of every row. Sizes are system properties
 * ({@link Settings}); {@code -Dbench.quick=true} is a small run for checking the bench itself.
 * Writes target/bench/results.json, chart.svg and table.md ({@link BenchTable} puts the table in README).
 */
public final class Bench {

    /** Minimum warm-up invocations per function before any timed run. */
    static final int MIN_WARM_UP = 30;

    /**
     * The bench's sizes, each a system property ({@code -Dbench.<name>=...}).
     *
     * @param runs            timed runs of every throughput row per latency
     * @param replayMessages  messages per replay run (10 per invocation)
     * @param captureRecords  stream records per capture run (100 per invocation)
     * @param singleRecords   records per run of the one-SendMessage-per-record baseline
     * @param latenciesMs     per-call latencies of the throughput rows, ms
     * @param pipelineEvents  events through the domain pipeline (heap row)
     */
    record Settings(boolean quick, int runs, int warmUp, int replayMessages, int captureRecords, int singleRecords,
                    List<Integer> latenciesMs, CatchUpBench.Settings catchUp, long pipelineEvents) {

        static Settings fromSystemProperties() {
            boolean quick = Boolean.getBoolean("bench.quick");
            return new Settings(quick,
                    Integer.getInteger("bench.runs", quick ? 2 : 5),
                    Math.max(MIN_WARM_UP, Integer.getInteger("bench.warm-up", MIN_WARM_UP)),
                    Integer.getInteger("bench.replay-messages", quick ? 60 : 150),
                    Integer.getInteger("bench.capture-records", quick ? 200 : 500),
                    Integer.getInteger("bench.single-records", quick ? 30 : 100),
                    ints(System.getProperty("bench.latencies-ms", "5,20")),
                    CatchUpBench.Settings.fromSystemProperties(quick),
                    Long.getLong("bench.pipeline-events", quick ? 100_000 : 1_000_000));
        }

        static List<Integer> ints(String csv) {
            return java.util.Arrays.stream(csv.split(",")).map(String::trim).filter(v -> !v.isEmpty()).map(Integer::valueOf).toList();
        }
    }

    private final Settings settings;
    private final Map<String, Row> rows = new LinkedHashMap<>();
    private final Map<String, Double> ratios = new LinkedHashMap<>();
    private final Map<String, Double> derived = new LinkedHashMap<>();
    private final List<CatchUpBench.Result> catchUp = new ArrayList<>();
    private BenchRig rig;
    private final ExecutorService pool = Executors.newFixedThreadPool(10, r -> {
        Thread t = new Thread(r, "bench-raw");
        t.setDaemon(true);
        return t;
    });

    private Bench(Settings settings) {
        this.settings = settings;
    }

    public static void main(String[] args) throws Exception {
        Settings settings = Settings.fromSystemProperties();
        long started = System.nanoTime();
        new Bench(settings).run();
        System.out.printf("bench: done in %.0f s%n", (System.nanoTime() - started) / 1e9);
        System.exit(0);
    }

    private void run() throws Exception {
        System.out.printf("bench: %s run; %d runs per row; replay %d messages, capture %d records per run; latencies %s ms per AWS call%n",
                settings.quick() ? "quick" : "full", settings.runs(), settings.replayMessages(), settings.captureRecords(),
                settings.latenciesMs());
        try (BenchRig started = BenchRig.start()) {
            rig = started;
            prepareChangeTarget();
            boolean first = true;
            for (int latency : settings.latenciesMs()) {
                rig.latency(Duration.ofMillis(latency));
                if (first) {
                    warmUp();
                    progress("untimed run of every row (warm-up of the mapping emulation and the paths)");
                    runAll(latency, -1);
                    first = false;
                }
                for (int run = 0; run < settings.runs(); run++) {
                    runAll(latency, run);
                }
                summarise(latency);
            }
            CatchUpBench catchUpBench = new CatchUpBench(rig, settings.catchUp(), Bench::progress);
            catchUp.addAll(catchUpBench.run());
            catchUp.forEach(r -> ratios.putAll(r.ratios()));
        }
        pool.shutdownNow();
        pipeline();
        print();
        write();
    }

    /** Run {@code run} of every row at {@code latency} (run -1: untimed). */
    private void runAll(int latency, int run) throws Exception {
        String at = latency + "ms";
        record(run, "capture." + at + ".handler_events_per_s", "capture, packaged handler via the stream mapping (batches of 100)",
                captureHandler(at, run));
        record(run, "capture." + at + ".raw_batch10_events_per_s", "capture, raw SendMessageBatch of 10, 10 calls at once",
                rawCaptureBatches(run));
        record(run, "capture." + at + ".raw_single_events_per_s", "capture, raw SendMessage per record", rawCaptureSingle(run));
        record(run, "replay." + at + ".handler_items_per_s", "replay, packaged handler via the SQS mapping (session, images)",
                replayHandler(rig.image, false, false, at, run));
        record(run, "replay." + at + ".no_work_invocation_ms", "replay, no-work invocation via the SQS mapping, ms",
                replayHandler(rig.image, false, true, at, run));
        record(run, "replay." + at + ".raw_batch10_items_per_s", "replay, raw BatchWriteItem of 10", rawBatchWrites(run));
        record(run, "replay." + at + ".change_handler_items_per_s", "replay in change mode (undo), packaged handler via the SQS mapping",
                replayHandler(rig.change, true, false, at, run));
        record(run, "replay." + at + ".change_no_work_invocation_ms", "replay in change mode, no-work invocation via the SQS mapping, ms",
                replayHandler(rig.change, true, true, at, run));
        record(run, "replay." + at + ".raw_change_items_per_s", "replay in change mode, raw BatchGetItem of 10 + 10 UpdateItem at once",
                rawChanges(run));
    }

    /** One measured run of a row: its sample, how many invocations (or their raw equivalent) and the calls they made. */
    record Sample(double value, double invocations, Map<String, Long> calls, Map<String, Long> pollerCalls) {
        Sample(double value, double invocations, Map<String, Long> calls) {
            this(value, invocations, calls, Map.of());
        }
    }

    private void record(int run, String key, String label, Sample sample) {
        Row perRun = new Row(key, label);
        perRun.add(sample.value(), sample.invocations(), sample.calls(), sample.pollerCalls());
        String poller = perRun.pollerCallsPerInvocation().isEmpty() ? "" : "; poller: " + Row.text(perRun.pollerCallsPerInvocation());
        System.out.printf("bench: %-5s %-52s %9.1f   calls per invocation: %s%s%n",
                run < 0 ? "warm" : "run " + (run + 1), key, sample.value(), perRun.callsText(), poller);
        if (run >= 0) {
            rows.computeIfAbsent(key, k -> new Row(key, label)).add(sample.value(), sample.invocations(), sample.calls(),
                    sample.pollerCalls());
        }
    }

    // ---- capture ----

    private Sample captureHandler(String at, int run) {
        Deployment d = rig.image;
        int records = settings.captureRecords();
        String prefix = "cap-" + at + "-" + run + "-" + System.nanoTime() + "-";
        List<WriteRequest> writes = new ArrayList<>();
        for (int i = 0; i < records; i++) {
            writes.add(put(Map.of("pk", AttributeValue.fromS(prefix + i), "n", AttributeValue.fromN(Integer.toString(i)),
                    "text", AttributeValue.fromS("bench payload " + i))));
        }
        writeStraight(d.sourceTableName(), writes);
        Timed timed = timeMapping(d.captureFunctionName(), d.captureMappingUuid(), rig.capture,
                () -> rig.visible(d.queueUrl()) >= records);
        BenchRig.sleep(200);
        rig.purge(d.queueUrl());
        return new Sample(records / timed.seconds(), timed.invocations(), timed.calls(), timed.pollerCalls());
    }

    /** The handler's parallelism: a stream batch of 100 disjoint items is 10 SendMessageBatch calls sent at once. */
    private Sample rawCaptureBatches(int run) throws Exception {
        Deployment d = rig.image;
        List<ChangeEvent> changes = changes("rawcap", run, settings.captureRecords(), Instant.now(), false);
        Map<String, Long> before = rig.functions.calls();
        long started = System.nanoTime();
        for (int batch = 0; batch < changes.size(); batch += 100) {
            List<Future<?>> calls = new ArrayList<>();
            for (int from = batch; from < Math.min(changes.size(), batch + 100); from += 10) {
                List<ChangeEvent> slice = changes.subList(from, Math.min(changes.size(), Math.min(batch + 100, from + 10)));
                calls.add(pool.submit(() -> {
                    List<SendMessageBatchRequestEntry> entries = new ArrayList<>();
                    for (ChangeEvent change : slice) {
                        entries.add(BenchRig.entry(change, entries.size()));
                    }
                    rig.sqsViaProxy.sendMessageBatch(b -> b.queueUrl(d.queueUrl()).entries(entries));
                }));
            }
            for (Future<?> call : calls) {
                call.get();
            }
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        Map<String, Long> calls = rig.callsSince(before);
        rig.purge(d.queueUrl());
        return new Sample(changes.size() / seconds, Math.ceil(changes.size() / 100.0), calls);
    }

    private Sample rawCaptureSingle(int run) {
        Deployment d = rig.image;
        List<ChangeEvent> changes = changes("rawone", run, settings.singleRecords(), Instant.now(), false);
        Map<String, Long> before = rig.functions.calls();
        long started = System.nanoTime();
        for (ChangeEvent change : changes) {
            rig.sqsViaProxy.sendMessage(b -> b.queueUrl(d.queueUrl()).messageBody(BenchRig.CODEC.encode(change))
                    .messageGroupId(change.key().groupId()).messageDeduplicationId(change.eventId()));
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        Map<String, Long> calls = rig.callsSince(before);
        rig.purge(d.queueUrl());
        return new Sample(changes.size() / seconds, changes.size() / 100.0, calls);
    }

    // ---- replay ----

    /**
     * Preloads the queue (straight to the emulator, untimed), enables the replay mapping and times
     * from the first invocation to an empty queue (no message visible or in flight).
     *
     * @param noWork every change older than the session's replay_from: the handler skips them all
     * @return items per second, or for {@code noWork} milliseconds per invocation
     */
    private Sample replayHandler(Deployment d, boolean withDelta, boolean noWork, String at, int run) {
        int n = settings.replayMessages();
        Instant when = noWork ? rig.replayFrom.minus(Duration.ofHours(1)) : Instant.now();
        rig.preload(d.queueUrl(), changes("rep-" + at + (noWork ? "-none" : ""), run, n, when, withDelta));
        Timed timed = timeMapping(d.replayFunctionName(), d.replayMappingUuid(), rig.functions, () -> rig.backlog(d.queueUrl()) == 0);
        double value = noWork ? timed.seconds() * 1000 / Math.max(1, timed.invocations()) : n / timed.seconds();
        return new Sample(value, timed.invocations(), timed.calls(), timed.pollerCalls());
    }

    private Sample rawBatchWrites(int run) {
        List<ChangeEvent> changes = changes("rawbw", run, settings.replayMessages(), Instant.now(), false);
        Map<String, Long> before = rig.functions.calls();
        long started = System.nanoTime();
        for (int from = 0; from < changes.size(); from += 10) {
            List<WriteRequest> writes = new ArrayList<>();
            for (ChangeEvent change : changes.subList(from, Math.min(changes.size(), from + 10))) {
                writes.add(put(DynamoJson.toItem(change.newImage())));
            }
            Map<String, List<WriteRequest>> pending = Map.of(rig.imageTarget, writes);
            while (!pending.isEmpty()) {
                Map<String, List<WriteRequest>> sending = pending;
                pending = rig.dynamoViaProxy.batchWriteItem(b -> b.requestItems(sending)).unprocessedItems();
            }
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        return new Sample(changes.size() / seconds, Math.ceil(changes.size() / 10.0), rig.callsSince(before));
    }

    /** What change replay must do at least per batch: read the 10 keys, then one UpdateItem per key, sent together. */
    private Sample rawChanges(int run) throws Exception {
        List<ChangeEvent> changes = changes("rawchg", run, settings.replayMessages(), Instant.now(), true);
        Map<String, Long> before = rig.functions.calls();
        long started = System.nanoTime();
        for (int from = 0; from < changes.size(); from += 10) {
            List<ChangeEvent> batch = changes.subList(from, Math.min(changes.size(), from + 10));
            List<Map<String, AttributeValue>> keys = batch.stream().map(c -> DynamoJson.toItem(c.keys())).toList();
            rig.dynamoViaProxy.batchGetItem(b -> b.requestItems(Map.of(rig.changeTarget, KeysAndAttributes.builder().keys(keys).build())));
            List<Future<?>> updates = new ArrayList<>();
            for (ChangeEvent change : batch) {
                Map<String, AttributeValue> image = DynamoJson.toItem(change.newImage());
                updates.add(pool.submit(() -> rig.dynamoViaProxy.updateItem(b -> b.tableName(rig.changeTarget)
                        .key(DynamoJson.toItem(change.keys()))
                        .updateExpression("SET #n = :n, #t = :t").conditionExpression("attribute_exists(pk)")
                        .expressionAttributeNames(Map.of("#n", "n", "#t", "text"))
                        .expressionAttributeValues(Map.of(":n", image.get("n"), ":t", image.get("text"))))));
            }
            for (Future<?> update : updates) {
                update.get();
            }
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        return new Sample(changes.size() / seconds, Math.ceil(changes.size() / 10.0), rig.callsSince(before));
    }

    /** Change replay updates items the target has: the keys every replay row uses, written once. */
    private void prepareChangeTarget() {
        List<WriteRequest> writes = new ArrayList<>();
        for (int i = 0; i < settings.replayMessages(); i++) {
            writes.add(put(Map.of("pk", AttributeValue.fromS("item-" + i), "n", AttributeValue.fromN("0"))));
        }
        writeStraight(rig.changeTarget, writes);
    }

    /** The replay rows' changes: items item-0..n-1 (so change replay finds them), event ids unique to the run. */
    private static List<ChangeEvent> changes(String kind, int run, int n, Instant at, boolean withDelta) {
        List<ChangeEvent> changes = new ArrayList<>(n);
        String unique = kind + "-" + run + "-" + System.nanoTime() + "-";
        for (int i = 0; i < n; i++) {
            changes.add(BenchRig.change(unique + i, "item-" + i, i + 1L, at, withDelta));
        }
        return changes;
    }

    // ---- timing through a mapping ----

    /** A timed mapping run: seconds from the first invocation to done, the invocations, the function's and the poller's calls. */
    record Timed(double seconds, long invocations, Map<String, Long> calls, Map<String, Long> pollerCalls) {
    }

    /**
     * Enables the mapping, starts the clock at its first invocation (the mapping's own start-up is
     * not the function's cost), stops it when {@code done}, disables the mapping.
     */
    private Timed timeMapping(String function, String mappingUuid, dev.restorecdc.local.FaultProxy proxy,
                              java.util.function.BooleanSupplier done) {
        long invocationsBefore = rig.aws.lambdas().invocations(function);
        Map<String, Long> before = proxy.calls();
        Map<String, Long> pollerBefore = rig.mappings.calls();
        rig.enable(mappingUuid, true);
        try {
            if (!BenchRig.await(() -> rig.aws.lambdas().invocations(function) > invocationsBefore, 1, Duration.ofSeconds(60))) {
                throw new IllegalStateException("the mapping of " + function + " invoked nothing within 60 s; see target/local-lambda/");
            }
            long started = System.nanoTime();
            if (!BenchRig.await(done, 20, Duration.ofSeconds(300))) {
                throw new IllegalStateException("the mapping of " + function + " did not finish within 300 s; see target/local-lambda/");
            }
            double seconds = (System.nanoTime() - started) / 1e9;
            Map<String, Long> poller = BenchRig.callsSince(rig.mappings, pollerBefore);
            // The emulation's reads of its mappings' state (every follower, every 150 ms when idle) are not Lambda's.
            poller.keySet().removeIf(operation -> operation.contains("/event-source-mappings"));
            return new Timed(seconds, rig.aws.lambdas().invocations(function) - invocationsBefore,
                    BenchRig.callsSince(proxy, before), poller);
        } finally {
            rig.enable(mappingUuid, false);
        }
    }

    // ---- warm-up ----

    /** At least {@link #MIN_WARM_UP} invocations of each function, with work and without, invoked directly. */
    private void warmUp() {
        progress("warm-up: " + settings.warmUp() + " invocations of capture, replay (images) and replay (changes)");
        for (int i = 0; i < settings.warmUp(); i++) {
            StreamEvents batch = StreamEvents.builder();
            for (int r = 0; r < 10; r++) {
                ObjectNode image = BenchRig.JSON.createObjectNode();
                image.putObject("n").put("N", Integer.toString(r));
                batch.put("warm-" + i + "-" + r, image, Instant.now());
            }
            rig.aws.lambdas().invoke(rig.image.captureFunctionName(), batch.build().toString());
            boolean noWork = i % 2 == 1;
            Instant when = noWork ? rig.replayFrom.minus(Duration.ofHours(1)) : Instant.now();
            rig.aws.lambdas().invoke(rig.image.replayFunctionName(), sqsEvent(changes("warm", i, 10, when, false)).toString());
            rig.aws.lambdas().invoke(rig.change.replayFunctionName(), sqsEvent(changes("warmchg", i, 10, when, true)).toString());
        }
        BenchRig.sleep(200);
        rig.purge(rig.image.queueUrl());
    }

    /** An SQS Lambda event of these changes as Lambda delivers FIFO messages (AWS's sample shape, from the local AWS). */
    static ObjectNode sqsEvent(List<ChangeEvent> changes) {
        ObjectNode event = BenchRig.JSON.createObjectNode();
        ArrayNode records = event.putArray("Records");
        int sequence = 0;
        for (ChangeEvent change : changes) {
            ObjectNode record = StreamEvents.sqsRecordTemplate();
            record.put("messageId", change.eventId());
            record.put("receiptHandle", "bench-" + change.eventId());
            record.put("body", BenchRig.CODEC.encode(change));
            ObjectNode attributes = (ObjectNode) record.get("attributes");
            attributes.put("SequenceNumber", String.format("%020d", sequence++));
            attributes.put("MessageGroupId", change.key().groupId());
            attributes.put("MessageDeduplicationId", change.eventId());
            records.add(record);
        }
        return event;
    }

    // ---- summaries ----

    /** The fair ceilings and the ratios of one latency, from the rows' medians. */
    private void summarise(int latency) {
        String at = latency + "ms";
        double noWork = median("replay." + at + ".no_work_invocation_ms") / 1000;
        double raw10Call = 10 / median("replay." + at + ".raw_batch10_items_per_s");
        double ceiling = 10 / (noWork + raw10Call);
        derived.put("replay." + at + ".fair_ceiling_items_per_s", ceiling);
        ratios.put("replay." + at + ".handler_vs_fair_ceiling_ratio", median("replay." + at + ".handler_items_per_s") / ceiling);
        double changeNoWork = median("replay." + at + ".change_no_work_invocation_ms") / 1000;
        double rawChangeBatch = 10 / median("replay." + at + ".raw_change_items_per_s");
        double changeCeiling = 10 / (changeNoWork + rawChangeBatch);
        derived.put("replay." + at + ".change_fair_ceiling_items_per_s", changeCeiling);
        ratios.put("replay." + at + ".change_handler_vs_change_ceiling_ratio",
                median("replay." + at + ".change_handler_items_per_s") / changeCeiling);
        double capture = median("capture." + at + ".handler_events_per_s");
        ratios.put("capture." + at + ".handler_vs_raw_batch10_ratio", capture / median("capture." + at + ".raw_batch10_events_per_s"));
        ratios.put("capture." + at + ".handler_vs_raw_single_ratio", capture / median("capture." + at + ".raw_single_events_per_s"));
        progress(String.format(java.util.Locale.ROOT, "%s: replay %.0f items/s vs fair ceiling %.0f (%.2f); change %.0f vs %.0f (%.2f); "
                        + "capture vs raw batch %.2f, vs one SendMessage per record %.1f×", at,
                median("replay." + at + ".handler_items_per_s"), ceiling, ratios.get("replay." + at + ".handler_vs_fair_ceiling_ratio"),
                median("replay." + at + ".change_handler_items_per_s"), changeCeiling,
                ratios.get("replay." + at + ".change_handler_vs_change_ceiling_ratio"),
                ratios.get("capture." + at + ".handler_vs_raw_batch10_ratio"), ratios.get("capture." + at + ".handler_vs_raw_single_ratio")));
    }

    private double median(String key) {
        return rows.get(key).stats().median();
    }

    private void pipeline() {
        progress(String.format("domain pipeline, %,d events, no I/O (3 runs)", settings.pipelineEvents()));
        PipelineBench.Result pipeline = null;
        List<Double> rates = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            pipeline = new PipelineBench().run(settings.pipelineEvents());
            rates.add(pipeline.eventsPerSecond());
            System.out.printf("bench: run %d pipeline.events_per_s %.0f, heap after %d MiB%n", i + 1, pipeline.eventsPerSecond(),
                    pipeline.heapAfterMiB());
        }
        Row rate = new Row("pipeline.events_per_s", "domain pipeline, no I/O (parse → group → coalesce → plan)");
        rates.forEach(r -> rate.add(r, 0, Map.of()));
        rows.put(rate.key, rate);
        Row heapAfter = new Row("pipeline.heap_after_MiB", "domain pipeline, heap after the run, MiB");
        heapAfter.add(pipeline.heapAfterMiB(), 0, Map.of());
        rows.put(heapAfter.key, heapAfter);
        Row heapStart = new Row("pipeline.heap_at_start_MiB", "domain pipeline, heap at start, MiB");
        heapStart.add(pipeline.heapAtStartMiB(), 0, Map.of());
        rows.put(heapStart.key, heapStart);
    }

    private void print() {
        System.out.println();
        System.out.printf("%-52s %10s %10s %10s   %s%n", "figure", "median", "min", "max", "AWS calls per invocation");
        rows.forEach((name, row) -> System.out.printf("%-52s %10.1f %10.1f %10.1f   %s%n", name, row.stats().median(),
                row.stats().min(), row.stats().max(), row.callsText()));
        derived.forEach((name, value) -> System.out.printf("%-52s %10.1f%n", name, value));
        System.out.println();
        System.out.printf("%-64s %10s%n", "catch-up (s to caught up)", "value");
        for (CatchUpBench.Result r : catchUp) {
            System.out.printf("concurrency %d, w %5.1f/s (%3.0f%% of R): handler %s s, raw consumer %s s, model B/(R-w) %s s%n",
                    r.concurrency(), r.writesPerSecond(), r.writeFraction() * 100, text(r.handlerSeconds()), text(r.rawSeconds()),
                    text(r.modelSeconds()));
        }
        System.out.println();
        System.out.printf("%-64s %10s%n", "ratio (medians)", "value");
        ratios.forEach((name, value) -> System.out.printf("%-64s %10.2f%n", name, value));
    }

    private static String text(Double seconds) {
        return seconds == null ? "not caught up" : String.format(java.util.Locale.ROOT, "%.1f", seconds);
    }

    private void write() throws IOException {
        Path dir = Path.of("target/bench");
        Files.createDirectories(dir);
        ObjectNode results = BenchRig.JSON.createObjectNode();
        ObjectNode s = results.putObject("settings");
        s.put("quick", settings.quick()).put("runs", settings.runs()).put("warm_up_invocations", settings.warmUp())
                .put("replay_messages_per_run", settings.replayMessages()).put("capture_records_per_run", settings.captureRecords())
                .put("single_records_per_run", settings.singleRecords()).put("pipeline_events", settings.pipelineEvents())
                .put("processors", Runtime.getRuntime().availableProcessors()).put("measured_at", Instant.now().toString());
        settings.latenciesMs().forEach(s.putArray("latencies_ms")::add);
        settings.catchUp().write(s.putObject("catch_up"));
        ObjectNode figures = results.putObject("figures");
        rows.forEach((name, row) -> {
            ObjectNode f = figures.putObject(name);
            f.put("label", row.label).put("median", row.stats().median()).put("min", row.stats().min()).put("max", row.stats().max());
            ObjectNode calls = f.putObject("calls_per_invocation");
            row.callsPerInvocation().forEach(calls::put);
            if (!row.pollerCallsPerInvocation().isEmpty()) {
                ObjectNode poller = f.putObject("poller_calls_per_invocation");
                row.pollerCallsPerInvocation().forEach(poller::put);
            }
        });
        ObjectNode derivedNode = results.putObject("derived");
        derived.forEach(derivedNode::put);
        ArrayNode catchUpNode = results.putArray("catch_up");
        catchUp.forEach(r -> r.write(catchUpNode.addObject()));
        ObjectNode ratioNode = results.putObject("ratios");
        ratios.forEach(ratioNode::put);
        Files.writeString(dir.resolve("results.json"), BenchRig.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(results));
        Files.writeString(dir.resolve("chart.svg"), Chart.svg(results));
        Files.writeString(dir.resolve("table.md"), BenchTable.render(results));
        System.out.println("\nwrote target/bench/results.json, chart.svg and table.md");
    }

    private static WriteRequest put(Map<String, AttributeValue> item) {
        return WriteRequest.builder().putRequest(PutRequest.builder().item(item).build()).build();
    }

    /** Untimed set-up writes, straight to the emulator, 25 per BatchWriteItem. */
    private void writeStraight(String table, List<WriteRequest> writes) {
        for (int from = 0; from < writes.size(); from += 25) {
            Map<String, List<WriteRequest>> pending = Map.of(table, writes.subList(from, Math.min(writes.size(), from + 25)));
            while (!pending.isEmpty()) {
                Map<String, List<WriteRequest>> sending = pending;
                pending = rig.aws.clients().dynamo().batchWriteItem(b -> b.requestItems(sending)).unprocessedItems();
            }
        }
    }

    static void progress(String what) {
        System.out.println("bench: " + what);
    }
}
