package dev.restorecdc.aws;

import dev.restorecdc.cdc.Backoff;
import dev.restorecdc.cdc.Deadline;
import dev.restorecdc.cdc.ItemKey;
import dev.restorecdc.cdc.ItemWrite;
import dev.restorecdc.cdc.SessionLedger;
import dev.restorecdc.cdc.TargetWriter;
import dev.restorecdc.cdc.TargetWriter.Failure;
import org.jboss.logging.Logger;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemResponse;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.DeleteRequest;
import software.amazon.awssdk.services.dynamodb.model.PutRequest;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Writes to the restored table with BatchWriteItem. Unprocessed items and throttling are retried
 * with exponential backoff and jitter until the deadline; what is still unwritten then is
 * returned, never dropped. A request DynamoDB rejects as a whole (one invalid item fails the call)
 * is split so that only the bad item is refused.
 */
public final class DynamoTargetWriter implements TargetWriter {

    private static final Logger LOG = Logger.getLogger(DynamoTargetWriter.class);
    /** DynamoDB's BatchWriteItem limit. */
    static final int MAX_BATCH = 25;
    /** Throttled or unprocessed writes: first retry within 100 ms, none waits over 2 s. */
    static final Backoff RETRY = new Backoff(Duration.ofMillis(100), Duration.ofSeconds(2));

    private final DynamoDbClient dynamo;
    private final Optional<KeyLogItems> keyLogItems;

    /** A writer of items only. */
    public DynamoTargetWriter(DynamoDbClient dynamo) {
        this(dynamo, Optional.empty());
    }

    /**
     * @param keyLogItems the control table's key log: when given, whole-item writes carry their key
     *                    log entries in the same BatchWriteItem (the control table and the target are
     *                    in the client's region)
     */
    public DynamoTargetWriter(DynamoDbClient dynamo, Optional<KeyLogItems> keyLogItems) {
        this.dynamo = dynamo;
        this.keyLogItems = keyLogItems;
    }

    @Override
    public Result write(String table, List<ItemWrite> writes, Deadline deadline) {
        return write(table, writes, null, deadline);
    }

    /**
     * Whole-item writes go with their key log entries, 12 keys (24 requests) per BatchWriteItem;
     * unprocessed requests of either table are sent again together. Updates (change replay, whose
     * log is written before the target) never carry a log.
     */
    @Override
    public Result write(String table, List<ItemWrite> writes, KeyLog keyLog, Deadline deadline) {
        Map<ItemKey, Failure> notWritten = new LinkedHashMap<>();
        int retries = 0;
        boolean carried = keyLog != null && keyLogItems.isPresent()
                && writes.stream().noneMatch(ItemWrite::isUpdate);
        Log log = carried ? new Log(keyLogItems.get(), keyLog) : null;
        int perCall = carried ? MAX_BATCH / 2 : MAX_BATCH;
        List<ItemWrite> whole = writes.stream().filter(write -> !write.isUpdate()).toList();
        for (int from = 0; from < whole.size(); from += perCall) {
            List<ItemWrite> chunk = whole.subList(from, Math.min(whole.size(), from + perCall));
            retries += writeChunk(table, chunk, log, deadline, notWritten);
        }
        List<ItemWrite> updates = writes.stream().filter(ItemWrite::isUpdate).toList();
        if (updates.size() == 1) {
            retries += update(table, updates.get(0), deadline, notWritten);
        } else if (!updates.isEmpty()) {
            // One UpdateItem per key, sent together: a batch's keys are different items, and ten
            // sequential round trips would cost change replay ten times the latency of one BatchWriteItem.
            List<java.util.concurrent.Future<UpdateOutcome>> running = new ArrayList<>(updates.size());
            for (ItemWrite update : updates) {
                running.add(UPDATES.submit(() -> {
                    Map<ItemKey, Failure> failed = new LinkedHashMap<>();
                    int tries = update(table, update, deadline, failed);
                    return new UpdateOutcome(failed, tries);
                }));
            }
            for (int i = 0; i < running.size(); i++) {
                try {
                    UpdateOutcome outcome = running.get(i).get();
                    notWritten.putAll(outcome.failed());
                    retries += outcome.retries();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    notWritten.put(updates.get(i).key(), Failure.transientFailure("interrupted"));
                } catch (java.util.concurrent.ExecutionException e) {
                    notWritten.put(updates.get(i).key(), Failure.transientFailure(String.valueOf(e.getCause())));
                }
            }
        }
        return new Result(notWritten, retries, carried);
    }

    /** The key log a chunk carries: the control table's items of the invocation's entries. */
    private record Log(KeyLogItems items, KeyLog entries) {

        WriteRequest put(ItemWrite write) {
            SessionLedger.KeyLogEntry entry = entries.entries().get(write.key());
            if (entry == null) {
                throw new IllegalArgumentException("no key log entry for written key " + write.key());
            }
            return items.put(entries.session().sessionId(), entry);
        }
    }

    private record UpdateOutcome(Map<ItemKey, Failure> failed, int retries) {
    }

    /** At most a FIFO batch's worth of updates at once; daemon threads, so they never hold the runtime up. */
    private static final java.util.concurrent.ExecutorService UPDATES = java.util.concurrent.Executors.newFixedThreadPool(10, work -> {
        Thread thread = new Thread(work, "replay-update");
        thread.setDaemon(true);
        return thread;
    });

    /**
     * Change replay's update: BatchWriteItem has no update, so one UpdateItem per key (SET of the
     * attributes the changes added or changed, REMOVE of those they removed), on the condition that
     * the item exists: UpdateItem would otherwise create an item of just those attributes, and a
     * change of an item the target lacks puts the whole new image instead.
     */
    private int update(String table, ItemWrite write, Deadline deadline, Map<ItemKey, Failure> notWritten) {
        Map<String, AttributeValue> key = DynamoJson.toItem(write.key().attributes());
        Map<String, String> names = new HashMap<>();
        Map<String, AttributeValue> values = new HashMap<>();
        List<String> sets = new ArrayList<>();
        List<String> removes = new ArrayList<>();
        int n = 0;
        for (var field : (Iterable<Map.Entry<String, com.fasterxml.jackson.databind.JsonNode>>) write.set()::fields) {
            if (key.containsKey(field.getKey())) {
                continue; // a key attribute never changes, and UpdateItem refuses to set one
            }
            names.put("#a" + n, field.getKey());
            values.put(":v" + n, DynamoJson.toValue(field.getKey(), field.getValue()));
            sets.add("#a" + n + " = :v" + n);
            n++;
        }
        for (String name : write.remove()) {
            if (!key.containsKey(name)) {
                names.put("#a" + n, name);
                removes.add("#a" + n);
                n++;
            }
        }
        String firstKey = key.keySet().iterator().next();
        names.put("#k", firstKey);
        StringBuilder expression = new StringBuilder();
        if (!sets.isEmpty()) {
            expression.append("SET ").append(String.join(", ", sets));
        }
        if (!removes.isEmpty()) {
            expression.append(expression.isEmpty() ? "" : " ").append("REMOVE ").append(String.join(", ", removes));
        }
        int retries = 0;
        for (int attempt = 0; ; attempt++) {
            if (attempt > 0) {
                if (!RETRY.awaitRetry(attempt, deadline)) {
                    notWritten.put(write.key(), Failure.transientFailure("update still throttled at the invocation's deadline"));
                    return retries;
                }
                retries++;
            }
            try {
                if (expression.isEmpty()) {
                    // Nothing to set or remove: only an absent item needs writing (its whole new image).
                    dynamo.putItem(b -> b.tableName(table).item(DynamoJson.toItem(write.image()))
                            .conditionExpression("attribute_not_exists(#k)").expressionAttributeNames(Map.of("#k", firstKey)));
                } else {
                    dynamo.updateItem(b -> b.tableName(table).key(key).updateExpression(expression.toString())
                            .conditionExpression("attribute_exists(#k)").expressionAttributeNames(names)
                            .expressionAttributeValues(values.isEmpty() ? null : values));
                }
                return retries;
            } catch (ConditionalCheckFailedException absentOrPresent) {
                if (expression.isEmpty()) {
                    return retries; // present: nothing to do
                }
                // The target lacks the item: put the whole new image, as for an INSERT.
                return retries + writeChunk(table, List.of(write.asPut()), null, deadline, notWritten);
            } catch (AwsServiceException e) {
                if (isRetryable(e)) {
                    continue;
                }
                notWritten.put(write.key(), isTargetWide(e) ? Failure.ofTarget(describe(e))
                        : e.statusCode() == 400 ? Failure.ofItem(describe(e)) : Failure.ofTarget(describe(e)));
                return retries;
            } catch (SdkException e) {
                // a network fault: retried like throttling
            }
        }
    }

    private int writeChunk(String table, List<ItemWrite> chunk, Log log, Deadline deadline, Map<ItemKey, Failure> notWritten) {
        Map<Map<String, AttributeValue>, ItemWrite> byKey = new HashMap<>();
        Map<String, ItemWrite> byLogSortKey = new HashMap<>();
        List<WriteRequest> items = new ArrayList<>(chunk.size());
        List<WriteRequest> logged = new ArrayList<>(chunk.size());
        for (ItemWrite write : chunk) {
            Map<String, AttributeValue> key = DynamoJson.toItem(write.key().attributes());
            byKey.put(key, write);
            items.add(request(write, key));
            if (log != null) {
                WriteRequest put = log.put(write);
                byLogSortKey.put(KeyLogItems.sortKey(put), write);
                logged.add(put);
            }
        }
        Map<String, List<WriteRequest>> pending = new HashMap<>();
        pending.put(table, items);
        if (log != null) {
            pending.put(log.items().table(), logged);
        }
        java.util.function.Function<Map<String, List<WriteRequest>>, java.util.Set<ItemWrite>> writesOf = requests -> {
            java.util.Set<ItemWrite> of = new java.util.LinkedHashSet<>();
            requests.getOrDefault(table, List.of()).forEach(request -> of.add(findWrite(request, byKey)));
            if (log != null) {
                requests.getOrDefault(log.items().table(), List.of()).forEach(put -> of.add(byLogSortKey.get(KeyLogItems.sortKey(put))));
            }
            return of;
        };
        int retries = 0;
        String lastProblem = null;
        for (int attempt = 0; ; attempt++) {
            if (attempt > 0) {
                if (!RETRY.awaitRetry(attempt, deadline)) {
                    break;
                }
                retries++;
            }
            try {
                Map<String, List<WriteRequest>> sending = pending;
                BatchWriteItemResponse response = dynamo.batchWriteItem(b -> b.requestItems(sending));
                pending = response.unprocessedItems().entrySet().stream().filter(e -> !e.getValue().isEmpty())
                        .collect(java.util.stream.Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
                lastProblem = "unprocessed by BatchWriteItem (throttled)";
            } catch (AwsServiceException e) {
                if (isRetryable(e)) {
                    lastProblem = e.awsErrorDetails() == null ? e.getMessage() : e.awsErrorDetails().errorCode();
                    continue;
                }
                java.util.Set<ItemWrite> unwritten = writesOf.apply(pending);
                if (log != null) {
                    // Whose error, the target's or the key log's? The items alone tell: what they
                    // refuse is theirs; an item written without its entry comes back (rewriting is
                    // idempotent) and carries its entry next time, so the log is never partial.
                    Map<ItemKey, Failure> itemsAlone = new LinkedHashMap<>();
                    retries += writeChunk(table, List.copyOf(unwritten), null, deadline, itemsAlone);
                    notWritten.putAll(itemsAlone);
                    Failure logNotWritten = Failure.transientFailure("key log entry not written: " + describe(e));
                    unwritten.stream().filter(write -> !itemsAlone.containsKey(write.key()))
                            .forEach(write -> notWritten.put(write.key(), logNotWritten));
                    return retries;
                }
                if (isTargetWide(e)) {
                    refuse(unwritten, notWritten, Failure.ofTarget(describe(e)));
                    return retries;
                }
                if (unwritten.size() > 1 && e.statusCode() == 400) {
                    // One bad item fails the whole call: write one by one to find it.
                    for (ItemWrite write : unwritten) {
                        retries += writeChunk(table, List.of(write), log, deadline, notWritten);
                    }
                    return retries;
                }
                // This item alone, refused for a reason that no retry changes (ValidationException: too
                // large, an empty key, a key of the wrong type): poison.
                refuse(unwritten, notWritten, e.statusCode() == 400 ? Failure.ofItem(describe(e))
                        : Failure.ofTarget(describe(e)));
                return retries;
            } catch (SdkException e) {
                lastProblem = e.getMessage();
                continue;
            }
            if (pending.isEmpty()) {
                return retries;
            }
        }
        refuse(writesOf.apply(pending), notWritten,
                Failure.transientFailure("still " + lastProblem + " at the invocation's deadline"));
        return retries;
    }

    private static WriteRequest request(ItemWrite write, Map<String, AttributeValue> key) {
        if (write.isDelete()) {
            return WriteRequest.builder().deleteRequest(DeleteRequest.builder().key(key).build()).build();
        }
        return WriteRequest.builder().putRequest(PutRequest.builder().item(DynamoJson.toItem(write.image())).build()).build();
    }

    private static void refuse(java.util.Collection<ItemWrite> writes, Map<ItemKey, Failure> notWritten, Failure reason) {
        for (ItemWrite write : writes) {
            notWritten.put(write.key(), reason);
        }
    }

    private static ItemWrite findWrite(WriteRequest request, Map<Map<String, AttributeValue>, ItemWrite> byKey) {
        if (request.deleteRequest() != null) {
            return byKey.get(request.deleteRequest().key());
        }
        Map<String, AttributeValue> item = request.putRequest().item();
        for (Map.Entry<Map<String, AttributeValue>, ItemWrite> entry : byKey.entrySet()) {
            if (entry.getKey().entrySet().stream().allMatch(k -> k.getValue().equals(item.get(k.getKey())))) {
                return entry.getValue();
            }
        }
        throw new IllegalStateException("DynamoDB returned an item this batch did not send");
    }

    private static boolean isRetryable(AwsServiceException e) {
        return e.isThrottlingException() || e.statusCode() >= 500;
    }

    /** Error codes that concern the table or the caller, never one item. */
    private static final java.util.Set<String> TARGET_WIDE = java.util.Set.of("ResourceNotFoundException",
            "AccessDeniedException", "UnrecognizedClientException", "MissingAuthenticationTokenException",
            "InvalidSignatureException", "ExpiredTokenException", "ResourceInUseException");

    /**
     * The target as a whole: missing (deleted mid-session), not ours to write, or its KMS key unusable.
     * DynamoDB's KMS errors have no single documented code, so any error naming KMS counts.
     */
    static boolean isTargetWide(AwsServiceException e) {
        String code = e.awsErrorDetails() == null ? "" : String.valueOf(e.awsErrorDetails().errorCode());
        String message = String.valueOf(e.getMessage());
        return e.statusCode() == 403 || TARGET_WIDE.contains(code) || code.contains("KMS") || message.contains("KMS");
    }

    private static String describe(AwsServiceException e) {
        return e.awsErrorDetails() == null ? e.getMessage()
                : e.awsErrorDetails().errorCode() + ": " + e.awsErrorDetails().errorMessage();
    }
}
