package dev.restorecdc.local;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class BatchOutcomeTest {

    private static final List<String> BATCH = List.of("a", "b", "c");

    @Test
    void emptyOrMissingBatchItemFailuresIsACompleteSuccess() {
        for (String response : List.of("", "null", "{}", "{\"batchItemFailures\":[]}", "{\"batchItemFailures\":null}")) {
            assertThat(read(response).kind()).as(response).isEqualTo(BatchOutcome.Kind.SUCCESS);
        }
    }

    @Test
    void reportedItemsAreThePartialFailure() {
        BatchOutcome outcome = read("{\"batchItemFailures\":[{\"itemIdentifier\":\"b\"},{\"itemIdentifier\":\"c\"}]}");

        assertThat(outcome.kind()).isEqualTo(BatchOutcome.Kind.PARTIAL);
        assertThat(outcome.failedIds()).containsExactlyInAnyOrder("b", "c");
    }

    @Test
    void anInvalidItemIdentifierOrResponseFailsTheWholeBatch() {
        for (String response : List.of("{\"batchItemFailures\":[{\"itemIdentifier\":\"\"}]}",
                "{\"batchItemFailures\":[{\"itemIdentifier\":null}]}", "{\"batchItemFailures\":[{\"id\":\"a\"}]}",
                "{\"batchItemFailures\":[{\"itemIdentifier\":\"not-in-batch\"}]}", "not json")) {
            assertThat(read(response).kind()).as(response).isEqualTo(BatchOutcome.Kind.FAILED);
        }
    }

    @Test
    void aFunctionErrorFailsTheWholeBatchEvenWithoutReportBatchItemFailures() {
        InvocationResult error = InvocationResult.lambdaError("Sandbox.Timedout", "Task timed out after 1.00 seconds");

        assertThat(BatchOutcome.read(error, false, BATCH).kind()).isEqualTo(BatchOutcome.Kind.FAILED);
    }

    @Test
    void withoutReportBatchItemFailuresAnyAnswerIsSuccess() {
        InvocationResult answer = InvocationResult.success("{\"batchItemFailures\":[{\"itemIdentifier\":\"a\"}]}".getBytes(StandardCharsets.UTF_8));

        assertThat(BatchOutcome.read(answer, false, BATCH).kind()).isEqualTo(BatchOutcome.Kind.SUCCESS);
    }

    @Test
    void withATumblingWindowAnAnswerWithoutStateIsAFailedInvocation() {
        for (String response : List.of("", "{}", "{\"batchItemFailures\":[]}", "{\"state\":null}", "{\"state\":\"x\"}")) {
            InvocationResult answer = InvocationResult.success(response.getBytes(StandardCharsets.UTF_8));
            assertThat(BatchOutcome.readWindowed(answer, true, BATCH).kind()).as(response).isEqualTo(BatchOutcome.Kind.FAILED);
        }
        InvocationResult partial = InvocationResult.success("{\"state\":{\"n\":\"1\"},\"batchItemFailures\":[{\"itemIdentifier\":\"b\"}]}"
                .getBytes(StandardCharsets.UTF_8));
        BatchOutcome outcome = BatchOutcome.readWindowed(partial, true, BATCH);
        assertThat(outcome.kind()).isEqualTo(BatchOutcome.Kind.PARTIAL);
        assertThat(outcome.state().get("n").asText()).isEqualTo("1");
    }

    private static BatchOutcome read(String response) {
        return BatchOutcome.read(InvocationResult.success(response.getBytes(StandardCharsets.UTF_8)), true, BATCH);
    }
}
