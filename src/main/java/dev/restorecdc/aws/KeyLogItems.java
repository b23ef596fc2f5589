package dev.restorecdc.aws;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.restorecdc.cdc.SessionLedger.KeyLogEntry;
import dev.restorecdc.cdc.Timestamps;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.PutRequest;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import static dev.restorecdc.session.ControlTableKeys.keyLogPk;
import static dev.restorecdc.session.ControlTableKeys.keyLogSk;

/**
 * The key log's items in the control table (one per key a session's replay touched; layout in
 * DESIGN.md "Contracts"): the one place that builds them, for the ledger's own writes and for the
 * target writer, which carries them in the target's BatchWriteItem (BatchWriteItem takes up to 25
 * requests over several tables of one region in one call).
 */
public final class KeyLogItems {

    /** Key log entries outlive any session; DynamoDB's TTL removes them afterwards. */
    static final Duration TTL = Duration.ofDays(30);

    private final String controlTable;
    private final ObjectMapper json;
    private final Clock clock;

    public KeyLogItems(String controlTable, ObjectMapper json, Clock clock) {
        this.controlTable = controlTable;
        this.json = json;
        this.clock = clock;
    }

    /** The control table's name. */
    public String table() {
        return controlTable;
    }

    /** The put of one key's entry; its sort key is {@link #sortKey(WriteRequest)}. */
    public WriteRequest put(String sessionId, KeyLogEntry entry) {
        Map<String, AttributeValue> item = new HashMap<>();
        item.put("pk", AttributeValue.fromS(keyLogPk(sessionId, entry.key().groupId())));
        item.put("sk", AttributeValue.fromS(keyLogSk(entry.key().groupId())));
        item.put("key", AttributeValue.fromS(toJson(entry)));
        item.put("last_op", AttributeValue.fromS(entry.lastOp()));
        item.put("last_at", AttributeValue.fromS(Timestamps.format(entry.lastAt())));
        item.put("expires_at", AttributeValue.fromN(Long.toString(clock.instant().plus(TTL).getEpochSecond())));
        // What verify compares: the whole item, or (an undo's updates) the attributes replay set or
        // removed, the union over the key's replays (the replay read the previous entry).
        item.put("whole", AttributeValue.fromBool(entry.touched() == null));
        if (entry.touched() != null && !entry.touched().isEmpty()) {
            item.put("attributes", AttributeValue.fromSs(entry.touched()));
        }
        return WriteRequest.builder().putRequest(PutRequest.builder().item(item).build()).build();
    }

    /** The sort key of a put made by {@link #put}: names the key it logs. */
    public static String sortKey(WriteRequest put) {
        return put.putRequest().item().get("sk").s();
    }

    private String toJson(KeyLogEntry entry) {
        try {
            return json.writeValueAsString(entry.key().attributes());
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
