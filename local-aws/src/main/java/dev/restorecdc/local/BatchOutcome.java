package dev.restorecdc.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * How Lambda reads a batch invocation's result for an event source mapping with
 * {@code ReportBatchItemFailures} (AWS "Implementing partial batch responses"): an empty or
 * missing {@code batchItemFailures} is a complete success; an itemIdentifier that is missing,
 * empty or not in the batch, or a response that is not JSON, makes the whole batch a failure;
 * a function error fails the whole batch. With a tumbling window (AWS "Implementing stateful
 * DynamoDB stream processing"), a response without a {@code state} property is a failed
 * invocation, whatever else it says; the state it returns is kept for the window's next invocation.
 */
record BatchOutcome(Kind kind, Set<String> failedIds, String reason, JsonNode state) {

    BatchOutcome(Kind kind, Set<String> failedIds, String reason) {
        this(kind, failedIds, reason, null);
    }

    enum Kind { SUCCESS, PARTIAL, FAILED }

    private static final ObjectMapper JSON = new ObjectMapper();

    /** For a mapping with a tumbling window: the response must carry {@code state}. */
    static BatchOutcome readWindowed(InvocationResult result, boolean reportsItemFailures, List<String> idsInBatch) {
        if (result.failed()) {
            return failed("function error: " + result.payloadText());
        }
        JsonNode response;
        try {
            response = JSON.readTree(result.payloadText().trim());
        } catch (IOException e) {
            response = null;
        }
        JsonNode state = response == null || !response.isObject() ? null : response.get("state");
        if (state == null || !state.isObject()) {
            return failed("the mapping has a tumbling window and the response has no state object (Lambda counts that "
                    + "as a failed invocation): " + result.payloadText());
        }
        BatchOutcome outcome = read(result, reportsItemFailures, idsInBatch);
        return new BatchOutcome(outcome.kind(), outcome.failedIds(), outcome.reason(), state);
    }

    static BatchOutcome read(InvocationResult result, boolean reportsItemFailures, List<String> idsInBatch) {
        if (result.failed()) {
            return failed("function error: " + result.payloadText());
        }
        if (!reportsItemFailures) {
            return new BatchOutcome(Kind.SUCCESS, Set.of(), "");
        }
        String text = result.payloadText().trim();
        if (text.isEmpty()) {
            return new BatchOutcome(Kind.SUCCESS, Set.of(), "");
        }
        JsonNode response;
        try {
            response = JSON.readTree(text);
        } catch (IOException e) {
            return failed("response is not JSON: " + text);
        }
        JsonNode failures = response == null ? null : response.get("batchItemFailures");
        if (failures == null || failures.isNull() || (failures.isArray() && failures.isEmpty())) {
            return new BatchOutcome(Kind.SUCCESS, Set.of(), "");
        }
        if (!failures.isArray()) {
            return failed("batchItemFailures is not a list: " + text);
        }
        Set<String> ids = new LinkedHashSet<>();
        for (JsonNode failure : failures) {
            JsonNode id = failure.get("itemIdentifier");
            if (id == null || id.isNull() || id.asText().isEmpty() || !idsInBatch.contains(id.asText())) {
                return failed("invalid itemIdentifier in " + failure);
            }
            ids.add(id.asText());
        }
        return new BatchOutcome(Kind.PARTIAL, Set.copyOf(ids), "reported failed: " + ids);
    }

    private static BatchOutcome failed(String reason) {
        return new BatchOutcome(Kind.FAILED, Set.of(), reason);
    }
}
