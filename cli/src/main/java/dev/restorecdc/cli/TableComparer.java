package dev.restorecdc.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.restorecdc.aws.DynamoJson;
import dev.restorecdc.cdc.ItemKey;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.KeysAndAttributes;
import software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads items by key from the source and the target table (consistent reads, BatchGetItem with
 * both tables in one request) and reports the keys whose items differ.
 */
final class TableComparer {

    /** BatchGetItem takes 100 keys per request: 50 from each table. */
    static final int KEYS_PER_REQUEST = 50;
    private static final int MAX_ATTEMPTS = 10;

    private final DynamoDbClient dynamo;
    /** The target's region's client: the same one, or another region's for a restore into another region. */
    private final DynamoDbClient targetDynamo;
    private final String source;
    private final String target;
    private final CliContext cli;
    /** Keys compared on some attributes only (an undo's updates); every other key whole. */
    private final Map<String, java.util.Set<String>> limits = new HashMap<>();

    TableComparer(CliContext cli, String source, String target) {
        if (source.equals(target)) {
            throw new CliFailure("the session's target table is its source table (" + source + "): nothing to compare");
        }
        this.cli = cli;
        this.dynamo = cli.aws.dynamo();
        this.targetDynamo = cli.aws.regional().dynamoFor(target);
        this.source = source;
        // A target in another region is named by its ARN (TableRefs) and read there by its name.
        this.target = targetDynamo == dynamo ? target : dev.restorecdc.cdc.TableRefs.nameOf(target);
    }

    /** Compares {@code key} on these attributes only (the ones an undo's replayed changes set or removed). */
    void limit(ItemKey key, java.util.Set<String> attributes) {
        limits.put(key.canonical(), attributes);
    }

    /** The attributes {@code key} is compared on, if limited. */
    java.util.Optional<java.util.Set<String>> limitOf(ItemKey key) {
        return java.util.Optional.ofNullable(limits.get(key.canonical()));
    }

    /** Fails with a clear message when either table is gone, before any comparison starts. */
    void requireTables() {
        requireTable(dynamo, source, "source");
        requireTable(targetDynamo, target, "target");
    }

    private static void requireTable(DynamoDbClient dynamo, String table, String role) {
        try {
            dynamo.describeTable(r -> r.tableName(table));
        } catch (ResourceNotFoundException e) {
            throw new CliFailure(role + " table " + table + " does not exist");
        }
    }

    /**
     * Compares every key once, then (live traffic may have changed an item between the two reads)
     * compares the differing keys again after {@code recheckDelay}; only what still differs counts.
     */
    List<Mismatch> compare(List<ObjectNode> keys, Duration recheckDelay, ProgressBar progress) {
        List<Mismatch> first = compareOnce(keys, progress);
        if (first.isEmpty() || recheckDelay.isZero()) {
            return first;
        }
        cli.sleep(recheckDelay);
        return compareOnce(first.stream().map(m -> m.key().attributes()).toList(), null);
    }

    List<Mismatch> compareOnce(List<ObjectNode> keys, ProgressBar progress) {
        List<Mismatch> mismatches = new ArrayList<>();
        for (int from = 0; from < keys.size(); from += KEYS_PER_REQUEST) {
            List<ObjectNode> chunk = keys.subList(from, Math.min(keys.size(), from + KEYS_PER_REQUEST));
            Map<String, Map<String, AttributeValue>> sourceItems = new HashMap<>();
            Map<String, Map<String, AttributeValue>> targetItems = new HashMap<>();
            fetch(chunk, sourceItems, targetItems);
            for (ObjectNode keyJson : chunk) {
                ItemKey key = ItemKey.of(keyJson);
                Mismatch mismatch = mismatch(key, sourceItems.get(key.canonical()), targetItems.get(key.canonical()),
                        limitOf(key));
                if (mismatch != null) {
                    mismatches.add(mismatch);
                }
            }
            if (progress != null) {
                progress.advance(chunk.size());
            }
        }
        return mismatches;
    }

    static Mismatch mismatch(ItemKey key, Map<String, AttributeValue> sourceItem, Map<String, AttributeValue> targetItem) {
        return mismatch(key, sourceItem, targetItem, java.util.Optional.empty());
    }

    /** @param only compare these attributes only (an undo's updated key); empty: the whole item */
    static Mismatch mismatch(ItemKey key, Map<String, AttributeValue> sourceItem, Map<String, AttributeValue> targetItem,
                             java.util.Optional<java.util.Set<String>> only) {
        if (sourceItem == null && targetItem == null) {
            return null; // deleted in both
        }
        if (targetItem == null) {
            return new Mismatch(Mismatch.Kind.MISSING, key, List.of());
        }
        if (sourceItem == null) {
            return new Mismatch(Mismatch.Kind.EXTRA, key, List.of());
        }
        List<String> differing = ItemDiff.differingAttributes(sourceItem, targetItem).stream()
                .filter(name -> only.map(names -> names.contains(name)).orElse(true)).toList();
        return differing.isEmpty() ? null : new Mismatch(Mismatch.Kind.DIFFERENT, key, differing);
    }

    private void fetch(List<ObjectNode> keys, Map<String, Map<String, AttributeValue>> sourceItems,
                       Map<String, Map<String, AttributeValue>> targetItems) {
        List<Map<String, AttributeValue>> sdkKeys = keys.stream().map(DynamoJson::toItem).toList();
        List<String> keyNames = new ArrayList<>();
        keys.get(0).fieldNames().forEachRemaining(keyNames::add);
        Map<String, KeysAndAttributes> pending = new LinkedHashMap<>();
        pending.put(source, KeysAndAttributes.builder().keys(sdkKeys).consistentRead(true).build());
        Map<String, KeysAndAttributes> elsewhere = new LinkedHashMap<>();
        // One BatchGetItem spans the tables of one region only: a target elsewhere is read there.
        (targetDynamo == dynamo ? pending : elsewhere).put(target, KeysAndAttributes.builder().keys(sdkKeys).consistentRead(true).build());
        fetch(dynamo, pending, keyNames, sourceItems, targetItems);
        if (!elsewhere.isEmpty()) {
            fetch(targetDynamo, elsewhere, keyNames, sourceItems, targetItems);
        }
    }

    private void fetch(DynamoDbClient dynamo, Map<String, KeysAndAttributes> pending, List<String> keyNames,
                       Map<String, Map<String, AttributeValue>> sourceItems, Map<String, Map<String, AttributeValue>> targetItems) {
        for (int attempt = 1; !pending.isEmpty(); attempt++) {
            if (attempt > MAX_ATTEMPTS) {
                throw new CliFailure("BatchGetItem kept returning unprocessed keys after " + MAX_ATTEMPTS
                        + " attempts (throttled?): try again, or with --sample");
            }
            if (attempt > 1) {
                cli.sleep(Duration.ofMillis(Math.min(5_000, 50L << attempt)));
            }
            Map<String, KeysAndAttributes> request = pending;
            BatchGetItemResponse response = dynamo.batchGetItem(r -> r.requestItems(request));
            index(response.responses().get(source), keyNames, sourceItems);
            index(response.responses().get(target), keyNames, targetItems);
            pending = response.hasUnprocessedKeys() ? response.unprocessedKeys() : Map.of();
        }
    }

    private static void index(List<Map<String, AttributeValue>> items, List<String> keyNames,
                              Map<String, Map<String, AttributeValue>> into) {
        if (items == null) {
            return;
        }
        for (Map<String, AttributeValue> item : items) {
            Map<String, AttributeValue> key = new HashMap<>();
            keyNames.forEach(name -> key.put(name, item.get(name)));
            into.put(ItemKey.of(DynamoJson.fromItem(key)).canonical(), item);
        }
    }
}
