package dev.restorecdc.aws;

import dev.restorecdc.cdc.Backoff;
import dev.restorecdc.cdc.Deadline;
import dev.restorecdc.cdc.ItemKey;
import dev.restorecdc.cdc.ItemWrite;
import dev.restorecdc.cdc.TargetWriter;
import dev.restorecdc.cdc.TargetWriter.Failure;
import org.jboss.logging.Logger;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemResponse;
import software.amazon.awssdk.services.dynamodb.model.DeleteRequest;
import software.amazon.awssdk.services.dynamodb.model.PutRequest;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

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

    public DynamoTargetWriter(DynamoDbClient dynamo) {
        this.dynamo = dynamo;
    }

    @Override
    public Result write(String table, List<ItemWrite> writes, Deadline deadline) {
        Map<ItemKey, Failure> notWritten = new LinkedHashMap<>();
        int retries = 0;
        for (int from = 0; from < writes.size(); from += MAX_BATCH) {
            List<ItemWrite> chunk = writes.subList(from, Math.min(writes.size(), from + MAX_BATCH));
            retries += writeChunk(table, chunk, deadline, notWritten);
        }
        return new Result(notWritten, retries);
    }

    private int writeChunk(String table, List<ItemWrite> chunk, Deadline deadline, Map<ItemKey, Failure> notWritten) {
        Map<Map<String, AttributeValue>, ItemWrite> byKey = new HashMap<>();
        List<WriteRequest> pending = new ArrayList<>(chunk.size());
        for (ItemWrite write : chunk) {
            Map<String, AttributeValue> key = DynamoJson.toItem(write.key().attributes());
            byKey.put(key, write);
            pending.add(request(write, key));
        }
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
                List<WriteRequest> sending = pending;
                BatchWriteItemResponse response = dynamo.batchWriteItem(b -> b.requestItems(Map.of(table, sending)));
                pending = response.unprocessedItems().getOrDefault(table, List.of());
                lastProblem = "unprocessed by BatchWriteItem (throttled)";
            } catch (AwsServiceException e) {
                if (isRetryable(e)) {
                    lastProblem = e.awsErrorDetails() == null ? e.getMessage() : e.awsErrorDetails().errorCode();
                    continue;
                }
                if (isTargetWide(e)) {
                    refuse(pending, byKey, notWritten, Failure.ofTarget(describe(e)));
                    return retries;
                }
                if (pending.size() > 1 && e.statusCode() == 400) {
                    // One bad item fails the whole call: write one by one to find it.
                    return retries + writeOneByOne(table, pending, byKey, deadline, notWritten);
                }
                // This item alone, refused for a reason that no retry changes (ValidationException: too
                // large, an empty key, a key of the wrong type): poison.
                refuse(pending, byKey, notWritten, e.statusCode() == 400 ? Failure.ofItem(describe(e))
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
        refuse(pending, byKey, notWritten, Failure.transientFailure("still " + lastProblem + " at the invocation's deadline"));
        return retries;
    }

    private int writeOneByOne(String table, List<WriteRequest> requests, Map<Map<String, AttributeValue>, ItemWrite> byKey,
                              Deadline deadline, Map<ItemKey, Failure> notWritten) {
        int retries = 0;
        for (WriteRequest request : requests) {
            retries += writeChunk(table, List.of(findWrite(request, byKey)), deadline, notWritten);
        }
        return retries;
    }

    private static WriteRequest request(ItemWrite write, Map<String, AttributeValue> key) {
        if (write.isDelete()) {
            return WriteRequest.builder().deleteRequest(DeleteRequest.builder().key(key).build()).build();
        }
        return WriteRequest.builder().putRequest(PutRequest.builder().item(DynamoJson.toItem(write.image())).build()).build();
    }

    private static void refuse(List<WriteRequest> pending, Map<Map<String, AttributeValue>, ItemWrite> byKey,
                               Map<ItemKey, Failure> notWritten, Failure reason) {
        for (WriteRequest request : pending) {
            ItemWrite write = findWrite(request, byKey);
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
