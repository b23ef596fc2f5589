package dev.restorecdc.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.restorecdc.local.LambdaRuntimeApi.Outcome;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * bin/lambda-runtime runs the packaged artefact (dist/function-jvm.zip, made by `package`) as
 * Lambda does: the real capture function, configured only by environment variables, takes
 * several invocations from a Runtime API of the test's own and writes to the emulator's queue.
 */
class LambdaRuntimeIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** A JVM start of the function on a busy 2-core machine. */
    private static final long ANSWER_SECONDS = 120;

    private static Emulator emulator;
    private static SqsClient sqs;
    private static String queueUrl;
    private static LambdaRuntimeApi runtimeApi;
    private static Process function;
    private static Path functionLog;

    @BeforeAll
    static void startFunction() throws IOException {
        emulator = Emulator.start();
        sqs = emulator.sqs();
        queueUrl = sqs.createQueue(b -> b.queueName("changes.fifo").attributes(Map.of(
                QueueAttributeName.FIFO_QUEUE, "true"))).queueUrl();
        runtimeApi = LambdaRuntimeApi.start("rcdc-it-capture");

        Path root = Emulator.projectRoot();
        functionLog = Files.createDirectories(root.resolve("target/lambda-runtime-it")).resolve("capture.log");
        ProcessBuilder builder = new ProcessBuilder(root.resolve("bin/lambda-runtime").toString())
                .redirectErrorStream(true)
                .redirectOutput(functionLog.toFile());
        builder.environment().putAll(emulator.awsEnvironment());
        builder.environment().putAll(Map.of(
                "AWS_LAMBDA_RUNTIME_API", runtimeApi.address(),
                "QUARKUS_LAMBDA_HANDLER", "capture",
                "CDC_QUEUE_URL", queueUrl));
        function = builder.start();
    }

    @AfterAll
    static void stopFunction() throws InterruptedException {
        if (function != null) {
            function.destroy();
            if (!function.waitFor(10, TimeUnit.SECONDS)) {
                function.destroyForcibly();
            }
        }
        if (runtimeApi != null) {
            runtimeApi.close();
        }
        if (sqs != null) {
            sqs.close();
        }
        if (emulator != null) {
            emulator.close();
        }
    }

    @Test
    void oneProcessAnswersSeveralInvocationsAndReportsAFailedOneAsAnError() throws Exception {
        String streamEvent = Files.readString(Emulator.projectRoot().resolve("src/test/resources/events/dynamodb-stream-mixed.json"));
        int records = JSON.readTree(streamEvent).get("Records").size();

        Outcome batch = answer(runtimeApi.invoke(streamEvent));
        Outcome empty = answer(runtimeApi.invoke("{\"Records\":[]}"));
        Outcome garbage = answer(runtimeApi.invoke("this is not an event"));

        assertThat(batch.error()).as(batch.body()).isFalse();
        assertThat(JSON.readTree(batch.body()).get("batchItemFailures")).isEmpty();
        assertThat(receiveAll()).hasSize(records);
        assertThat(empty.error()).isFalse();
        assertThat(JSON.readTree(empty.body()).get("batchItemFailures")).isEmpty();
        assertThat(garbage.error()).isTrue();
        assertThat(garbage.errorType()).isEqualTo("Runtime.UserException");
        assertThat(JSON.readTree(garbage.body()).get("errorType").asText()).contains("JsonParseException");
        assertThat(function.isAlive()).as("one bad event does not end the function").isTrue();
    }

    private static Outcome answer(CompletableFuture<Outcome> outcome) throws Exception {
        try {
            return outcome.get(ANSWER_SECONDS, TimeUnit.SECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            throw new AssertionError("no answer within " + ANSWER_SECONDS + " s (init error: " + runtimeApi.initError()
                    + "); bin/lambda-runtime output:\n" + tail(), e);
        }
    }

    private static List<JsonNode> receiveAll() throws IOException {
        List<JsonNode> bodies = new ArrayList<>();
        List<Message> batch;
        do {
            batch = sqs.receiveMessage(b -> b.queueUrl(queueUrl).maxNumberOfMessages(10).visibilityTimeout(60)).messages();
            for (Message message : batch) {
                bodies.add(JSON.readTree(message.body()));
            }
        } while (!batch.isEmpty());
        return bodies;
    }

    private static String tail() {
        try {
            List<String> lines = Files.readAllLines(functionLog, StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 60), lines.size()));
        } catch (IOException e) {
            return "(unreadable: " + functionLog + ")";
        }
    }
}
