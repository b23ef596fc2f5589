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
    static final Duration KEY_LOG_TTL = KeyLogItems.TTL;
    private static final int MAX_BATCH = 25;

    private final DynamoDbClient dynamo;
    private final String controlTable;
    private final String sourceTable;
    private final ObjectMapper json;
    private final Clock clock;
    private final KeyLogItems keyLogItems;
    private final Reuse forCapture = new Reuse(ControlTableLedger::settledForCapture);
    private final Reuse forReplay = new Reuse(ControlTableLedger::settledForReplay);

    private final Duration settledReuse;
    private final Duration unsettledReuse;

    /** Reads the session every invocation. */
    public ControlTableLedger(DynamoDbClient dynamo, String controlTable, String sourceTable, ObjectMapper json, Clock clock) {
        this(dynamo, controlTable, sourceTable, json, clock, Duration.ZERO, Duration.ZERO);
    }

    /**
     * @param settledReuse   how long a settled session (target, replay_from and capture floor set) is
     *                       reused: it does not change what the change path reads from it
     *                       ({@code CDC_SESSION_REUSE}, 10 s)
     * @param unsettledReuse how long no session, or one still settling (a restore runs for minutes to
     *                       hours before replay_from is set), is reused: until a new or newly settled
     *                       session is seen, capture queues every change (no floor) and replay has
     *                       nothing to do ({@code CDC_UNSETTLED_SESSION_REUSE}, 1 s)
     */
    public ControlTableLedger(DynamoDbClient dynamo, String controlTable, String sourceTable, ObjectMapper json, Clock clock,
                              Duration settledReuse, Duration unsettledReuse) {
        this.settledReuse = settledReuse;
        this.unsettledReuse = unsettledReuse;
        this.dynamo = dynamo;
        this.controlTable = controlTable;
        this.sourceTable = sourceTable;
        this.json = json;
        this.clock = clock;
        this.keyLogItems = new KeyLogItems(controlTable, json, clock);
    }

    @Override
    public Optional<ActiveSession> active() {
        return forCapture.get();
    }

    @Override
    public Optional<ActiveSession> activeForReplay() {
        return forReplay.get();
    }

    private static boolean settled(ActiveSession session) {
        return session.targetTable().isPresent() && session.replayFrom().isPresent() && session.captureFloor().isPresent();
    }

    private static boolean settledForCapture(ActiveSession session) {
        // A caught-up session may be cut over at any moment: capture must see CUT_OVER at its next
        // invocation (and record late writes from then on), so it is never reused.
        return settled(session) && !"CAUGHT_UP".equals(session.status()) && !"CUT_OVER".equals(session.status());
    }

    private static boolean settledForReplay(ActiveSession session) {
        // Replay reads nothing of the status: its target, window and semantics are fixed once settled.
        return settled(session);
    }

    /** One reader's reuse of its last read: {@code settledReuse} if settled for it, else {@code unsettledReuse}. */
    private final class Reuse {
        private final java.util.function.Predicate<ActiveSession> settledFor;
        private volatile Optional<ActiveSession> last;
        private volatile Instant until = Instant.MIN;

        Reuse(java.util.function.Predicate<ActiveSession> settledFor) {
            this.settledFor = settledFor;
        }

        Optional<ActiveSession> get() {
            Instant now = clock.instant();
            Optional<ActiveSession> reused = last;
            if (reused != null && now.isBefore(until)) {
                return reused;
            }
            Optional<ActiveSession> read = read();
            last = read;
            if (read.isPresent() && settledFor.test(read.get())) {
                until = now.plus(settledReuse);
            } else if (read.isEmpty() || !settled(read.get())) {
                until = now.plus(unsettledReuse);
            } else {
                until = Instant.MIN; // settled, but in a status this reader must see change at once
            }
            return read;
        }
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
        String position = "SET shard_id = :shard, sequence_number = :seq, sortable_sequence = :sortable, "
                + "newest_at = :newest, ran_at = :ran, expires_at = :expires";
        // A retried or reprocessed older batch never moves the shard's position back.
        String newer = "(attribute_not_exists(sortable_sequence) OR sortable_sequence < :sortable)";
        if (progress.queuedAt().isPresent()) {
            // The common case, one call: a newer position and a later send, recorded together.
            Map<String, AttributeValue> withQueued = new HashMap<>(values);
            withQueued.put(":queued", AttributeValue.fromS(Timestamps.format(progress.queuedAt().get())));
            try {
                dynamo.updateItem(b -> b.tableName(controlTable).key(key)
                        .conditionExpression(newer + " AND (attribute_not_exists(queued_at) OR queued_at < :queued)")
                        .updateExpression(position + ", queued_at = :queued").expressionAttributeValues(withQueued));
                return;
            } catch (ConditionalCheckFailedException eitherAlreadyFurther) {
                // one of the two is already further: record each on its own condition
            }
        }
        try {
            dynamo.updateItem(b -> b.tableName(controlTable).key(key).conditionExpression(newer)
                    .updateExpression(position).expressionAttributeValues(values));
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

    /**
     * One UpdateItem: the counters added and, when this tally's newest change is newer,
     * replay_newest_at advanced. When another environment recorded a newer change meanwhile
     * (the condition fails), a second UpdateItem adds the counters alone.
     */
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
        String counters = "ADD replayed_puts :puts, replayed_deletes :deletes, skipped_window :skipped, "
                + "retries :retries, failed :failed, dead_lettered :dead SET updated_at = :now";
        Map<String, AttributeValue> key = key(tablePk(sourceTable), sessionSk(session.sessionId()));
        if (tally.newestAt() != null) {
            Map<String, AttributeValue> withNewest = new HashMap<>(values);
            withNewest.put(":newest", AttributeValue.fromS(Timestamps.format(tally.newestAt())));
            try {
                dynamo.updateItem(b -> b.tableName(controlTable).key(key)
                        // Environments finish in any order: replay_newest_at only moves forward.
                        .conditionExpression("attribute_exists(pk) AND "
                                + "(attribute_not_exists(replay_newest_at) OR replay_newest_at < :newest)")
                        .updateExpression(counters + ", replay_newest_at = :newest").expressionAttributeValues(withNewest));
                return;
            } catch (ConditionalCheckFailedException newerOrGone) {
                // a newer change is recorded (or the session is gone: the next update says so)
            }
        }
        dynamo.updateItem(b -> b.tableName(controlTable).key(key).conditionExpression("attribute_exists(pk)")
                .updateExpression(counters).expressionAttributeValues(values));
    }

    @Override
    public void recordReplayProblem(ActiveSession session, String problem) {
        String now = Timestamps.format(clock.instant());
        dynamo.updateItem(b -> b.tableName(controlTable).key(key(tablePk(sourceTable), sessionSk(session.sessionId())))
                .conditionExpression("attribute_exists(pk)")
                .updateExpression("SET replay_error = :problem, replay_error_at = :now, updated_at = :now")
                .expressionAttributeValues(Map.of(":problem", AttributeValue.fromS(problem), ":now", AttributeValue.fromS(now))));
    }

    private void writeKeyLog(ActiveSession session, List<KeyLogEntry> keys) {
        List<WriteRequest> requests = new ArrayList<>(keys.size());
        for (KeyLogEntry entry : keys) {
            requests.add(keyLogItems.put(session.sessionId(), entry));
        }
        batchWrite(requests, "key log");
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
