package dev.restorecdc.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.lambda.model.InvokeResponse;
import software.amazon.awssdk.services.lambda.model.Runtime;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The local Lambda service with a fake runtime (src/test/resources/local/FakeRuntime.java) that
 * does what the payload asks, so deadline, crash and error handling are tested without the artefact.
 */
class LambdaServiceIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static LocalAws aws;

    @BeforeAll
    static void start() {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        aws = LocalAws.start(List.of(java, Path.of("src/test/resources/local/FakeRuntime.java").toAbsolutePath().toString()));
        String role = aws.clients().iam().createRole(r -> r.roleName("fake-runtime")
                .assumeRolePolicyDocument("{\"Version\":\"2012-10-17\",\"Statement\":[]}")).role().arn();
        for (String name : List.of("echo", "slow")) {
            aws.clients().lambda().createFunction(r -> r.functionName(name).runtime(Runtime.PROVIDED_AL2023).handler("bootstrap")
                    .role(role).timeout(name.equals("slow") ? 1 : 30)
                    .environment(e -> e.variables(Map.of("CDC_QUEUE_URL", "from-the-function-configuration")))
                    .code(c -> c.zipFile(SdkBytes.fromByteArray(new byte[] {80, 75, 5, 6, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}))));
        }
    }

    @AfterAll
    static void stop() {
        aws.close();
    }

    @Test
    void invocationsThatWaitForABusyEnvironmentStartMoreUpToTheConcurrencyAndEachRunsOneAtATime() throws Exception {
        System.setProperty("rcdc.lambda-concurrency", "3");
        try {
            List<java.util.concurrent.CompletableFuture<InvocationResult>> running = new java.util.ArrayList<>();
            for (int i = 0; i < 6; i++) {
                running.add(java.util.concurrent.CompletableFuture.supplyAsync(
                        () -> aws.lambdas().invoke("echo", "{\"sleep\":\"1500\"}")));
            }
            java.util.Set<Long> environments = new java.util.HashSet<>();
            for (var invocation : running) {
                InvocationResult result = invocation.get(120, java.util.concurrent.TimeUnit.SECONDS);
                assertThat(result.failed()).as(result.toString()).isFalse();
                environments.add(JSON.readTree(result.payload()).get("pid").asLong());
            }
            assertThat(environments).as("one process per environment, at most the concurrency").hasSizeBetween(2, 3);
        } finally {
            System.clearProperty("rcdc.lambda-concurrency");
        }
    }

    @Test
    void invokeGetsTheFunctionsAnswerAndTheRuntimeGetsLambdasHeaders() throws Exception {
        long before = System.currentTimeMillis();
        long invocationsBefore = aws.lambdas().invocations("echo");

        InvocationResult result = aws.lambdas().invoke("echo", "{\"hello\":\"world\"}");

        assertThat(aws.lambdas().invocations("arn:aws:lambda:us-east-1:123456789012:function:echo"))
                .as("counted once, by name or ARN").isEqualTo(invocationsBefore + 1);

        assertThat(result.failed()).as(result.toString()).isFalse();
        JsonNode answer = JSON.readTree(result.payload());
        assertThat(answer.at("/payload/hello").asText()).isEqualTo("world");
        assertThat(answer.get("requestId").asText()).isNotBlank();
        assertThat(answer.get("arn").asText()).isEqualTo("arn:aws:lambda:us-east-1:123456789012:function:echo");
        assertThat(answer.get("trace").asText()).startsWith("Root=1-");
        assertThat(answer.get("deadlineMs").asLong()).isBetween(before + 29_000, System.currentTimeMillis() + 30_000);
    }

    /** As in Lambda, invocations after UpdateFunctionConfiguration run with the new configuration, warm environment or not. */
    @Test
    void anUpdatedConfigurationReachesTheNextInvocations() throws Exception {
        aws.clients().lambda().createFunction(r -> r.functionName("reconfigured").runtime(Runtime.PROVIDED_AL2023).handler("bootstrap")
                .role(aws.clients().iam().getRole(g -> g.roleName("fake-runtime")).role().arn()).timeout(30)
                .environment(e -> e.variables(Map.of("SETTING", "first")))
                .code(c -> c.zipFile(SdkBytes.fromByteArray(new byte[] {80, 75, 5, 6, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}))));
        assertThat(JSON.readTree(aws.lambdas().invoke("reconfigured", "{\"env\":\"SETTING\"}").payload()).get("env").asText())
                .isEqualTo("first");

        aws.clients().lambda().updateFunctionConfiguration(r -> r.functionName("reconfigured")
                .environment(e -> e.variables(Map.of("SETTING", "second"))));
        Thread.sleep(1100); // this service reads the configuration at most once a second

        assertThat(JSON.readTree(aws.lambdas().invoke("reconfigured", "{\"env\":\"SETTING\"}").payload()).get("env").asText())
                .isEqualTo("second");
    }

    @Test
    void theFunctionRunsWithItsConfiguredEnvironmentPointedAtTheEmulator() throws Exception {
        JsonNode configured = JSON.readTree(aws.lambdas().invoke("echo", "{\"env\":\"CDC_QUEUE_URL\"}").payload());
        JsonNode endpoint = JSON.readTree(aws.lambdas().invoke("echo", "{\"env\":\"AWS_ENDPOINT_URL\"}").payload());

        assertThat(configured.get("env").asText()).isEqualTo("from-the-function-configuration");
        assertThat(endpoint.get("env").asText()).isEqualTo(aws.clients().endpoint().toString());
    }

    @Test
    void anInvocationPastItsDeadlineTimesOutAndTheNextOneGetsAFreshEnvironment() throws Exception {
        long firstPid = JSON.readTree(aws.lambdas().invoke("slow", "{}").payload()).get("pid").asLong();

        InvocationResult timedOut = aws.lambdas().invoke("slow", "{\"sleep\":5000}");
        InvocationResult after = aws.lambdas().invoke("slow", "{}");

        assertThat(timedOut.failed()).isTrue();
        assertThat(timedOut.payloadText()).contains("Task timed out after 1.00 seconds");
        assertThat(ProcessHandle.of(firstPid).map(ProcessHandle::isAlive).orElse(false)).isFalse();
        assertThat(after.failed()).as(after.toString()).isFalse();
        assertThat(JSON.readTree(after.payload()).get("pid").asLong()).isNotEqualTo(firstPid);
    }

    @Test
    void aRuntimeThatDiesFailsItsInvocationAndIsReplacedOnTheNextInvoke() throws Exception {
        long firstPid = JSON.readTree(aws.lambdas().invoke("echo", "{}").payload()).get("pid").asLong();

        InvocationResult crashed = aws.lambdas().invoke("echo", "{\"exit\":3}");
        InvocationResult after = aws.lambdas().invoke("echo", "{}");

        assertThat(crashed.failed()).isTrue();
        assertThat(crashed.payloadText()).contains("Runtime.ExitError").contains("exit status 3");
        assertThat(after.failed()).as(after.toString()).isFalse();
        assertThat(JSON.readTree(after.payload()).get("pid").asLong()).isNotEqualTo(firstPid);
    }

    @Test
    void aFunctionErrorComesBackAsAnUnhandledErrorThroughTheEmulatorsInvoke() {
        InvokeResponse ok = aws.clients().lambda().invoke(r -> r.functionName("echo").payload(SdkBytes.fromUtf8String("{\"via\":\"moto\"}")));
        InvokeResponse failed = aws.clients().lambda().invoke(r -> r.functionName("echo").payload(SdkBytes.fromUtf8String("{\"fail\":\"boom\"}")));

        assertThat(ok.functionError()).isNull();
        assertThat(ok.payload().asUtf8String()).contains("\"via\":\"moto\"");
        assertThat(failed.functionError()).isEqualTo("Unhandled");
        assertThat(failed.payload().asUtf8String()).contains("\"errorMessage\":\"boom\"");
    }
}
