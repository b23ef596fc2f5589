package dev.restorecdc.local;

import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ExpiredIteratorException;
import software.amazon.awssdk.services.dynamodb.model.GetRecordsResponse;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.Record;
import software.amazon.awssdk.services.dynamodb.model.Shard;
import software.amazon.awssdk.services.dynamodb.model.ShardIteratorType;
import software.amazon.awssdk.services.dynamodb.model.StreamDescription;
import software.amazon.awssdk.services.lambda.model.FunctionResponseType;
import software.amazon.awssdk.services.lambda.model.GetEventSourceMappingResponse;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * DynamoDB stream → function, as Lambda's stream poller does it: shard by shard (a child only once
 * its parent is read to the end), batches of up to the mapping's batch size from its starting
 * position, checkpoint after each successful batch; a partial batch response moves the checkpoint
 * to just before the earliest reported record, a function error retries the whole batch (halved
 * when bisect-on-error is set); nothing is skipped unless maximum retry attempts is ≥ 0 and spent.
 * With {@code TumblingWindowInSeconds} each event also names its {@code shardId}, {@code window} and
 * {@code state}; a response without {@code state} fails the batch, and when a window ends the
 * function gets its final invocation ({@code isFinalInvokeForWindow}, possibly no records).
 * A shard in {@code held} is not read (tests play a lagging shard with it).
 *
 * <p>{@code ParallelizationFactor} N &gt; 1 (without a tumbling window): up to N batches of one
 * shard run at once, as Lambda does (AWS "Using AWS Lambda with Amazon DynamoDB", concurrent
 * reading of a shard: order still holds per item). A read of up to N × batch size records is split
 * into N lanes by the record's partition key (the stream's HASH key; coarser than per item, so
 * never weaker), each lane's records in stream order and cut into batches of the batch size that
 * the lane invokes one after another, stopping at its first failure; the lanes run concurrently
 * (bounded, like every invocation here, by the local service's {@link LocalFunction#concurrency()}).
 * The shard's checkpoint then moves to just before the earliest record any lane failed, so records
 * of other lanes after it are delivered again (at least once, as in Lambda).
 */
final class StreamMappingWorker extends MappingWorker {

    private static final long MAX_BACKOFF_MS = 2_000;

    private final Map<String, ShardCursor> cursors = new HashMap<>();

    private final Set<String> held;

    /** The stream's partition (HASH) key attribute, from DescribeStream; lanes are chosen by its value. */
    private volatile String partitionKey;

    /** Runs the lanes of a parallelization factor above 1 (created on first use). */
    private java.util.concurrent.ExecutorService lanes;

    StreamMappingWorker(String uuid, LocalClients aws, LambdaService lambdas, ServiceLog log, Set<String> held) {
        super(uuid, aws, lambdas, log);
        this.held = held;
    }

    /** How stale the shard list may be while batches keep coming (idle, it is read every poll). */
    private static final java.time.Duration SHARD_REFRESH = java.time.Duration.ofSeconds(1);

    private List<Shard> knownShards;
    private long shardsReadAt;
    private boolean lastPollWorked;

    @Override
    boolean poll(GetEventSourceMappingResponse mapping) {
        // Lambda discovers shards periodically, not with a DescribeStream before every batch.
        if (knownShards == null || !lastPollWorked || System.nanoTime() - shardsReadAt > SHARD_REFRESH.toNanos()) {
            knownShards = shards(mapping.eventSourceArn());
            shardsReadAt = System.nanoTime();
        }
        List<Shard> shards = knownShards;
        Set<String> known = shards.stream().map(Shard::shardId).collect(Collectors.toSet());
        boolean worked = false;
        for (Shard shard : shards) {
            ShardCursor cursor = cursors.computeIfAbsent(shard.shardId(), ShardCursor::new);
            String parent = shard.parentShardId();
            boolean parentUnread = parent != null && known.contains(parent)
                    && (cursors.get(parent) == null || !cursors.get(parent).finished);
            if (cursor.finished || parentUnread || held.contains(shard.shardId()) || System.currentTimeMillis() < cursor.retryAtMs) {
                continue;
            }
            worked |= readBatch(mapping, shard, cursor);
        }
        lastPollWorked = worked;
        return worked;
    }

    private List<Shard> shards(String streamArn) {
        List<Shard> shards = new ArrayList<>();
        String start = null;
        do {
            String from = start;
            StreamDescription description = aws.streams().describeStream(r -> r.streamArn(streamArn).exclusiveStartShardId(from)).streamDescription();
            if (partitionKey == null) {
                partitionKey = description.keySchema().stream().filter(k -> k.keyType() == KeyType.HASH)
                        .map(KeySchemaElement::attributeName).findFirst().orElse(null);
            }
            shards.addAll(description.shards());
            start = description.lastEvaluatedShardId();
        } while (start != null);
        return shards;
    }

    private boolean readBatch(GetEventSourceMappingResponse mapping, Shard shard, ShardCursor cursor) {
        int batchSize = mapping.batchSize() == null ? 100 : mapping.batchSize();
        if (cursor.limit <= 0) {
            cursor.limit = batchSize;
        }
        int windowSeconds = mapping.tumblingWindowInSeconds() == null ? 0 : mapping.tumblingWindowInSeconds();
        int factor = windowSeconds > 0 ? 1 : parallelizationFactor(mapping);
        // One read feeds every lane: up to N batches' worth (GetRecords returns at most 1,000 records).
        int readLimit = Math.min(MAX_GET_RECORDS, cursor.limit * factor);
        GetRecordsResponse read;
        try {
            String iterator = cursor.iterator != null ? cursor.iterator : iterator(mapping, cursor);
            read = aws.streams().getRecords(r -> r.shardIterator(iterator).limit(readLimit));
        } catch (ExpiredIteratorException e) {
            cursor.iterator = null;
            return false;
        }
        List<Record> records = read.records();
        boolean windowEnded = windowSeconds > 0 && cursor.windowEnd != null && !java.time.Instant.now().isBefore(cursor.windowEnd);
        if (windowEnded && !finalInvoke(mapping, cursor)) {
            return true; // the window's final invocation failed: retried before any later record
        }
        if (records.isEmpty()) {
            cursor.iterator = read.nextShardIterator();
            cursor.finished = read.nextShardIterator() == null;
            return false;
        }
        List<String> sequences = records.stream().map(r -> r.dynamodb().sequenceNumber()).toList();
        boolean reportsFailures = mapping.functionResponseTypes().contains(FunctionResponseType.REPORT_BATCH_ITEM_FAILURES);
        if (factor > 1) {
            readLanes(mapping, cursor, records, sequences, read.nextShardIterator(), batchSize, factor, reportsFailures);
            return true;
        }
        BatchOutcome outcome;
        if (windowSeconds > 0) {
            java.time.Instant now = java.time.Instant.now();
            if (cursor.windowEnd == null || !now.isBefore(cursor.windowEnd)) {
                // Windows open and close at regular intervals; a new one starts with a fresh state.
                long size = windowSeconds;
                cursor.windowStart = java.time.Instant.ofEpochSecond(now.getEpochSecond() / size * size);
                cursor.windowEnd = cursor.windowStart.plusSeconds(size);
                cursor.windowState = null;
            }
            String event = StreamLambdaEvent.windowed(records, mapping.eventSourceArn(), LocalClients.REGION.id(),
                    new StreamLambdaEvent.TumblingWindow(shard.shardId(), cursor.windowStart, cursor.windowEnd, cursor.windowState, false));
            outcome = BatchOutcome.readWindowed(lambdas.invoke(functionName(mapping), event), reportsFailures, sequences);
            if (outcome.state() != null) {
                cursor.windowState = outcome.state();
            }
        } else {
            String event = StreamLambdaEvent.of(records, mapping.eventSourceArn(), LocalClients.REGION.id());
            outcome = BatchOutcome.read(lambdas.invoke(functionName(mapping), event), reportsFailures, sequences);
        }
        switch (outcome.kind()) {
            case SUCCESS -> succeeded(cursor, sequences, read.nextShardIterator(), batchSize);
            case PARTIAL -> {
                // Lambda resumes from the earliest reported record; everything before it is done.
                int first = sequences.indexOf(outcome.failedIds().stream()
                        .min((a, b) -> new java.math.BigInteger(a).compareTo(new java.math.BigInteger(b))).orElseThrow());
                failed(mapping, cursor, sequences, first, batchSize, outcome.reason(), false, sequences.size());
            }
            case FAILED -> failed(mapping, cursor, sequences, 0, batchSize, outcome.reason(), true, sequences.size());
        }
        return true;
    }

    /** GetRecords' own maximum for DynamoDB Streams. */
    private static final int MAX_GET_RECORDS = 1000;

    /** The mapping's parallelization factor, 1 to 10 as Lambda accepts it (1 when unset). */
    static int parallelizationFactor(GetEventSourceMappingResponse mapping) {
        Integer factor = mapping.parallelizationFactor();
        return factor == null ? 1 : Math.max(1, Math.min(10, factor));
    }

    /** Where a lane stopped: the index (in the whole read) of its earliest failed record, -1 when it did not fail. */
    private record LaneResult(int firstFailed, boolean wholeBatch, int failedBatchSize, String reason) {
        static final LaneResult DONE = new LaneResult(-1, false, 0, "");
    }

    /** A parallelization factor above 1: the read split into lanes by partition key, the lanes run at once. */
    private void readLanes(GetEventSourceMappingResponse mapping, ShardCursor cursor, List<Record> records, List<String> sequences,
            String next, int batchSize, int factor, boolean reportsFailures) {
        List<List<Integer>> byLane = new ArrayList<>();
        for (int i = 0; i < factor; i++) {
            byLane.add(new ArrayList<>());
        }
        for (int i = 0; i < records.size(); i++) {
            byLane.get(lane(records.get(i), factor)).add(i);
        }
        if (lanes == null) {
            lanes = java.util.concurrent.Executors.newCachedThreadPool(r -> {
                Thread t = new Thread(r, "mapping-" + uuid + "-lane");
                t.setDaemon(true);
                return t;
            });
        }
        List<java.util.concurrent.Future<LaneResult>> running = new ArrayList<>();
        for (List<Integer> lane : byLane) {
            if (!lane.isEmpty()) {
                running.add(lanes.submit(() -> runLane(mapping, records, lane, cursor.limit, reportsFailures)));
            }
        }
        LaneResult earliest = LaneResult.DONE;
        for (java.util.concurrent.Future<LaneResult> lane : running) {
            LaneResult result;
            try {
                result = lane.get();
            } catch (java.util.concurrent.ExecutionException e) {
                result = new LaneResult(0, true, records.size(), "lane failed: " + e.getCause());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                result = new LaneResult(0, true, records.size(), "interrupted");
            }
            if (result.firstFailed() >= 0 && (earliest.firstFailed() < 0 || result.firstFailed() < earliest.firstFailed())) {
                earliest = result;
            }
        }
        if (earliest.firstFailed() < 0) {
            succeeded(cursor, sequences, next, batchSize);
        } else {
            failed(mapping, cursor, sequences, earliest.firstFailed(), batchSize, earliest.reason(), earliest.wholeBatch(),
                    earliest.failedBatchSize());
        }
    }

    /** One lane: its records in stream order, batch after batch, stopping at the first failure (later records of its keys wait). */
    private LaneResult runLane(GetEventSourceMappingResponse mapping, List<Record> records, List<Integer> lane, int limit,
            boolean reportsFailures) {
        for (int from = 0; from < lane.size(); from += limit) {
            List<Integer> batch = lane.subList(from, Math.min(lane.size(), from + limit));
            List<Record> chunk = batch.stream().map(records::get).toList();
            List<String> ids = chunk.stream().map(r -> r.dynamodb().sequenceNumber()).toList();
            String event = StreamLambdaEvent.of(chunk, mapping.eventSourceArn(), LocalClients.REGION.id());
            BatchOutcome outcome = BatchOutcome.read(lambdas.invoke(functionName(mapping), event), reportsFailures, ids);
            switch (outcome.kind()) {
                case SUCCESS -> { }
                case PARTIAL -> {
                    int first = ids.indexOf(outcome.failedIds().stream()
                            .min((a, b) -> new java.math.BigInteger(a).compareTo(new java.math.BigInteger(b))).orElseThrow());
                    return new LaneResult(batch.get(first), false, chunk.size(), outcome.reason());
                }
                case FAILED -> {
                    return new LaneResult(batch.get(0), true, chunk.size(), outcome.reason());
                }
            }
        }
        return LaneResult.DONE;
    }

    /** The lane of a record: its partition key's value, hashed (every change of one item lands in one lane). */
    private int lane(Record record, int factor) {
        Map<String, AttributeValue> keys = record.dynamodb().keys();
        Object value = partitionKey != null && keys.containsKey(partitionKey) ? keys.get(partitionKey) : keys;
        return Math.floorMod(value.hashCode(), factor);
    }

    @Override
    void stop() {
        super.stop();
        if (lanes != null) {
            lanes.shutdownNow();
        }
    }

    /**
     * The ended window's last invocation: no records, {@code isFinalInvokeForWindow}, the window's
     * state. Lambda retries it until it succeeds before going on with the shard.
     */
    private boolean finalInvoke(GetEventSourceMappingResponse mapping, ShardCursor cursor) {
        String event = StreamLambdaEvent.windowed(List.of(), mapping.eventSourceArn(), LocalClients.REGION.id(),
                new StreamLambdaEvent.TumblingWindow(cursor.shardId, cursor.windowStart, cursor.windowEnd, cursor.windowState, true));
        BatchOutcome outcome = BatchOutcome.readWindowed(lambdas.invoke(functionName(mapping), event), false, List.of());
        if (outcome.kind() != BatchOutcome.Kind.SUCCESS) {
            cursor.failedAttempts++;
            long backoff = Math.min(MAX_BACKOFF_MS, 100L << Math.min(cursor.failedAttempts, 5));
            cursor.retryAtMs = System.currentTimeMillis() + backoff;
            cursor.iterator = null;
            log.log("mapping " + uuid + " shard " + cursor.shardId + ": final invocation of window " + cursor.windowStart
                    + " failed (" + outcome.reason() + "); retrying in " + backoff + " ms");
            return false;
        }
        cursor.failedAttempts = 0;
        cursor.windowStart = null;
        cursor.windowEnd = null;
        cursor.windowState = null;
        return true;
    }

    private String iterator(GetEventSourceMappingResponse mapping, ShardCursor cursor) {
        ShardIteratorType type = switch (cursor.from) {
            case START -> ShardIteratorType.fromValue(mapping.startingPositionAsString() == null ? "TRIM_HORIZON" : mapping.startingPositionAsString());
            case AT -> ShardIteratorType.AT_SEQUENCE_NUMBER;
            case AFTER -> ShardIteratorType.AFTER_SEQUENCE_NUMBER;
        };
        return aws.streams().getShardIterator(r -> r.streamArn(mapping.eventSourceArn()).shardId(cursor.shardId)
                .shardIteratorType(type).sequenceNumber(cursor.from == ShardCursor.From.START ? null : cursor.sequenceNumber)).shardIterator();
    }

    private void succeeded(ShardCursor cursor, List<String> sequences, String next, int batchSize) {
        cursor.moveAfter(sequences.get(sequences.size() - 1));
        cursor.iterator = next;
        cursor.finished = next == null;
        cursor.failedAttempts = 0;
        cursor.limit = batchSize;
    }

    /**
     * @param failedBatchSize the size of the invocation that failed (bisect-on-error halves it)
     */
    private void failed(GetEventSourceMappingResponse mapping, ShardCursor cursor, List<String> sequences, int firstFailed,
            int batchSize, String reason, boolean wholeBatch, int failedBatchSize) {
        if (firstFailed > 0) {
            cursor.moveAfter(sequences.get(firstFailed - 1));
        } else {
            cursor.moveAt(sequences.get(0));
        }
        cursor.iterator = null;
        cursor.failedAttempts++;
        Integer maxRetries = mapping.maximumRetryAttempts();
        if (maxRetries != null && maxRetries >= 0 && cursor.failedAttempts > maxRetries) {
            // Only with a finite retry limit (the project sets -1): Lambda then drops the batch.
            log.log("mapping " + uuid + " shard " + cursor.shardId + ": retries spent, discarding records "
                    + sequences.get(firstFailed) + ".." + sequences.get(sequences.size() - 1));
            succeeded(cursor, sequences, null, batchSize);
            cursor.finished = false;
            return;
        }
        if (wholeBatch && Boolean.TRUE.equals(mapping.bisectBatchOnFunctionError()) && failedBatchSize > 1) {
            cursor.limit = Math.max(1, failedBatchSize / 2);
        }
        long backoff = Math.min(MAX_BACKOFF_MS, 100L << Math.min(cursor.failedAttempts, 5));
        cursor.retryAtMs = System.currentTimeMillis() + backoff;
        log.log("mapping " + uuid + " shard " + cursor.shardId + ": batch of " + sequences.size() + " failed (" + reason
                + "); attempt " + cursor.failedAttempts + ", retrying from " + cursor + " in " + backoff + " ms");
    }
}
