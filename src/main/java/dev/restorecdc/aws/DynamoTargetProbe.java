package dev.restorecdc.aws;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.restorecdc.cdc.Deadline;
import dev.restorecdc.cdc.ItemKey;
import dev.restorecdc.cdc.TargetProbe;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.KeysAndAttributes;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static dev.restorecdc.session.ControlTableKeys.keyLogPk;
import static dev.restorecdc.session.ControlTableKeys.keyLogSk;

/**
 * Change replay's read: one BatchGetItem holding the batch's keys in the restored table and their
 * key log entries in the control table (a BatchGetItem may span tables). DynamoDB takes at most 100
 * keys and 16 MB per call and returns what it could not read in {@code UnprocessedKeys}, which are
 * read again with backoff until the deadline; a replay batch (at most 10 FIFO messages) needs one
 * call, larger static batches are split at 100 keys. Strongly consistent, so the key log written by
 * the previous invocation is seen. A target in another region than the control table (a restore into
 * another region, named by its ARN: {@link dev.restorecdc.cdc.TableRefs}) cannot share a call with the key
 * log: each is read from its own region's endpoint.
 */
public final class DynamoTargetProbe implements TargetProbe {

    /** DynamoDB's BatchGetItem limit, over all tables of the request. */
    static final int MAX_KEYS = 100;

    private final DynamoDbClient dynamo;
    private final RegionalClients regions;
    private final Optional<String> controlTable;

    public DynamoTargetProbe(DynamoDbClient dynamo, Optional<String> controlTable) {
        this(RegionalClients.like(dynamo, null), controlTable);
    }

    /** @param regions the home client (the control table's region) and the clients of the targets' regions */
    public DynamoTargetProbe(RegionalClients regions, Optional<String> controlTable) {
        this.dynamo = regions.dynamo(Optional.empty());
        this.regions = regions;
        this.controlTable = controlTable;
    }

    @Override
    public Map<ItemKey, Probe> probe(String targetTable, Optional<String> sessionId, Collection<ItemKey> keys, Deadline deadline) {
        boolean withLog = sessionId.isPresent() && controlTable.isPresent();
        int perCall = withLog ? MAX_KEYS / 2 : MAX_KEYS;
        List<ItemKey> all = new ArrayList<>(keys);
        Map<String, ObjectNode> items = new HashMap<>();
        Map<String, List<String>> logged = new HashMap<>();
        for (int from = 0; from < all.size(); from += perCall) {
            List<ItemKey> chunk = all.subList(from, Math.min(all.size(), from + perCall));
            read(targetTable, sessionId, withLog, chunk, deadline, items, logged);
        }
        Map<ItemKey, Probe> probes = new LinkedHashMap<>();
        for (ItemKey key : all) {
            String sk = keyLogSk(key.groupId());
            probes.put(key, new Probe(items.get(key.canonical()), logged.containsKey(sk), logged.get(sk)));
        }
        return probes;
    }

    private void read(String targetTable, Optional<String> sessionId, boolean withLog, List<ItemKey> keys, Deadline deadline,
                      Map<String, ObjectNode> items, Map<String, List<String>> logged) {
        List<String> keyNames = new ArrayList<>();
        keys.get(0).attributes().fieldNames().forEachRemaining(keyNames::add);
        DynamoDbClient targetClient = regions.dynamoFor(targetTable);
        String targetName = targetClient == dynamo ? targetTable : dev.restorecdc.cdc.TableRefs.nameOf(targetTable);
        Map<String, KeysAndAttributes> target = new LinkedHashMap<>();
        target.put(targetName, KeysAndAttributes.builder().consistentRead(true)
                .keys(keys.stream().map(key -> DynamoJson.toItem(key.attributes())).toList()).build());
        Map<String, KeysAndAttributes> log = new LinkedHashMap<>();
        if (withLog) {
            log.put(controlTable.get(), KeysAndAttributes.builder().consistentRead(true)
                    .projectionExpression("sk, #whole, #attributes")
                    .expressionAttributeNames(Map.of("#whole", "whole", "#attributes", "attributes"))
                    .keys(keys.stream().map(key -> Map.of(
                            "pk", AttributeValue.fromS(keyLogPk(sessionId.get(), key.groupId())),
                            "sk", AttributeValue.fromS(keyLogSk(key.groupId())))).toList()).build());
        }
        if (targetClient == dynamo) {
            target.putAll(log); // one call for both, as a BatchGetItem may span the tables of one region
            log = Map.of();
        }
        batchGet(targetClient, target, targetName, keyNames, withLog, deadline, items, logged);
        if (!log.isEmpty()) {
            batchGet(dynamo, log, targetName, keyNames, withLog, deadline, items, logged);
        }
    }

    private void batchGet(DynamoDbClient client, Map<String, KeysAndAttributes> request0, String targetTable, List<String> keyNames,
                          boolean withLog, Deadline deadline, Map<String, ObjectNode> items, Map<String, List<String>> logged) {
        Map<String, KeysAndAttributes> pending = request0;
        for (int attempt = 0; !pending.isEmpty(); attempt++) {
            if (attempt > 0 && !DynamoTargetWriter.RETRY.awaitRetry(attempt, deadline)) {
                throw new IllegalStateException("BatchGetItem left keys unprocessed at the invocation's deadline");
            }
            Map<String, KeysAndAttributes> request = pending;
            BatchGetItemResponse response;
            try {
                response = client.batchGetItem(b -> b.requestItems(request));
            } catch (software.amazon.awssdk.awscore.exception.AwsServiceException e) {
                if (DynamoTargetWriter.isTargetWide(e)) {
                    throw new TargetUnavailableException(e.awsErrorDetails() == null ? e.getMessage()
                            : e.awsErrorDetails().errorCode() + ": " + e.awsErrorDetails().errorMessage());
                }
                throw e;
            }
            for (Map<String, AttributeValue> item : response.responses().getOrDefault(targetTable, List.of())) {
                Map<String, AttributeValue> key = new HashMap<>();
                keyNames.forEach(name -> key.put(name, item.get(name)));
                items.put(ItemKey.of(DynamoJson.fromItem(key)).canonical(), DynamoJson.fromItem(item));
            }
            if (withLog) {
                for (Map<String, AttributeValue> entry : response.responses().getOrDefault(controlTable.get(), List.of())) {
                    logged.put(entry.get("sk").s(), touched(entry));
                }
            }
            pending = response.hasUnprocessedKeys() ? response.unprocessedKeys() : Map.of();
        }
    }

    /** What a key log entry says replay touched: null for the whole item, else the attributes (maybe none). */
    private static List<String> touched(Map<String, AttributeValue> entry) {
        AttributeValue whole = entry.get("whole");
        if (whole == null || !Boolean.FALSE.equals(whole.bool())) {
            return null;
        }
        AttributeValue attributes = entry.get("attributes");
        return attributes == null || !attributes.hasSs() ? List.of() : attributes.ss();
    }
}
