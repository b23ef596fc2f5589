package dev.restorecdc.aws;

import dev.restorecdc.session.SessionStatus;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.Put;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;

import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.StringJoiner;

import static dev.restorecdc.aws.ControlTableKeys.ACTIVE;
import static dev.restorecdc.aws.ControlTableKeys.sessionSk;
import static dev.restorecdc.aws.ControlTableKeys.tablePk;

/**
 * The life cycle of the control table's lock and session items (DESIGN.md, Contracts): register
 * under the ACTIVE lock, status changes, the settled replay window, the figures, the task token,
 * and the release. The capture/replay hot path (counters, key log) is {@code ControlTable}'s.
 * Instants are ISO-8601 strings.
 */
public class SessionStore {

    private final DynamoDbClient dynamo;
    private final String table;
    private final String sourceTable;

    public SessionStore(DynamoDbClient dynamo, String controlTable, String sourceTable) {
        this.dynamo = dynamo;
        this.table = controlTable;
        this.sourceTable = sourceTable;
    }

    /** The session record's key, as DynamoDB JSON (the state machine's dynamodb tasks use it as is). */
    public Map<String, AttributeValue> sessionKey(String sessionId) {
        return Map.of("pk", s(tablePk(sourceTable)), "sk", s(sessionSk(sessionId)));
    }

    private Map<String, AttributeValue> lockKey() {
        return Map.of("pk", s(tablePk(sourceTable)), "sk", s(ACTIVE));
    }

    /** The fields a new session starts with. */
    public record NewSession(String sessionId, String targetTable, Instant requestedAt, Optional<Instant> restorePoint,
            Instant captureFloor, String eventId) {
    }

    /** What registration found: this session holds the lock, or another one does. */
    public record Registration(boolean registered, Optional<String> activeSessionId) {
    }

    /**
     * Takes the ACTIVE lock and writes the session record (REQUESTED) in one transaction. A second
     * call for the same session (a retried task) finds the lock already its own and succeeds; a
     * session refused because another one holds the lock gets its own FAILED record and leaves the
     * lock and the other session alone.
     */
    public Registration register(NewSession s, Instant now) {
        Map<String, AttributeValue> lock = new HashMap<>(lockKey());
        lock.put("session_id", s(s.sessionId()));
        lock.put("created_at", s(now.toString()));

        Map<String, AttributeValue> session = new HashMap<>(sessionKey(s.sessionId()));
        session.put("status", s(SessionStatus.REQUESTED.name()));
        session.put("target_table", s(s.targetTable()));
        session.put("requested_at", s(s.requestedAt().toString()));
        s.restorePoint().ifPresent(p -> session.put("restore_point", s(p.toString())));
        session.put("capture_floor", s(s.captureFloor().toString()));
        if (s.eventId() != null) {
            session.put("event_id", s(s.eventId()));
        }
        session.put("created_at", s(now.toString()));
        session.put("updated_at", s(now.toString()));
        try {
            dynamo.transactWriteItems(r -> r.transactItems(
                    TransactWriteItem.builder().put(Put.builder().tableName(table).item(lock)
                            .conditionExpression("attribute_not_exists(pk)").build()).build(),
                    TransactWriteItem.builder().put(Put.builder().tableName(table).item(session)
                            .conditionExpression("attribute_not_exists(pk)").build()).build()));
            return new Registration(true, Optional.empty());
        } catch (TransactionCanceledException e) {
            Optional<String> holder = activeSessionId();
            if (holder.filter(s.sessionId()::equals).isPresent()) {
                return new Registration(true, holder);
            }
            return new Registration(false, holder);
        }
    }

    /** The refused session's own record, so the refusal leaves a trace; the lock stays the other's. */
    public void recordRefused(NewSession s, String reason, Instant now) {
        Map<String, AttributeValue> item = new HashMap<>(sessionKey(s.sessionId()));
        item.put("status", s(SessionStatus.FAILED.name()));
        item.put("reason", s(reason));
        item.put("target_table", s(s.targetTable()));
        item.put("requested_at", s(s.requestedAt().toString()));
        if (s.eventId() != null) {
            item.put("event_id", s(s.eventId()));
        }
        item.put("created_at", s(now.toString()));
        item.put("updated_at", s(now.toString()));
        dynamo.putItem(r -> r.tableName(table).item(item));
    }

    public Optional<String> activeSessionId() {
        Map<String, AttributeValue> item = dynamo.getItem(r -> r.tableName(table).key(lockKey()).consistentRead(true)).item();
        return Optional.ofNullable(item).map(i -> i.get("session_id")).map(AttributeValue::s);
    }

    /** The session record, consistently read; empty if there is none. */
    public Optional<Map<String, AttributeValue>> session(String sessionId) {
        Map<String, AttributeValue> item = dynamo.getItem(r -> r.tableName(table).key(sessionKey(sessionId))
                .consistentRead(true)).item();
        return item == null || item.isEmpty() ? Optional.empty() : Optional.of(item);
    }

    /** Sets the given attributes (strings, maps, numbers) and {@code updated_at}; counters stay untouched. */
    public void update(String sessionId, Map<String, AttributeValue> values, Instant now) {
        Map<String, String> names = new LinkedHashMap<>();
        Map<String, AttributeValue> vals = new LinkedHashMap<>();
        StringJoiner set = new StringJoiner(", ", "SET ", "");
        Map<String, AttributeValue> all = new LinkedHashMap<>(values);
        all.put("updated_at", s(now.toString()));
        int i = 0;
        for (Map.Entry<String, AttributeValue> e : all.entrySet()) {
            names.put("#a" + i, e.getKey());
            vals.put(":v" + i, e.getValue());
            set.add("#a" + i + " = :v" + i);
            i++;
        }
        dynamo.updateItem(r -> r.tableName(table).key(sessionKey(sessionId)).updateExpression(set.toString())
                .expressionAttributeNames(names).expressionAttributeValues(vals));
    }

    public void updateStatus(String sessionId, SessionStatus status, Map<String, AttributeValue> values, Instant now) {
        Map<String, AttributeValue> all = new LinkedHashMap<>(values);
        all.put("status", s(status.name()));
        update(sessionId, all, now);
    }

    /** Releases the lock if (and only if) this session holds it; true if it did. */
    public boolean releaseLock(String sessionId) {
        try {
            dynamo.deleteItem(r -> r.tableName(table).key(lockKey())
                    .conditionExpression("session_id = :id")
                    .expressionAttributeValues(Map.of(":id", s(sessionId))));
            return true;
        } catch (ConditionalCheckFailedException notOurs) {
            return false;
        }
    }

    /**
     * Where the capture mapping stopped for earlier sessions: the newest {@code capture_newest_at}
     * of any other session of this table.
     */
    public Optional<Instant> previousCaptureEnd(String sessionId) {
        Optional<Instant> newest = Optional.empty();
        Map<String, AttributeValue> start = null;
        do {
            QueryRequest.Builder q = QueryRequest.builder().tableName(table).consistentRead(true)
                    .keyConditionExpression("pk = :pk AND begins_with(sk, :prefix)")
                    .expressionAttributeValues(Map.of(":pk", s(tablePk(sourceTable)), ":prefix", s(ControlTableKeys.SESSION_PREFIX)))
                    .projectionExpression("sk, capture_newest_at");
            if (start != null) {
                q.exclusiveStartKey(start);
            }
            var page = dynamo.query(q.build());
            for (Map<String, AttributeValue> item : page.items()) {
                if (item.get("sk").s().equals(sessionSk(sessionId)) || !item.containsKey("capture_newest_at")) {
                    continue;
                }
                Instant at = Instant.parse(item.get("capture_newest_at").s());
                if (newest.isEmpty() || at.isAfter(newest.get())) {
                    newest = Optional.of(at);
                }
            }
            start = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
        } while (start != null);
        return newest;
    }

    public static Optional<Instant> instant(Map<String, AttributeValue> item, String name) {
        return Optional.ofNullable(item.get(name)).map(AttributeValue::s).map(Instant::parse);
    }

    public static Optional<String> string(Map<String, AttributeValue> item, String name) {
        return Optional.ofNullable(item.get(name)).map(AttributeValue::s);
    }

    public static AttributeValue s(String value) {
        return AttributeValue.fromS(value);
    }
}
