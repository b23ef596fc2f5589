package dev.restorecdc.session;

import com.fasterxml.jackson.databind.JsonNode;
import dev.restorecdc.session.StateMachineDefinition.State;
import org.junit.jupiter.api.Test;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A session may run for days: one transient error must not end it, and every failure that is
 * caught must still clean up (disable both mappings, release the lock, notify). Checked on the
 * state machine's definition, task by task, with Step Functions' matching rules: the first retrier
 * whose ErrorEquals names the error (or States.TaskFailed / States.ALL, which match any task
 * failure but States.Timeout for TaskFailed) decides, and MaxAttempts 0 means never retried.
 */
class StateMachineResilienceTest {

    /** Step Functions' "Handle Lambda service exceptions" list, plus throttling and Lambda.Unknown (timeout, crash). */
    private static final List<String> LAMBDA_INVOKE_TRANSIENT = List.of("Lambda.ClientExecutionTimeoutException",
            "Lambda.ServiceException", "Lambda.AWSLambdaException", "Lambda.SdkClientException",
            "Lambda.TooManyRequestsException", "Lambda.Unknown");
    /** The workflow function's own transient failures: an AWS SDK error that survived the SDK's retries. */
    private static final List<String> WORKFLOW_TRANSIENT = List.of(
            "software.amazon.awssdk.services.dynamodb.model.ProvisionedThroughputExceededException",
            "software.amazon.awssdk.core.exception.SdkClientException");
    /** A refusal is final: retrying it only delays the cleanup. */
    private static final List<String> WORKFLOW_FINAL = List.of("dev.restorecdc.session.SessionRefusedException");

    private static final Map<String, List<String>> SDK_TRANSIENT = Map.of(
            "arn:aws:states:::aws-sdk:lambda:updateEventSourceMapping", List.of("Lambda.ServiceException",
                    "Lambda.TooManyRequestsException", "Lambda.ResourceInUseException", "Lambda.ResourceConflictException"),
            "arn:aws:states:::aws-sdk:dynamodb:describeTable", List.of("DynamoDb.InternalServerErrorException",
                    "DynamoDb.RequestLimitExceededException", "DynamoDb.LimitExceededException", "DynamoDb.ThrottlingException"),
            // Step Functions' own throttling and service errors are not modelled: they reach the task as SfnException.
            "arn:aws:states:::aws-sdk:sfn:startExecution", List.of("Sfn.SfnException", "Sfn.ExecutionLimitExceededException"));

    /** Where cleanup starts: disable capture, disable replay, mark FAILED and release the lock, notify. */
    private static final String CLEANUP = "FailDisableCapture";
    /** Before any mapping is enabled (registration), cleanup starts at marking the session FAILED. */
    private static final String MARK_FAILED = "MarkFailed";

    private final StateMachineDefinition machine = StateMachineDefinition.load();

    @Test
    void everyTaskRetriesItsTransientFailuresWithBackoff() {
        List<String> problems = new ArrayList<>();
        for (State task : machine.tasks()) {
            JsonNode retry = task.node().path("Retry");
            if (retry.isEmpty()) {
                problems.add(task.name() + ": no Retry");
                continue;
            }
            retry.forEach(r -> {
                if (r.path("MaxAttempts").asInt(3) > 0 && r.path("BackoffRate").asDouble(2.0) <= 1.0) {
                    problems.add(task.name() + ": retrier " + r.path("ErrorEquals") + " has no backoff (BackoffRate <= 1)");
                }
            });
            for (String error : transientErrors(task)) {
                if (!retried(task, error)) {
                    problems.add(task.name() + ": " + error + " is not retried");
                }
            }
            if (task.resource().startsWith("arn:aws:states:::lambda:invoke")) {
                for (String error : WORKFLOW_FINAL) {
                    if (retried(task, error)) {
                        problems.add(task.name() + ": " + error + " (a refusal) is retried");
                    }
                }
            }
        }
        assertThat(problems).isEmpty();
    }

    @Test
    void theOperatorWaitEndsOnItsTimeoutInsteadOfRetryingIt() {
        State await = machine.state("AwaitFinish");
        assertThat(retried(await, "States.Timeout")).isFalse();
        assertThat(await.node().path("Catch").get(0).path("ErrorEquals").get(0).asText()).isEqualTo("States.Timeout");
    }

    @Test
    void everyTaskCatchesEveryErrorAndEveryCatchReachesCleanupOrSkipsABestEffortStep() {
        List<String> problems = new ArrayList<>();
        for (State task : machine.tasks()) {
            boolean catchesAll = false;
            for (JsonNode c : task.node().path("Catch")) {
                for (JsonNode e : c.path("ErrorEquals")) {
                    catchesAll |= e.asText().equals("States.ALL");
                }
                String target = c.path("Next").asText();
                Set<String> reachable = reachable(target);
                boolean skipsItself = task.node().hasNonNull("Next") && reachable.contains(task.node().get("Next").asText());
                boolean cleansUp = reachable.contains(CLEANUP) || reachable.contains(MARK_FAILED);
                if (!skipsItself && !cleansUp) {
                    problems.add(task.name() + ": Catch " + c.path("ErrorEquals") + " → " + target
                            + " neither reaches cleanup (" + CLEANUP + " / " + MARK_FAILED + ") nor goes on with the session");
                }
            }
            if (!catchesAll) {
                problems.add(task.name() + ": no Catch for States.ALL");
            }
        }
        assertThat(problems).isEmpty();
    }

    @Test
    void everyTaskAfterTheMappingsCanBeEnabledCleansUpFromThemOnFailure() {
        // Once EnableCapture may have run, a failure must disable the mappings, not only mark FAILED.
        Set<String> afterEnable = reachable("EnableCapture");
        Set<String> failurePath = reachable(CLEANUP);
        List<String> problems = new ArrayList<>();
        for (State task : machine.tasks()) {
            if (!afterEnable.contains(task.name()) || failurePath.contains(task.name())) {
                continue;
            }
            for (JsonNode c : task.node().path("Catch")) {
                Set<String> reachable = reachable(c.path("Next").asText());
                boolean skipsItself = task.node().hasNonNull("Next") && reachable.contains(task.node().get("Next").asText());
                if (!skipsItself && !reachable.contains(CLEANUP)) {
                    problems.add(task.name() + ": Catch → " + c.path("Next").asText() + " skips disabling the mappings");
                }
            }
        }
        assertThat(problems).isEmpty();
    }

    private static List<String> transientErrors(State task) {
        String resource = task.resource();
        if (resource.startsWith("arn:aws:states:::lambda:invoke")) {
            List<String> errors = new ArrayList<>(LAMBDA_INVOKE_TRANSIENT);
            errors.addAll(WORKFLOW_TRANSIENT);
            return errors;
        }
        if (resource.startsWith("arn:aws:states:::aws-sdk:")) {
            List<String> errors = SDK_TRANSIENT.get(resource);
            assertThat(errors).as("transient errors of %s (add them to this test)", resource).isNotNull();
            return errors;
        }
        return List.of("States.TaskFailed"); // optimized sns/events/dynamodb integrations
    }

    /** Step Functions' rule: the first retrier that matches decides; MaxAttempts 0 never retries. */
    private static boolean retried(State task, String error) {
        for (JsonNode retrier : task.node().path("Retry")) {
            for (JsonNode e : retrier.path("ErrorEquals")) {
                String name = e.asText();
                boolean matches = name.equals(error) || name.equals("States.ALL")
                        || (name.equals("States.TaskFailed") && !error.equals("States.Timeout"));
                if (matches) {
                    return retrier.path("MaxAttempts").asInt(3) > 0;
                }
            }
        }
        return false;
    }

    /** States reachable from {@code start} along Next, Default, Choices and Catch, {@code start} included. */
    private Set<String> reachable(String start) {
        Set<String> seen = new HashSet<>();
        Deque<String> todo = new ArrayDeque<>(List.of(start));
        while (!todo.isEmpty()) {
            String name = todo.pop();
            if (seen.add(name)) {
                todo.addAll(machine.state(name).successors());
            }
        }
        return seen;
    }
}
