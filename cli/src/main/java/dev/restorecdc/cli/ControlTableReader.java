package dev.restorecdc.cli;

import dev.restorecdc.aws.DynamoJson;
import dev.restorecdc.session.SessionRecord;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.restorecdc.session.ControlTableKeys;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException;
import software.amazon.awssdk.services.dynamodb.model.ScanRequest;
import software.amazon.awssdk.services.dynamodb.model.ScanResponse;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Supplier;

/** The CLI's reads of the control table (layout in DESIGN.md "Contracts"); always consistent reads. */
public final class ControlTableReader {

    private final DynamoDbClient dynamo;
    private final String table;
    private final ObjectMapper json;

    public ControlTableReader(DynamoDbClient dynamo, String controlTable, ObjectMapper json) {
        this.dynamo = dynamo;
        this.table = controlTable;
        this.json = json;
    }

    public String tableName() {
        return table;
    }

    /** The sessions of one source table, newest first. */
    public List<SessionRecord> sessionsOf(String sourceTable) {
        List<SessionRecord> sessions = new ArrayList<>();
        query(ControlTableKeys.tablePk(sourceTable), ControlTableKeys.SESSION_PREFIX, item -> sessions.add(record(item)));
        sessions.sort(Comparator.comparing(SessionRecord::sortTime).reversed());
        return sessions;
    }

    /** Every session of every source table this control table serves, newest first. */
    public List<SessionRecord> allSessions() {
        List<SessionRecord> sessions = new ArrayList<>();
        scan("begins_with(pk, :table) AND begins_with(sk, :session)",
                Map.of(":table", AttributeValue.fromS(ControlTableKeys.TABLE_PREFIX), ":session", AttributeValue.fromS(ControlTableKeys.SESSION_PREFIX)),
                item -> sessions.add(record(item)));
        sessions.sort(Comparator.comparing(SessionRecord::sortTime).reversed());
        return sessions;
    }

    /**
     * One session by id. With the source table it is one GetItem; without, a scan for the sort key
     * (a control table holds few sessions, so the scan is cheap).
     */
    public SessionRecord session(String sessionId, Optional<String> sourceTable) {
        String sk = ControlTableKeys.sessionSk(sessionId);
        if (sourceTable.isPresent()) {
            Map<String, AttributeValue> item = guard(() -> dynamo.getItem(r -> r.tableName(table).consistentRead(true)
                    .key(Map.of("pk", AttributeValue.fromS(ControlTableKeys.tablePk(sourceTable.get())), "sk", AttributeValue.fromS(sk))))
                    .item());
            if (item == null || item.isEmpty()) {
                throw new CliFailure("unknown session " + sessionId + " for table " + sourceTable.get() + " in control table "
                        + table + " (restore-cdc status --table " + sourceTable.get() + " lists its sessions)");
            }
            return record(item);
        }
        List<SessionRecord> found = new ArrayList<>();
        scan("sk = :sk AND begins_with(pk, :table)",
                Map.of(":sk", AttributeValue.fromS(sk), ":table", AttributeValue.fromS(ControlTableKeys.TABLE_PREFIX)),
                item -> found.add(record(item)));
        if (found.isEmpty()) {
            throw new CliFailure("unknown session " + sessionId + " in control table " + table
                    + " (restore-cdc status --control-table " + table + " lists the sessions)");
        }
        if (found.size() > 1) {
            throw CliFailure.usage("session " + sessionId + " exists for several tables ("
                    + String.join(", ", found.stream().map(SessionRecord::sourceTable).toList()) + "): give --table");
        }
        return found.get(0);
    }

    private SessionRecord record(Map<String, AttributeValue> item) {
        try {
            return SessionRecord.fromValues(DynamoJson.toPlainItem(item));
        } catch (IllegalArgumentException e) {
            throw new CliFailure("control table " + table + ": " + e.getMessage());
        }
    }

    /** The session id held by the table's ACTIVE lock, if any. */
    public Optional<String> lockHolder(String sourceTable) {
        Map<String, AttributeValue> item = guard(() -> dynamo.getItem(r -> r.tableName(table).consistentRead(true)
                .key(Map.of("pk", AttributeValue.fromS(ControlTableKeys.tablePk(sourceTable)), "sk", AttributeValue.fromS(ControlTableKeys.ACTIVE))))
                .item());
        if (item == null || item.isEmpty()) {
            return Optional.empty();
        }
        AttributeValue id = item.get(ControlTableKeys.LOCK_SESSION_ID);
        return Optional.of(id == null || id.s() == null ? "(no session_id)" : id.s());
    }

    /**
     * The keys the replay wrote for a session (the key log), as DynamoDB JSON key attributes: every one
     * of its {@link ControlTableKeys#KEY_LOG_PARTITIONS} partitions, and the single partition of logs
     * written before the spread. A partition that cannot be read fails the whole read (never a partial log).
     */
    public List<ObjectNode> keyLog(String sessionId) {
        java.util.TreeMap<String, ObjectNode> bySortKey = new java.util.TreeMap<>(); // one order, whatever the partition
        Consumer<Map<String, AttributeValue>> add = item -> bySortKey.put(item.get("sk").s(), parseKey(item));
        query(ControlTableKeys.legacyKeyLogPk(sessionId), ControlTableKeys.KEY_PREFIX, add);
        for (int partition = 0; partition < ControlTableKeys.KEY_LOG_PARTITIONS; partition++) {
            query(ControlTableKeys.keyLogPartition(sessionId, partition), ControlTableKeys.KEY_PREFIX, add);
        }
        return new ArrayList<>(bySortKey.values());
    }

    private ObjectNode parseKey(Map<String, AttributeValue> item) {
        AttributeValue key = item.get("key");
        String sk = item.get("sk").s();
        if (key == null || key.s() == null) {
            throw new CliFailure("key log entry " + sk + " in " + table + " has no 'key' attribute");
        }
        try {
            JsonNode node = json.readTree(key.s());
            if (node instanceof ObjectNode object && !object.isEmpty()) {
                return object;
            }
        } catch (JsonProcessingException e) {
            // reported below
        }
        throw new CliFailure("key log entry " + sk + " in " + table + ": 'key' is not DynamoDB JSON of a key: " + key.s());
    }

    private void query(String pk, String skPrefix, Consumer<Map<String, AttributeValue>> each) {
        Map<String, AttributeValue> start = null;
        do {
            QueryRequest.Builder request = QueryRequest.builder().tableName(table).consistentRead(true)
                    .keyConditionExpression("pk = :pk AND begins_with(sk, :prefix)")
                    .expressionAttributeValues(Map.of(":pk", AttributeValue.fromS(pk), ":prefix", AttributeValue.fromS(skPrefix)));
            if (start != null) {
                request.exclusiveStartKey(start);
            }
            QueryResponse page = guard(() -> dynamo.query(request.build()));
            page.items().forEach(each);
            start = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
        } while (start != null);
    }

    private void scan(String filter, Map<String, AttributeValue> values, Consumer<Map<String, AttributeValue>> each) {
        Map<String, AttributeValue> start = null;
        do {
            ScanRequest.Builder request = ScanRequest.builder().tableName(table).consistentRead(true)
                    .filterExpression(filter).expressionAttributeValues(values);
            if (start != null) {
                request.exclusiveStartKey(start);
            }
            ScanResponse page = guard(() -> dynamo.scan(request.build()));
            page.items().forEach(each);
            start = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
        } while (start != null);
    }

    private <T> T guard(Supplier<T> call) {
        try {
            return call.get();
        } catch (ResourceNotFoundException e) {
            throw new CliFailure("control table " + table + " does not exist: is the deployment applied? "
                    + "(--control-table, CDC_SESSION_TABLE, or --table/--name-prefix derive its name)");
        }
    }
}
