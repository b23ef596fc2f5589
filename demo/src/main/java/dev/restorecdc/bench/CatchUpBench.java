package dev.restorecdc.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.restorecdc.aws.DynamoJson;
import dev.restorecdc.cdc.ChangeEvent;
import dev.restorecdc.local.Deployment;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.DeleteRequest;
import software.amazon.awssdk.services.dynamodb.model.PutRequest;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.Message;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * The catch-up rows: how long a restore session takes to catch up. A backlog of B changes with a
 * Zipf-like key skew is preloaded into the FIFO queue, the source table keeps changing at w
 * changes per second (0, ¼ and ½ of the replay rate R measured at w = 0, through the real capture
 * mapping and handler), and the replay mapping is enabled with concurrency c (its
 * MaximumConcurrency and the local Lambda service's RCDC_LAMBDA_CONCURRENCY). Caught up = the
 * queue's visible + in-flight messages at or below the deployment's {@code caught_up_backlog} on two
 * polls in a row, read as the session's check reads them. Beside it: a raw consumer (receive →
 * BatchWriteItem → delete on c threads, through the same latency proxy) and the model B / (R − w).
 */
final class CatchUpBench {

    /**
     * @param backlog          B, changes preloaded into the queue
     * @param keys             the key space the changes (and the live writes) fall on
     * @param zipf             the skew's exponent (1.0: the k-th most changed key gets 1/k of the top one's changes)
     * @param concurrencies    replay concurrencies c
     * @param writeFractions   w as fractions of the replay rate R at w = 0
     * @param latencyMs        per-call latency of these rows
     * @param pollMillis       the caught-up check's interval here (the session's is minutes in AWS)
     * @param timeoutSeconds   a run at w = 0 that has not caught up by then is reported as not caught up; at w &gt; 0
     *                         the limit is the larger of this and 3 × the model's time (at most 600 s)
     */
    record Settings(int backlog, int keys, double zipf, List<Integer> concurrencies, List<Double> writeFractions, int latencyMs,
                    long pollMillis, int timeoutSeconds) {

        static Settings fromSystemProperties(boolean quick) {
            return new Settings(
                    Integer.getInteger("bench.backlog", quick ? 300 : 1500),
                    Integer.getInteger("bench.keys", quick ? 200 : 1000),
                    Double.parseDouble(System.getProperty("bench.zipf", "1.0")),
                    Bench.Settings.ints(System.getProperty("bench.concurrency", quick ? "1,2" : "1,2,4")),
                    java.util.Arrays.stream(System.getProperty("bench.write-fractions", quick ? "0,0.5" : "0,0.25,0.5").split(","))
                            .map(String::trim).map(Double::valueOf).toList(),
                    Integer.getInteger("bench.catch-up-latency-ms", 20),
                    Long.getLong("bench.poll-ms", 500),
                    Integer.getInteger("bench.catch-up-timeout-s", quick ? 60 : 180));
        }

        void write(ObjectNode node) {
            node.put("backlog", backlog).put("keys", keys).put("zipf", zipf).put("latency_ms", latencyMs)
                    .put("poll_ms", pollMillis).put("timeout_s", timeoutSeconds);
            concurrencies.forEach(node.putArray("concurrencies")::add);
            writeFractions.forEach(node.putArray("write_fractions")::add);
        }
    }

    /**
     * One catch-up row. Times in seconds from enabling replay (or starting the raw consumer) to the
     * second passing poll; null when not caught up within the timeout.
     *
     * @param replayRate R, changes per second, from the handler's run at w = 0 at this concurrency
     */
    record Result(int concurrency, double writeFraction, double writesPerSecond, int backlog, int latencyMs, double replayRate,
                  Double handlerSeconds, Double rawSeconds, Double modelSeconds, Map<String, Double> handlerCalls,
                  Map<String, Double> rawCalls) {

        String key() {
            return String.format(Locale.ROOT, "catchup.%dms.c%d.w%02d", latencyMs, concurrency, Math.round(writeFraction * 100));
        }

        Map<String, Double> ratios() {
            Map<String, Double> ratios = new LinkedHashMap<>();
            if (handlerSeconds != null && rawSeconds != null) {
                ratios.put(key() + ".handler_vs_raw_time_ratio", handlerSeconds / rawSeconds);
            }
            if (handlerSeconds != null && modelSeconds != null) {
                ratios.put(key() + ".handler_vs_model_time_ratio", handlerSeconds / modelSeconds);
            }
            return ratios;
        }

        void write(ObjectNode node) {
            node.put("key", key()).put("concurrency", concurrency).put("write_fraction", writeFraction)
                    .put("writes_per_s", writesPerSecond).put("backlog", backlog).put("latency_ms", latencyMs)
                    .put("replay_rate_per_s", replayRate);
            put(node, "handler_s", handlerSeconds);
            put(node, "raw_consumer_s", rawSeconds);
            put(node, "model_s", modelSeconds);
            handlerCalls.forEach(node.putObject("handler_calls_per_invocation")::put);
            rawCalls.forEach(node.putObject("raw_calls_per_batch")::put);
        }

        private static void put(ObjectNode node, String name, Double value) {
            if (value == null) {
                node.putNull(name);
            } else {
                node.put(name, value);
            }
        }
    }

    private final BenchRig rig;
    private final Settings settings;
    private final Consumer<String> progress;
    private final double[] cumulative;

    CatchUpBench(BenchRig rig, Settings settings, Consumer<String> progress) {
        this.rig = rig;
        this.settings = settings;
        this.progress = progress;
        this.cumulative = zipfCumulative(settings.keys(), settings.zipf());
    }

    List<Result> run() {
        Deployment d = rig.image;
        rig.latency(Duration.ofMillis(settings.latencyMs()));
        progress.accept(String.format(Locale.ROOT, "catch-up: backlog %d changes over %d keys (Zipf %.1f), %d ms per call, "
                        + "caught up = backlog <= %d on two polls in a row, %d ms apart on average (jittered)", settings.backlog(), settings.keys(), settings.zipf(),
                settings.latencyMs(), rig.caughtUpBacklog, settings.pollMillis()));
        List<Result> results = new ArrayList<>();
        rig.enable(d.captureMappingUuid(), true); // live writes reach the queue through the real capture path
        String previousConcurrency = System.getProperty("rcdc.lambda-concurrency");
        try {
            int seed = 0;
            for (int c : settings.concurrencies()) {
                System.setProperty("rcdc.lambda-concurrency", Integer.toString(c));
                // Lambda's minimum is 2; at c = 1 the local service's single environment is the bound.
                rig.aws.clients().lambda().updateEventSourceMapping(r -> r.uuid(d.replayMappingUuid())
                        .scalingConfig(s -> s.maximumConcurrency(Math.max(2, c))));
                warmEnvironments(c);
                Double replayRate = null;
                for (double fraction : settings.writeFractions()) {
                    double w = replayRate == null ? 0 : fraction * replayRate;
                    if (fraction > 0 && replayRate == null) {
                        progress.accept("catch-up: c " + c + ": no replay rate measured at w = 0, skipping w = " + fraction);
                        continue;
                    }
                    seed++;
                    Duration timeout = Duration.ofSeconds(replayRate == null || w == 0 ? settings.timeoutSeconds()
                            : (long) Math.min(600, Math.max(settings.timeoutSeconds(), 3 * settings.backlog() / (replayRate - w))));
                    Drained handlerRun = drain(c, w, seed, true, timeout);
                    Drained rawRun = drain(c, w, seed, false, timeout);
                    Double handler = handlerRun.seconds();
                    Double raw = rawRun.seconds();
                    if (fraction == 0 && handler != null) {
                        replayRate = settings.backlog() / handler;
                    }
                    double r = replayRate == null ? Double.NaN : replayRate;
                    Double model = replayRate == null || r <= w ? null : settings.backlog() / (r - w);
                    Result result = new Result(c, fraction, w, settings.backlog(), settings.latencyMs(), r, handler, raw, model,
                            handlerRun.callsPerInvocation(), rawRun.callsPerInvocation());
                    results.add(result);
                    progress.accept(String.format(Locale.ROOT, "catch-up: c %d, w %.1f/s: handler %s, raw consumer %s, model %s; "
                                    + "calls per invocation %s (raw, per batch: %s)", c, w, seconds(handler), seconds(raw), seconds(model),
                            Row.text(handlerRun.callsPerInvocation()), Row.text(rawRun.callsPerInvocation())));
                }
            }
        } finally {
            rig.enable(d.captureMappingUuid(), false);
            rig.enable(d.replayMappingUuid(), false);
            if (previousConcurrency == null) {
                System.clearProperty("rcdc.lambda-concurrency");
            } else {
                System.setProperty("rcdc.lambda-concurrency", previousConcurrency);
            }
        }
        return results;
    }

    private static String seconds(Double value) {
        return value == null ? "not caught up" : String.format(Locale.ROOT, "%.1f s", value);
    }

    /** Starts (and warms) c replay environments: at least 30 no-work invocations, c at a time. */
    private void warmEnvironments(int c) {
        progress.accept("catch-up: concurrency " + c + ": warming " + c + " replay environments");
        int each = Math.max(10, (Bench.MIN_WARM_UP + c - 1) / c);
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < c; t++) {
            int thread = t;
            threads.add(daemon("bench-warm-replay", () -> {
                for (int i = 0; i < each; i++) {
                    List<ChangeEvent> skipped = new ArrayList<>();
                    for (int m = 0; m < 10; m++) {
                        skipped.add(BenchRig.change("warmc-" + c + "-" + thread + "-" + i + "-" + m + "-" + System.nanoTime(),
                                "warm-" + m, m, rig.replayFrom.minus(Duration.ofHours(1)), false));
                    }
                    rig.aws.lambdas().invoke(rig.image.replayFunctionName(), Bench.sqsEvent(skipped).toString());
                }
            }));
        }
        for (Thread t : threads) {
            try {
                t.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }

    /** One catch-up run: seconds to caught up (null: not within the time limit), the AWS calls per invocation or raw batch. */
    record Drained(Double seconds, Map<String, Double> callsPerInvocation) {
    }

    /**
     * One catch-up run: an empty queue, the backlog preloaded, live writes at w, then replay (the
     * handler through the mapping, or the raw consumer) until caught up or the timeout.
     *
     * @return seconds to caught up, null if not within the timeout
     */
    private Drained drain(int c, double w, int seed, boolean handler, Duration timeout) {
        Deployment d = rig.image;
        settle(d);
        Random random = new Random(seed);
        List<ChangeEvent> backlog = new ArrayList<>(settings.backlog());
        Instant now = Instant.now();
        String unique = "cu-" + seed + (handler ? "-h-" : "-r-") + System.nanoTime() + "-";
        for (int i = 0; i < settings.backlog(); i++) {
            backlog.add(BenchRig.change(unique + i, key(random), i, now, false));
        }
        rig.preload(d.queueUrl(), backlog);
        LiveWriter writer = new LiveWriter(d.sourceTableName(), w, new Random(seed * 31L));
        RawConsumer raw = handler ? null : new RawConsumer(d.queueUrl(), c);
        Map<String, Long> callsBefore = rig.functions.calls();
        long invocationsBefore = rig.aws.lambdas().invocations(d.replayFunctionName());
        long started = System.nanoTime();
        Double seconds = null;
        writer.start();
        if (handler) {
            rig.enable(d.replayMappingUuid(), true);
        } else {
            raw.start();
        }
        try {
            int passed = 0;
            long deadline = started + timeout.toNanos();
            while (System.nanoTime() < deadline) {
                // Jittered (0.5 to 1.5 × the interval, the same mean): capture lands its bursts about once a
                // second, and a fixed 500 ms poll can lock in phase with them, one poll always right after a
                // burst, so "two polls in a row" waited minutes on one run and not on the next.
                BenchRig.sleep((long) (settings.pollMillis() * (0.5 + random.nextDouble())));
                passed = rig.backlog(d.queueUrl()) <= rig.caughtUpBacklog ? passed + 1 : 0;
                if (passed >= 2) {
                    seconds = (System.nanoTime() - started) / 1e9;
                    break;
                }
            }
        } finally {
            writer.stop();
            if (handler) {
                rig.enable(d.replayMappingUuid(), false);
            } else {
                raw.stop();
            }
        }
        Map<String, Long> calls = BenchRig.callsSince(rig.functions, callsBefore);
        double units = handler ? rig.aws.lambdas().invocations(d.replayFunctionName()) - invocationsBefore : raw.batches.get();
        Map<String, Double> per = new java.util.TreeMap<>();
        if (units > 0) {
            calls.forEach((operation, count) -> per.put(operation.substring(operation.indexOf('.') + 1), count / units));
        }
        return new Drained(seconds, per);
    }

    /** Lets the previous run's last captured writes and in-flight batches land, then empties the queue. */
    private void settle(Deployment d) {
        BenchRig.sleep(1500);
        rig.purge(d.queueUrl());
        BenchRig.await(() -> rig.backlog(d.queueUrl()) == 0, 50, Duration.ofSeconds(10));
    }

    private static Thread daemon(String name, Runnable work) {
        Thread thread = new Thread(work, name);
        thread.setDaemon(true);
        thread.start();
        return thread;
    }

    /** A key of the key space, drawn with the Zipf-like skew. */
    private String key(Random random) {
        double u = random.nextDouble();
        int index = java.util.Arrays.binarySearch(cumulative, u);
        return "cu-item-" + (index >= 0 ? index : Math.min(cumulative.length - 1, -index - 1));
    }

    private static double[] zipfCumulative(int keys, double exponent) {
        double[] cumulative = new double[keys];
        double sum = 0;
        for (int k = 0; k < keys; k++) {
            sum += 1 / Math.pow(k + 1, exponent);
            cumulative[k] = sum;
        }
        for (int k = 0; k < keys; k++) {
            cumulative[k] /= sum;
        }
        return cumulative;
    }

    /** The application: keeps changing the source table at w changes per second (straight to the emulator). */
    private final class LiveWriter {
        private final String table;
        private final double perSecond;
        private final Random random;
        private final AtomicBoolean stopped = new AtomicBoolean();
        private Thread thread;

        LiveWriter(String table, double perSecond, Random random) {
            this.table = table;
            this.perSecond = perSecond;
            this.random = random;
        }

        void start() {
            if (perSecond <= 0) {
                return;
            }
            thread = daemon("bench-live-writer", () -> {
                long started = System.nanoTime();
                long sent = 0;
                while (!stopped.get()) {
                    long due = (long) ((System.nanoTime() - started) / 1e9 * perSecond) - sent;
                    // Distinct keys per call: BatchWriteItem refuses one key twice.
                    Map<String, WriteRequest> writes = new LinkedHashMap<>();
                    for (long i = 0; i < due && writes.size() < 25; i++) {
                        String pk = key(random);
                        writes.put(pk, WriteRequest.builder().putRequest(PutRequest.builder().item(Map.of(
                                "pk", AttributeValue.fromS(pk), "n", AttributeValue.fromN(Long.toString(sent + i)))).build()).build());
                    }
                    if (!writes.isEmpty()) {
                        Map<String, List<WriteRequest>> pending = Map.of(table, new ArrayList<>(writes.values()));
                        while (!pending.isEmpty()) {
                            Map<String, List<WriteRequest>> sending = pending;
                            pending = rig.aws.clients().dynamo().batchWriteItem(b -> b.requestItems(sending)).unprocessedItems();
                        }
                        sent += writes.size();
                    } else {
                        BenchRig.sleep(10);
                    }
                }
            });
        }

        void stop() {
            stopped.set(true);
            if (thread != null) {
                try {
                    thread.join(10_000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }

    /**
     * The raw consumer: c threads, each receive (up to 10, FIFO) → one BatchWriteItem of the batch's
     * last change per key → delete, through the functions' latency proxy. No session bookkeeping.
     */
    private final class RawConsumer {
        private final String queueUrl;
        private final int threads;
        private final AtomicBoolean stopped = new AtomicBoolean();
        private final List<Thread> running = new ArrayList<>();
        /** Receives that returned messages. */
        final java.util.concurrent.atomic.AtomicLong batches = new java.util.concurrent.atomic.AtomicLong();

        RawConsumer(String queueUrl, int threads) {
            this.queueUrl = queueUrl;
            this.threads = threads;
        }

        void start() {
            for (int t = 0; t < threads; t++) {
                running.add(daemon("bench-raw-consumer", this::consume));
            }
        }

        private void consume() {
            while (!stopped.get()) {
                List<Message> messages = rig.sqsViaProxy.receiveMessage(r -> r.queueUrl(queueUrl).maxNumberOfMessages(10)).messages();
                if (messages.isEmpty()) {
                    BenchRig.sleep(50);
                    continue;
                }
                batches.incrementAndGet();
                Map<String, WriteRequest> lastPerKey = new LinkedHashMap<>();
                for (Message message : messages) {
                    ChangeEvent change = BenchRig.CODEC.decode(message.body());
                    Map<String, AttributeValue> keys = DynamoJson.toItem(change.keys());
                    lastPerKey.remove(change.key().canonical());
                    lastPerKey.put(change.key().canonical(), change.newImage() == null
                            ? WriteRequest.builder().deleteRequest(DeleteRequest.builder().key(keys).build()).build()
                            : WriteRequest.builder().putRequest(PutRequest.builder().item(DynamoJson.toItem(change.newImage())).build()).build());
                }
                Map<String, List<WriteRequest>> pending = Map.of(rig.imageTarget, new ArrayList<>(lastPerKey.values()));
                while (!pending.isEmpty()) {
                    Map<String, List<WriteRequest>> sending = pending;
                    pending = rig.dynamoViaProxy.batchWriteItem(b -> b.requestItems(sending)).unprocessedItems();
                }
                List<DeleteMessageBatchRequestEntry> done = new ArrayList<>();
                for (Message message : messages) {
                    done.add(DeleteMessageBatchRequestEntry.builder().id(Integer.toString(done.size()))
                            .receiptHandle(message.receiptHandle()).build());
                }
                rig.sqsViaProxy.deleteMessageBatch(r -> r.queueUrl(queueUrl).entries(done));
            }
        }

        void stop() {
            stopped.set(true);
            for (Thread t : running) {
                try {
                    t.join(10_000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }
}
