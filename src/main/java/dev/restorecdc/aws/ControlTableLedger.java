package dev.restorecdc.aws;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.restorecdc.cdc.ActiveSession;
import dev.restorecdc.cdc.Conflict;
import dev.restorecdc.cdc.ReplaySemantics;
import dev.restorecdc.cdc.SessionLedger;
import dev.restorecdc.cdc.Timestamps;
import dev.restorecdc.session.SessionRecord;

import dev.restorecdc.cdc.LateWrite;
import dev.restorecdc.cdc.ShardProgress;
import static dev.restorecdc.session.ControlTableKeys.ACTIVE;
import static dev.restorecdc.session.ControlTableKeys.LOCK_SESSION_ID;
import static dev.restorecdc.session.ControlTableKeys.conflictPk;
import static dev.restorecdc.session.ControlTableKeys.keyLogPk;
import static dev.restorecdc.session.ControlTableKeys.keyLogSk;
import static dev.restorecdc.session.ControlTableKeys.lateWritePk;
import static dev.restorecdc.session.ControlTableKeys.lateWriteSk;
import static dev.restorecdc.session.ControlTableKeys.sessionSk;
import static dev.restorecdc.session.ControlTableKeys.shardProgressPk;
import static dev.restorecdc.session.ControlTableKeys.shardProgressSk;
import static dev.restorecdc.session.ControlTableKeys.tablePk;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.PutRequest;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The change path's reads and writes of the control table (layout in DESIGN.md "Contracts"): the
 * lock item names the active session; counters are added with ADD so concurrent invocations never
 * lose each other's counts; the key log has one item per key the replay touched.
 */
public final class ControlTableLedger implements SessionLedger {

    /** Key log entries outlive any session; DynamoDB's TTL removes them afterwards. */
    static final Duration KEY_LOG_TTL = Duration.ofDays(30);
    /**
     * A settled session (target, replay_from and capture floor all set) does not change what the
     * change path reads from it, so a container may reuse it briefly instead of reading two items
     * per invocation. An absent or unsettled session is never cached: a new one is seen at once.
     */
    static final Duration SETTLED_SESSION_REUSE = Duration.ofSeconds(10);
    private static final int MAX_BATCH = 25;

    private final DynamoDbClient dynamo;
    private final String controlTable;
    private final String sourceTable;
    private final ObjectMapper json;
    private final Clock clock;
    private volatile ActiveSession settled;
    private volatile Instant settledReadAt = Instant.MIN;

    public ControlTableLedger(DynamoDbClient dynamo, String controlTable, String sourceTable, ObjectMapper json, Clock clock) {
        this.dynamo = dynamo;
        this.controlTable = controlTable;
        this.sourceTable = sourceTable;
        this.json = json;
        this.clock = clock;
    }

    @Override
    public Optional<ActiveSession> active() {
        Instant now = clock.instant();
        ActiveSession cached = settled;
        if (cached != null && now.isBefore(settledReadAt.plus(SETTLED_SESSION_REUSE))) {
            return Optional.of(cached);
        }
        Optional<ActiveSession> read = read();
        settled = read.filter(ControlTableLedger::isSettled).orElse(null);
        settledReadAt = now;
        return read;
    }

    private static boolean isSettled(ActiveSession session) {
        // A caught-up session may be cut over at any moment: capture must see CUT_OVER at its next
        // invocation (and record late writes from then on), not up to SETTLED_SESSION_REUSE later.
        return session.targetTable().isPresent() && session.replayFrom().isPresent() && session.captureFloor().isPresent()
                && !"CAUGHT_UP".equals(session.status()) && !"CUT_OVER".equals(session.status());
    }

    private Optional<ActiveSession> read() {
        Map<String, AttributeValue> lock = dynamo.getItem(b -> b.tableName(controlTable).consistentRead(true)
                .key(key(tablePk(sourceTable), ACTIVE))).item();
        if (lock == null || !lock.containsKey(LOCK_SESSION_ID)) {
            return Optional.empty();
        }
        String sessionId = lock.get(LOCK_SESSION_ID).s();
        Map<String, AttributeValue> item = dynamo.getItem(b -> b.tableName(controlTable).consistentRead(true)
                .key(key(tablePk(sourceTable), sessionSk(sessionId)))).item();
        if (item == null || item.isEmpty()) {
            return Optional.empty();
        }
        SessionRecord session = SessionRecord.fromValues(DynamoJson.toPlainItem(item));
        return Optional.of(new ActiveSession(sessionId, session.status().name(), session.replayTarget(),
                session.replayFrom(), session.captureFloor(),
                session.replaySemantics().flatMap(ReplaySemantics::fromRecord)));
    }

    @Override
    public void recordCapture(ActiveSession session, CaptureTally tally) {
        Map<String, AttributeValue> values = new HashMap<>();
        values.put(":captured", number(tally.captured()));
        values.put(":skipped", number(tally.skippedWindow()));
        values.put(":newest", AttributeValue.fromS(Timestamps.format(tally.newestAt())));
        values.put(":ran", AttributeValue.fromS(Timestamps.format(tally.ranAt())));
        values.put(":now", AttributeValue.fromS(Timestamps.format(clock.instant())));
        dynamo.updateItem(b -> b.tableName(controlTable).key(key(tablePk(sourceTable), sessionSk(session.sessionId())))
                .conditionExpression("attribute_exists(pk)")
                .updateExpression("ADD captured :captured, skipped_window :skipped "
                        + "SET capture_newest_at = :newest, capture_ran_at = :ran, updated_at = :now")
                .expressionAttributeValues(values));
    }

    @Override
    public void recordShardProgress(ActiveSession session, ShardProgress progress) {
        Map<String, AttributeValue> key = key(shardProgressPk(session.sessionId()), shardProgressSk(progress.shardId()));
        String sortable = ShardProgress.sortable(progress.sequenceNumber());
        Map<String, AttributeValue> values = new HashMap<>();
        values.put(":shard", AttributeValue.fromS(progress.shardId()));
        values.put(":seq", AttributeValue.fromS(progress.sequenceNumber()));
        values.put(":sortable", AttributeValue.fromS(sortable));
        values.put(":newest", AttributeValue.fromS(Timestamps.format(progress.newestAt())));
        values.put(":ran", AttributeValue.fromS(Timestamps.format(progress.ranAt())));
        values.put(":expires", number(clock.instant().plus(KEY_LOG_TTL).getEpochSecond()));
        try {
            dynamo.updateItem(b -> b.tableName(controlTable).key(key)
                    // A retried or reprocessed older batch never moves the shard's position back.
                    .conditionExpression("attribute_not_exists(sortable_sequence) OR sortable_sequence < :sortable")
                    .updateExpression("SET shard_id = :shard, sequence_number = :seq, sortable_sequence = :sortable, "
                            + "newest_at = :newest, ran_at = :ran, expires_at = :expires")
                    .expressionAttributeValues(values));
        } catch (ConditionalCheckFailedException alreadyFurther) {
            // another invocation recorded a newer position
        }
        progress.queuedAt().ifPresent(queued -> {
            try {
                dynamo.updateItem(b -> b.tableName(controlTable).key(key)
                        .conditionExpression("attribute_not_exists(queued_at) OR queued_at < :queued")
                        .updateExpression("SET queued_at = :queued")
                        .expressionAttributeValues(Map.of(":queued", AttributeValue.fromS(Timestamps.format(queued)))));
            } catch (ConditionalCheckFailedException alreadyLater) {
                // a later send is recorded
            }
        });
    }

    @Override
    public void recordLateWrites(ActiveSession session, List<LateWrite> writes) {
        String now = Timestamps.format(clock.instant());
        long expiresAt = clock.instant().plus(KEY_LOG_TTL).getEpochSecond();
        List<WriteRequest> requests = new ArrayList<>(writes.size());
        for (LateWrite write : writes) {
            Map<String, AttributeValue> item = new HashMap<>();
            item.put("pk", AttributeValue.fromS(lateWritePk(session.sessionId())));
            item.put("sk", AttributeValue.fromS(lateWriteSk(ShardProgress.sortable(write.sequenceNumber()))));
            item.put("key", AttributeValue.fromS(write.key().attributes().toString()));
            item.put("event_name", AttributeValue.fromS(write.eventName().name()));
            item.put("stream_time", AttributeValue.fromS(Timestamps.format(write.createdAt())));
            item.put("sequence_number", AttributeValue.fromS(write.sequenceNumber()));
            if (write.shardId() != null) {
                item.put("shard_id", AttributeValue.fromS(write.shardId()));
            }
            if (write.oldImage() != null) {
                item.put("old_image", AttributeValue.fromS(write.oldImage().toString()));
            }
            if (write.newImage() != null) {
                item.put("new_image", AttributeValue.fromS(write.newImage().toString()));
            }
            item.put("recorded_at", AttributeValue.fromS(now));
            item.put("expires_at", number(expiresAt));
            requests.add(WriteRequest.builder().putRequest(PutRequest.builder().item(item).build()).build());
        }
        batchWrite(requests, "late writes");
    }

    @Override
    public void recordKeyLog(ActiveSession session, List<KeyLogEntry> keys) {
        writeKeyLog(session, keys);
    }

    /**
     * One conditional put per conflict ({@code attribute_not_exists}: the first record of a key
     * stays), then the session's {@code conflicts} count grows by the ones that were new.
     */
    @Override
    public void recordConflicts(ActiveSession session, List<Conflict> conflicts) {
        long expiresAt = clock.instant().plus(KEY_LOG_TTL).getEpochSecond();
        int recorded = 0;
        for (Conflict conflict : conflicts) {
            Map<String, AttributeValue> item = new HashMap<>();
            item.put("pk", AttributeValue.fromS(conflictPk(session.sessionId())));
            item.put("sk", AttributeValue.fromS(keyLogSk(conflict.key().groupId())));
            item.put("key", AttributeValue.fromS(toJson(conflict.key().attributes())));
            item.put("kind", AttributeValue.fromS(conflict.kind()));
            item.put("event_name", AttributeValue.fromS(conflict.eventName().name()));
            item.put("old_image_digest", AttributeValue.fromS(conflict.oldImageDigest()));
            item.put("target_digest", AttributeValue.fromS(conflict.targetDigest()));
            if (!conflict.changed().isEmpty()) {
                item.put("changed", AttributeValue.fromSs(conflict.changed()));
            }
            if (!conflict.removed().isEmpty()) {
                item.put("removed", AttributeValue.fromSs(conflict.removed()));
            }
            item.put("change_at", AttributeValue.fromS(Timestamps.format(conflict.changeAt())));
            item.put("recorded_at", AttributeValue.fromS(Timestamps.format(clock.instant())));
            item.put("expires_at", AttributeValue.fromN(Long.toString(expiresAt)));
            try {
                dynamo.putItem(b -> b.tableName(controlTable).item(item).conditionExpression("attribute_not_exists(pk)"));
                recorded++;
            } catch (ConditionalCheckFailedException alreadyRecorded) {
                // a redelivered batch: the key's first record stays
            }
        }
        if (recorded > 0) {
            int added = recorded;
            dynamo.updateItem(b -> b.tableName(controlTable).key(key(tablePk(sourceTable), sessionSk(session.sessionId())))
                    .conditionExpression("attribute_exists(pk)")
                    .updateExpression("ADD conflicts :n").expressionAttributeValues(Map.of(":n", number(added))));
        }
    }

    @Override
    public void recordReplay(ActiveSession session, ReplayTally tally) {
        Map<String, AttributeValue> values = new HashMap<>();
        values.put(":puts", number(tally.replayedPuts()));
        values.put(":deletes", number(tally.replayedDeletes()));
        values.put(":skipped", number(tally.skippedWindow()));
        values.put(":retries", number(tally.retries()));
        values.put(":failed", number(tally.failed()));
        values.put(":dead", number(tally.deadLettered()));
        values.put(":now", AttributeValue.fromS(Timestamps.format(clock.instant())));
        String update = "ADD replayed_puts :puts, replayed_deletes :deletes, skipped_window :skipped, "
                + "retries :retries, failed :failed, dead_lettered :dead SET updated_at = :now";
        dynamo.updateItem(b -> b.tableName(controlTable).key(key(tablePk(sourceTable), sessionSk(session.sessionId())))
                .conditionExpression("attribute_exists(pk)")
                .updateExpression(update).expressionAttributeValues(values));
        if (tally.newestAt() != null) {
            advanceReplayNewest(session, tally.newestAt());
        }
    }

    @Override
    public void recordReplayProblem(ActiveSession session, String problem) {
        String now = Timestamps.format(clock.instant());
        dynamo.updateItem(b -> b.tableName(controlTable).key(key(tablePk(sourceTable), sessionSk(session.sessionId())))
                .conditionExpression("attribute_exists(pk)")
                .updateExpression("SET replay_error = :problem, replay_error_at = :now, updated_at = :now")
                .expressionAttributeValues(Map.of(":problem", AttributeValue.fromS(problem), ":now", AttributeValue.fromS(now))));
    }

    private void advanceReplayNewest(ActiveSession session, Instant newest) {
        try {
            dynamo.updateItem(b -> b.tableName(controlTable).key(key(tablePk(sourceTable), sessionSk(session.sessionId())))
                    // Concurrent invocations finish in any order: keep the newest stamp.
                    .conditionExpression("attribute_not_exists(replay_newest_at) OR replay_newest_at < :newest")
                    .updateExpression("SET replay_newest_at = :newest")
                    .expressionAttributeValues(Map.of(":newest", AttributeValue.fromS(Timestamps.format(newest)))));
        } catch (ConditionalCheckFailedException alreadyNewer) {
            // another invocation recorded a newer change: nothing to do
        }
    }

    private void writeKeyLog(ActiveSession session, List<KeyLogEntry> keys) {
        long expiresAt = clock.instant().plus(KEY_LOG_TTL).getEpochSecond();
        List<WriteRequest> requests = new ArrayList<>(keys.size());
        for (KeyLogEntry entry : keys) {
            Map<String, AttributeValue> item = new HashMap<>();
            item.put("pk", AttributeValue.fromS(keyLogPk(session.sessionId(), entry.key().groupId())));
            item.put("sk", AttributeValue.fromS(keyLogSk(entry.key().groupId())));
            item.put("key", AttributeValue.fromS(toJson(entry)));
            item.put("last_op", AttributeValue.fromS(entry.lastOp()));
            item.put("last_at", AttributeValue.fromS(Timestamps.format(entry.lastAt())));
            item.put("expires_at", AttributeValue.fromN(Long.toString(expiresAt)));
            // What verify compares: the whole item, or (an undo's updates) the attributes replay set or
            // removed, the union over the key's replays (the replay read the previous entry).
            item.put("whole", AttributeValue.fromBool(entry.touched() == null));
            if (entry.touched() != null && !entry.touched().isEmpty()) {
                item.put("attributes", AttributeValue.fromSs(entry.touched()));
            }
            requests.add(WriteRequest.builder().putRequest(PutRequest.builder().item(item).build()).build());
        }
        for (int from = 0; from < requests.size(); from += MAX_BATCH) {
            List<WriteRequest> chunk = requests.subList(from, Math.min(requests.size(), from + MAX_BATCH));
            Map<String, List<WriteRequest>> pending = Map.of(controlTable, chunk);
            for (int attempt = 0; !pending.isEmpty() && attempt < 8; attempt++) {
                if (attempt > 0) {
                    sleepQuietly(DynamoTargetWriter.RETRY.before(attempt));
                }
                Map<String, List<WriteRequest>> sending = pending;
                pending = dynamo.batchWriteItem(b -> b.requestItems(sending)).unprocessedItems();
            }
            if (!pending.isEmpty()) {
                throw new IllegalStateException("key log: " + pending.get(controlTable).size() + " entries unprocessed after 8 attempts");
            }
        }
    }

    private void batchWrite(List<WriteRequest> requests, String what) {
        for (int from = 0; from < requests.size(); from += MAX_BATCH) {
            List<WriteRequest> chunk = requests.subList(from, Math.min(requests.size(), from + MAX_BATCH));
            Map<String, List<WriteRequest>> pending = Map.of(controlTable, chunk);
            for (int attempt = 0; !pending.isEmpty() && attempt < 8; attempt++) {
                if (attempt > 0) {
                    sleepQuietly(DynamoTargetWriter.RETRY.before(attempt));
                }
                Map<String, List<WriteRequest>> sending = pending;
                pending = dynamo.batchWriteItem(b -> b.requestItems(sending)).unprocessedItems();
            }
            if (!pending.isEmpty()) {
                throw new IllegalStateException(what + ": " + pending.get(controlTable).size() + " entries unprocessed after 8 attempts");
            }
        }
    }

    private String toJson(KeyLogEntry entry) {
        return toJson(entry.key().attributes());
    }

    private String toJson(com.fasterxml.jackson.databind.JsonNode node) {
        try {
            return json.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Map<String, AttributeValue> key(String pk, String sk) {
        return Map.of("pk", AttributeValue.fromS(pk), "sk", AttributeValue.fromS(sk));
    }

    private static AttributeValue number(long value) {
        return AttributeValue.fromN(Long.toString(value));
    }

    private static void sleepQuietly(Duration wait) {
        try {
            Thread.sleep(wait.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
