package dev.restorecdc.aws;

import dev.restorecdc.cdc.Timestamps;
import dev.restorecdc.session.ControlTableKeys;
import dev.restorecdc.session.SessionRecord;
import dev.restorecdc.session.SessionRecords;
import dev.restorecdc.session.SessionStatus;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.Put;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.StringJoiner;

import static dev.restorecdc.session.ControlTableKeys.ACTIVE;
import static dev.restorecdc.session.ControlTableKeys.LOCK_SESSION_ID;
import static dev.restorecdc.session.ControlTableKeys.PK;
import static dev.restorecdc.session.ControlTableKeys.SK;
import static dev.restorecdc.session.ControlTableKeys.sessionSk;
import static dev.restorecdc.session.ControlTableKeys.tablePk;

/**
 * The life cycle of the control table's lock and session items (DESIGN.md, Contracts): register
 * under the ACTIVE lock, status changes, the settled replay window, the figures, the task token,
 * and the release, on DynamoDB. The capture/replay hot path (counters, key log) is
 * {@link ControlTableLedger}'s. Instants are written in {@link Timestamps}' form.
 */
public class SessionStore implements SessionRecords {

    private final DynamoDbClient dynamo;
    private final String table;
    private final String sourceTable;

    /** The records of {@code sourceTable}'s sessions in the control table {@code controlTable}. */
    public SessionStore(DynamoDbClient dynamo, String controlTable, String sourceTable) {
        this.dynamo = dynamo;
        this.table = controlTable;
        this.sourceTable = sourceTable;
    }

    /** The session record's key as attribute values. */
    public Map<String, AttributeValue> sessionKey(String sessionId) {
        return Map.of(PK, s(tablePk(sourceTable)), SK, s(sessionSk(sessionId)));
    }

    private Map<String, AttributeValue> lockKey() {
        return Map.of(PK, s(tablePk(sourceTable)), SK, s(ACTIVE));
    }

    /**
     * In one transaction: the lock (absent, or expired: {@code lock_expires_at} before now) and the
     * session record. A refused session's own FAILED record is {@link #recordRefused}'s.
     */
    @Override
    public Registration register(NewSession s, Instant now, Instant lockExpiresAt) {
        Optional<Lock> before = lock();
        Map<String, AttributeValue> lock = new LinkedHashMap<>(lockKey());
        lock.put(LOCK_SESSION_ID, s(s.sessionId()));
        lock.put(ControlTableKeys.LOCK_EXPIRES_AT, s(Timestamps.format(lockExpiresAt)));
        lock.put(SessionRecord.CREATED_AT, s(Timestamps.format(now)));

        Map<String, Object> values = new LinkedHashMap<>();
        values.put(SessionRecord.STATUS, SessionStatus.REQUESTED.name());
        values.put(SessionRecord.TARGET_TABLE, s.targetTable());
        s.targetTableArn().ifPresent(arn -> values.put(SessionRecord.TARGET_TABLE_ARN, arn));
        values.put(SessionRecord.REQUESTED_AT, s.requestedAt());
        s.restorePoint().ifPresent(p -> values.put(SessionRecord.RESTORE_POINT, p));
        values.put(SessionRecord.CAPTURE_FLOOR, s.captureFloor());
        Map<String, AttributeValue> session = newItem(s, values, now);
        try {
            // Timestamps.format is fixed-width ISO-8601 in UTC, so string order is time order.
            dynamo.transactWriteItems(r -> r.transactItems(
                    TransactWriteItem.builder().put(Put.builder().tableName(table).item(lock)
                            .conditionExpression("attribute_not_exists(pk) OR #expires < :now")
                            .expressionAttributeNames(Map.of("#expires", ControlTableKeys.LOCK_EXPIRES_AT))
                            .expressionAttributeValues(Map.of(":now", s(Timestamps.format(now)))).build()).build(),
                    TransactWriteItem.builder().put(Put.builder().tableName(table).item(session)
                            .conditionExpression("attribute_not_exists(pk)").build()).build()));
            Optional<String> expiredOf = before.filter(l -> !l.sessionId().equals(s.sessionId())).map(Lock::sessionId);
            return new Registration(true, Optional.empty(), expiredOf);
        } catch (TransactionCanceledException e) {
            Optional<String> holder = activeSessionId();
            if (holder.filter(s.sessionId()::equals).isPresent()) {
                return new Registration(true, holder);
            }
            return new Registration(false, holder);
        }
    }

    @Override
    public Optional<Lock> lock() {
        Map<String, AttributeValue> item = dynamo.getItem(r -> r.tableName(table).key(lockKey()).consistentRead(true)).item();
        if (item == null || item.isEmpty() || item.get(LOCK_SESSION_ID) == null) {
            return Optional.empty();
        }
        Optional<Instant> expires = Optional.ofNullable(item.get(ControlTableKeys.LOCK_EXPIRES_AT)).map(AttributeValue::s)
                .map(v -> Timestamps.parse(ControlTableKeys.LOCK_EXPIRES_AT, v));
        return Optional.of(new Lock(item.get(LOCK_SESSION_ID).s(), expires));
    }

    @Override
    public boolean renewLock(String sessionId, Instant lockExpiresAt) {
        try {
            dynamo.updateItem(r -> r.tableName(table).key(lockKey())
                    .conditionExpression(LOCK_SESSION_ID + " = :id")
                    .updateExpression("SET #expires = :expires")
                    .expressionAttributeNames(Map.of("#expires", ControlTableKeys.LOCK_EXPIRES_AT))
                    .expressionAttributeValues(Map.of(":id", s(sessionId), ":expires", s(Timestamps.format(lockExpiresAt)))));
            return true;
        } catch (ConditionalCheckFailedException notOurs) {
            return false;
        }
    }

    @Override
    public void recordRefused(NewSession s, String reason, Instant now) {
        Map<String, Object> values = new LinkedHashMap<>();
        values.put(SessionRecord.STATUS, SessionStatus.FAILED.name());
        values.put(SessionRecord.REASON, reason);
        values.put(SessionRecord.TARGET_TABLE, s.targetTable());
        s.targetTableArn().ifPresent(arn -> values.put(SessionRecord.TARGET_TABLE_ARN, arn));
        values.put(SessionRecord.REQUESTED_AT, s.requestedAt());
        Map<String, AttributeValue> item = newItem(s, values, now);
        dynamo.putItem(r -> r.tableName(table).item(item));
    }

    private Map<String, AttributeValue> newItem(NewSession s, Map<String, Object> values, Instant now) {
        Map<String, AttributeValue> item = new LinkedHashMap<>(sessionKey(s.sessionId()));
        Map<String, Object> all = new LinkedHashMap<>(values);
        if (s.eventId() != null) {
            all.put(SessionRecord.EVENT_ID, s.eventId());
        }
        all.put(SessionRecord.CREATED_AT, now);
        all.put(SessionRecord.UPDATED_AT, now);
        item.putAll(DynamoJson.fromPlainItem(all));
        return item;
    }

    @Override
    public Optional<SessionRecord> session(String sessionId) {
        Map<String, AttributeValue> item = dynamo.getItem(r -> r.tableName(table).key(sessionKey(sessionId))
                .consistentRead(true)).item();
        return item == null || item.isEmpty() ? Optional.empty()
                : Optional.of(SessionRecord.fromValues(DynamoJson.toPlainItem(item)));
    }

    @Override
    public void update(String sessionId, Map<String, Object> values, Instant now) {
        Map<String, String> names = new LinkedHashMap<>();
        Map<String, AttributeValue> vals = new LinkedHashMap<>();
        StringJoiner set = new StringJoiner(", ", "SET ", "");
        Map<String, Object> all = new LinkedHashMap<>(values);
        all.put(SessionRecord.UPDATED_AT, now);
        int i = 0;
        for (Map.Entry<String, AttributeValue> e : DynamoJson.fromPlainItem(all).entrySet()) {
            names.put("#a" + i, e.getKey());
            vals.put(":v" + i, e.getValue());
            set.add("#a" + i + " = :v" + i);
            i++;
        }
        dynamo.updateItem(r -> r.tableName(table).key(sessionKey(sessionId)).updateExpression(set.toString())
                .expressionAttributeNames(names).expressionAttributeValues(vals));
    }

    @Override
    public boolean markCutOver(String sessionId, Instant at, String proof) {
        try {
            dynamo.updateItem(r -> r.tableName(table).key(sessionKey(sessionId))
                    .conditionExpression("#status = :caught")
                    .updateExpression("SET #status = :status, #at = :at, #proof = :proof, #updated = :at REMOVE #token")
                    .expressionAttributeNames(Map.of("#status", SessionRecord.STATUS, "#at", SessionRecord.CUT_OVER_AT,
                            "#proof", SessionRecord.CUTOVER_PROOF, "#updated", SessionRecord.UPDATED_AT,
                            "#token", SessionRecord.TASK_TOKEN))
                    .expressionAttributeValues(Map.of(":caught", s(SessionStatus.CAUGHT_UP.name()),
                            ":status", s(SessionStatus.CUT_OVER.name()), ":at", s(Timestamps.format(at)), ":proof", s(proof))));
            return true;
        } catch (ConditionalCheckFailedException notCaughtUp) {
            return false;
        }
    }

    @Override
    public boolean releaseLock(String sessionId) {
        try {
            dynamo.deleteItem(r -> r.tableName(table).key(lockKey())
                    .conditionExpression(LOCK_SESSION_ID + " = :id")
                    .expressionAttributeValues(Map.of(":id", s(sessionId))));
            return true;
        } catch (ConditionalCheckFailedException notOurs) {
            return false;
        }
    }

    /**
     * The newest of every earlier session's {@code capture_newest_at} and of its shards' progress
     * ({@code newest_at}, written by every capture invocation, where the session-wide stamp may
     * trail by up to {@code CDC_COUNTERS_INTERVAL} or miss an environment's last interval): one
     * Query of the sessions and one per earlier session's shard progress.
     */
    @Override
    public Optional<Instant> previousCaptureEnd(String sessionId) {
        Optional<Instant> newest = Optional.empty();
        List<String> earlier = new ArrayList<>();
        for (Map<String, AttributeValue> item : queryAll(tablePk(sourceTable), ControlTableKeys.SESSION_PREFIX,
                SK + ", " + SessionRecord.CAPTURE_NEWEST_AT)) {
            if (item.get(SK).s().equals(sessionSk(sessionId))) {
                continue;
            }
            earlier.add(item.get(SK).s().substring(ControlTableKeys.SESSION_PREFIX.length()));
            newest = later(newest, item, SessionRecord.CAPTURE_NEWEST_AT);
        }
        for (String id : earlier) {
            for (Map<String, AttributeValue> shard : queryAll(ControlTableKeys.shardProgressPk(id), "", "newest_at")) {
                newest = later(newest, shard, "newest_at");
            }
        }
        return newest;
    }

    private static Optional<Instant> later(Optional<Instant> newest, Map<String, AttributeValue> item, String attribute) {
        if (!item.containsKey(attribute)) {
            return newest;
        }
        Instant at = Timestamps.parse(attribute, item.get(attribute).s());
        return newest.isEmpty() || at.isAfter(newest.get()) ? Optional.of(at) : newest;
    }

    /** Every item of a partition whose sort key starts with {@code prefix} (all of them for ""), page by page. */
    private List<Map<String, AttributeValue>> queryAll(String pk, String prefix, String projection) {
        List<Map<String, AttributeValue>> items = new ArrayList<>();
        Map<String, AttributeValue> start = null;
        do {
            QueryRequest.Builder q = QueryRequest.builder().tableName(table).consistentRead(true).projectionExpression(projection);
            if (prefix.isEmpty()) {
                q.keyConditionExpression("pk = :pk").expressionAttributeValues(Map.of(":pk", s(pk)));
            } else {
                q.keyConditionExpression("pk = :pk AND begins_with(sk, :prefix)")
                        .expressionAttributeValues(Map.of(":pk", s(pk), ":prefix", s(prefix)));
            }
            if (start != null) {
                q.exclusiveStartKey(start);
            }
            var page = dynamo.query(q.build());
            items.addAll(page.items());
            start = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
        } while (start != null);
        return items;
    }

    private static AttributeValue s(String value) {
        return AttributeValue.fromS(value);
    }
}
