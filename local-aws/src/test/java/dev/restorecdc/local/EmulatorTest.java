package dev.restorecdc.local;

import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.DynamoDbException;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.InvokeResponse;
import software.amazon.awssdk.services.lambda.model.Runtime;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sfn.model.DescribeExecutionResponse;
import software.amazon.awssdk.services.sfn.model.ExecutionStatus;
import software.amazon.awssdk.services.sfn.model.SfnException;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.BatchResultErrorEntry;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchResponse;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchResultEntry;
import software.amazon.awssdk.services.sqs.model.InvalidMessageContentsException;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The launcher's fixes, seen through the AWS SDK the project uses. One emulator for the class. */
class EmulatorTest {

    private static final String ROLE_POLICY = "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\","
            + "\"Principal\":{\"Service\":\"lambda.amazonaws.com\"},\"Action\":\"sts:AssumeRole\"}]}";

    /** Stands in for the project's local Lambda service: answers Invoke with the payload it got. */
    private static HttpServer lambdaService;
    private static final List<String> invocations = new CopyOnWriteArrayList<>();
    private static Emulator emulator;

    @BeforeAll
    static void start() throws IOException {
        lambdaService = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        lambdaService.createContext("/2015-03-31/functions/", exchange -> {
            String payload = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            invocations.add(exchange.getRequestURI().getPath() + " " + payload);
            byte[] answer = ("{\"echo\":" + payload + "}").getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, answer.length);
            exchange.getResponseBody().write(answer);
            exchange.close();
        });
        lambdaService.start();
        emulator = Emulator.start(Map.of("RCDC_LAMBDA_INVOKE_URL",
                "http://127.0.0.1:" + lambdaService.getAddress().getPort()));
    }

    @AfterAll
    static void stop() {
        if (emulator != null) {
            emulator.close();
        }
        lambdaService.stop(0);
    }

    @Test
    void answersOnItsLoopbackEndpoint() {
        try (DynamoDbClient dynamo = emulator.dynamo()) {
            assertThat(dynamo.listTables().tableNames()).isNotNull();
        }
        assertThat(emulator.endpoint().getHost()).isEqualTo("127.0.0.1");
        assertThat(emulator.port()).isPositive();
    }

    @Test
    void runsMoreThanOneExecutionOfAStateMachine() {
        try (SfnClient sfn = emulator.configure(SfnClient.builder()).build()) {
            String machine = sfn.createStateMachine(b -> b.name("two-in-a-row").roleArn(role("sfn-role"))
                    .definition("{\"StartAt\":\"Done\",\"States\":{\"Done\":{\"Type\":\"Pass\",\"End\":true}}}"))
                    .stateMachineArn();
            for (int i = 0; i < 2; i++) {
                String input = "{\"run\":" + i + "}";
                String execution = sfn.startExecution(b -> b.stateMachineArn(machine).input(input)).executionArn();
                DescribeExecutionResponse done = awaitEnd(sfn, execution);
                assertThat(done.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
                assertThat(compact(done.output())).isEqualTo(input);
            }
        }
    }

    @Test
    void fifoMessageMadeVisibleAgainIsReceivableAtOnceAndKeepsItsPlace() {
        try (SqsClient sqs = emulator.sqs()) {
            String queue = sqs.createQueue(b -> b.queueName("visibility.fifo")
                    .attributes(Map.of(QueueAttributeName.FIFO_QUEUE, "true"))).queueUrl();
            for (String body : List.of("first", "second")) {
                sqs.sendMessage(b -> b.queueUrl(queue).messageBody(body).messageGroupId("g").messageDeduplicationId(body));
            }
            Message first = sqs.receiveMessage(b -> b.queueUrl(queue).visibilityTimeout(30)).messages().get(0);
            sqs.changeMessageVisibility(b -> b.queueUrl(queue).receiptHandle(first.receiptHandle()).visibilityTimeout(0));

            List<Message> again = sqs.receiveMessage(b -> b.queueUrl(queue).maxNumberOfMessages(10)).messages();

            assertThat(again).extracting(Message::body).containsExactly("first", "second");
        }
    }

    @Test
    void aFifoGroupWhoseConsumerLetItsVisibilityRunOutIsDeliveredAgainInOrder() {
        try (SqsClient sqs = emulator.sqs()) {
            String queue = sqs.createQueue(b -> b.queueName("redelivery.fifo").attributes(Map.of(
                    QueueAttributeName.FIFO_QUEUE, "true", QueueAttributeName.VISIBILITY_TIMEOUT, "1"))).queueUrl();
            for (int i = 0; i < 5; i++) {
                String body = "a" + i;
                sqs.sendMessage(b -> b.queueUrl(queue).messageGroupId("a").messageDeduplicationId(body).messageBody(body));
            }
            assertThat(bodies(sqs.receiveMessage(b -> b.queueUrl(queue).maxNumberOfMessages(10)).messages()))
                    .containsExactly("a0", "a1", "a2", "a3", "a4");

            // Nothing deleted: the consumer timed out. SQS gives the group again, from its first message.
            List<Message> again = List.of();
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (again.isEmpty() && System.nanoTime() < deadline) {
                again = sqs.receiveMessage(b -> b.queueUrl(queue).maxNumberOfMessages(10).waitTimeSeconds(1)).messages();
            }
            assertThat(bodies(again)).containsExactly("a0", "a1", "a2", "a3", "a4");
        }
    }

    private static List<String> bodies(List<Message> messages) {
        return messages.stream().map(Message::body).toList();
    }

    @Test
    void batchEntryLongerThanTheQueuesMaximumIsRefusedAloneCountingUtf8Bytes() {
        try (SqsClient sqs = emulator.sqs()) {
            String queue = sqs.createQueue(b -> b.queueName("size-limit.fifo").attributes(Map.of(
                    QueueAttributeName.FIFO_QUEUE, "true", QueueAttributeName.MAXIMUM_MESSAGE_SIZE, "1024"))).queueUrl();
            // 600 characters, 1,200 UTF-8 bytes: too long for SQS, short enough for moto's character count.
            String tooLong = "é".repeat(600);
            SendMessageBatchResponse response = sqs.sendMessageBatch(b -> b.queueUrl(queue).entries(
                    entry("small", "fits"), entry("big", tooLong), entry("other", "fits too")));

            assertThat(response.successful()).extracting(SendMessageBatchResultEntry::id).containsExactly("small", "other");
            assertThat(response.failed()).singleElement().satisfies(failed -> {
                assertThat(failed.id()).isEqualTo("big");
                assertThat(failed.senderFault()).isTrue();
                assertThat(failed.code()).isEqualTo("InvalidParameterValue");
                assertThat(failed.message()).contains("shorter than 1024 bytes");
            });
        }
    }

    /** AWS counts BatchWriteItem's 25 requests over every table of the call; moto counts none. */
    @Test
    void batchWriteItemOfMoreThan25RequestsOverTwoTablesIsRefused() {
        for (String table : List.of("batch-a", "batch-b")) {
            emulator.dynamo().createTable(r -> r.tableName(table).billingMode("PAY_PER_REQUEST")
                    .attributeDefinitions(a -> a.attributeName("pk").attributeType("S"))
                    .keySchema(k -> k.attributeName("pk").keyType("HASH")));
        }

        assertThat(emulator.dynamo().batchWriteItem(r -> r.requestItems(putsInTwoTables(12))).unprocessedItems()).isEmpty();
        assertThatThrownBy(() -> emulator.dynamo().batchWriteItem(r -> r.requestItems(putsInTwoTables(13))))
                .isInstanceOf(DynamoDbException.class)
                .hasMessageContaining("Too many items requested for the BatchWriteItem call");
    }

    private static Map<String, List<WriteRequest>> putsInTwoTables(int perTable) {
        Map<String, List<WriteRequest>> byTable = new java.util.HashMap<>();
        for (String table : List.of("batch-a", "batch-b")) {
            List<WriteRequest> puts = new java.util.ArrayList<>();
            for (int i = 0; i < perTable; i++) {
                String pk = table + "-" + i;
                puts.add(WriteRequest.builder().putRequest(p -> p.item(Map.of("pk", AttributeValue.fromS(pk)))).build());
            }
            byTable.put(table, puts);
        }
        return byTable;
    }

    @Test
    void bodyWithACharacterSqsRefusesFailsWithInvalidMessageContents() {
        try (SqsClient sqs = emulator.sqs()) {
            String queue = sqs.createQueue(b -> b.queueName("characters.fifo").attributes(Map.of(
                    QueueAttributeName.FIFO_QUEUE, "true"))).queueUrl();
            SendMessageBatchResponse response = sqs.sendMessageBatch(b -> b.queueUrl(queue).entries(
                    entry("fffe", "a\uFFFEb"), entry("ffff", "a\uFFFF"), entry("nul", "a\u0000"),
                    entry("legal", "tab\t cr\r \uFFFD \uD83D\uDE00")));

            assertThat(response.successful()).extracting(SendMessageBatchResultEntry::id).containsExactly("legal");
            assertThat(response.failed()).extracting(BatchResultErrorEntry::id).containsExactlyInAnyOrder("fffe", "ffff", "nul");
            assertThat(response.failed()).allSatisfy(failed -> {
                assertThat(failed.code()).isEqualTo("InvalidMessageContents");
                assertThat(failed.senderFault()).isTrue();
            });
            assertThatThrownBy(() -> sqs.sendMessage(b -> b.queueUrl(queue).messageBody("\uFFFF")
                    .messageGroupId("g").messageDeduplicationId("single")))
                    .isInstanceOf(InvalidMessageContentsException.class);
        }
    }

    @Test
    void deduplicationScopedToTheMessageGroupKeepsTheSameIdInAnotherGroup() {
        try (SqsClient sqs = emulator.sqs()) {
            String queue = sqs.createQueue(b -> b.queueName("per-group.fifo").attributes(Map.of(
                    QueueAttributeName.FIFO_QUEUE, "true", QueueAttributeName.DEDUPLICATION_SCOPE, "messageGroup",
                    QueueAttributeName.FIFO_THROUGHPUT_LIMIT, "perMessageGroupId"))).queueUrl();
            for (String group : List.of("a", "b", "a")) {
                sqs.sendMessage(b -> b.queueUrl(queue).messageBody(group).messageGroupId(group).messageDeduplicationId("same"));
            }

            assertThat(sqs.receiveMessage(b -> b.queueUrl(queue).maxNumberOfMessages(10)).messages())
                    .extracting(Message::body).containsExactlyInAnyOrder("a", "b");
        }
    }

    private static SendMessageBatchRequestEntry entry(String id, String body) {
        return SendMessageBatchRequestEntry.builder().id(id).messageBody(body).messageGroupId("g")
                .messageDeduplicationId(id).build();
    }

    @Test
    void lambdaInvokeFromTheSdkAndFromAStateMachineReachesTheLocalLambdaService() throws IOException {
        SdkBytes code = SdkBytes.fromByteArray(tinyZip());
        try (LambdaClient lambda = emulator.configure(LambdaClient.builder()).build();
             SfnClient sfn = emulator.configure(SfnClient.builder()).build()) {
            String function = lambda.createFunction(b -> b.functionName("rcdc-test-workflow").runtime(Runtime.JAVA17)
                    .role(role("lambda-role")).handler("unused").code(c -> c.zipFile(code)))
                    .functionArn();

            InvokeResponse direct = lambda.invoke(b -> b.functionName("rcdc-test-workflow")
                    .payload(SdkBytes.fromUtf8String("{\"direct\":true}")));
            assertThat(direct.payload().asUtf8String()).isEqualTo("{\"echo\":{\"direct\":true}}");

            String machine = sfn.createStateMachine(b -> b.name("invokes").roleArn(role("sfn-invoke-role"))
                    .definition("{\"StartAt\":\"Call\",\"States\":{\"Call\":{\"Type\":\"Task\","
                            + "\"Resource\":\"arn:aws:states:::lambda:invoke\",\"Parameters\":{\"FunctionName\":\""
                            + function + "\",\"Payload\":{\"step\":\"call\"}},\"OutputPath\":\"$.Payload\",\"End\":true}}}"))
                    .stateMachineArn();
            String execution = sfn.startExecution(b -> b.stateMachineArn(machine)).executionArn();

            DescribeExecutionResponse done = awaitEnd(sfn, execution);
            assertThat(done.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
            assertThat(compact(done.output())).isEqualTo("{\"echo\":{\"step\":\"call\"}}");
            assertThat(invocations).map(EmulatorTest::compact)
                    .contains("/2015-03-31/functions/rcdc-test-workflow/invocations{\"step\":\"call\"}");
        }
    }

    /**
     * As AWS: an aws-sdk task takes the AWS SDK for Java v2 member name ({@code Uuid}) and a definition
     * with the API's own spelling ({@code UUID}) is refused; moto alone does the opposite.
     */
    @Test
    void sdkTasksTakeSdkV2MemberNamesAndRefuseTheApiSpelling() throws IOException {
        SdkBytes code = SdkBytes.fromByteArray(tinyZip());
        try (LambdaClient lambda = emulator.configure(LambdaClient.builder()).build();
             SqsClient sqs = emulator.sqs();
             SfnClient sfn = emulator.configure(SfnClient.builder()).build()) {
            lambda.createFunction(b -> b.functionName("rcdc-test-names").runtime(Runtime.JAVA17)
                    .role(role("lambda-names-role")).handler("unused").code(c -> c.zipFile(code)));
            String queue = sqs.createQueue(b -> b.queueName("names")).queueUrl();
            String queueArn = sqs.getQueueAttributes(b -> b.queueUrl(queue).attributeNames(QueueAttributeName.QUEUE_ARN))
                    .attributes().get(QueueAttributeName.QUEUE_ARN);
            String uuid = lambda.createEventSourceMapping(b -> b.functionName("rcdc-test-names").eventSourceArn(queueArn).enabled(false))
                    .uuid();
            String role = role("sfn-names-role");

            assertThatThrownBy(() -> sfn.createStateMachine(b -> b.name("api-spelling").roleArn(role)
                    .definition(toggleMapping("UUID", uuid))))
                    .isInstanceOfSatisfying(SfnException.class, e -> assertThat(e.awsErrorDetails().errorCode()).isEqualTo("InvalidDefinition"))
                    .hasMessageContaining("'UUID'").hasMessageContaining("Uuid");

            String machine = sfn.createStateMachine(b -> b.name("sdk-spelling").roleArn(role)
                    .definition(toggleMapping("Uuid", uuid))).stateMachineArn();
            String execution = sfn.startExecution(b -> b.stateMachineArn(machine)).executionArn();

            DescribeExecutionResponse done = awaitEnd(sfn, execution);
            assertThat(done.status()).as(done.toString()).isEqualTo(ExecutionStatus.SUCCEEDED);
            assertThat(lambda.getEventSourceMapping(b -> b.uuid(uuid)).state()).isEqualTo("Enabled");
        }
    }

    private static String toggleMapping(String uuidName, String uuid) {
        return "{\"StartAt\":\"Enable\",\"States\":{\"Enable\":{\"Type\":\"Task\","
                + "\"Resource\":\"arn:aws:states:::aws-sdk:lambda:updateEventSourceMapping\","
                + "\"Parameters\":{\"" + uuidName + "\":\"" + uuid + "\",\"Enabled\":true},"
                + "\"ResultSelector\":{\"State.$\":\"$.State\"},\"End\":true}}}";
    }

    /**
     * As AWS: an aws-sdk task's result has the SDK v2 member names ({@code ExecutionArn} of
     * StartExecution); moto alone answers with botocore's ({@code executionArn}).
     */
    @Test
    void sdkTaskResultsCarrySdkV2MemberNames() {
        try (SfnClient sfn = emulator.configure(SfnClient.builder()).build()) {
            String role = role("sfn-result-names-role");
            String child = sfn.createStateMachine(b -> b.name("result-child").roleArn(role)
                    .definition("{\"StartAt\":\"Done\",\"States\":{\"Done\":{\"Type\":\"Succeed\"}}}")).stateMachineArn();
            String parent = sfn.createStateMachine(b -> b.name("result-parent").roleArn(role).definition(startChild(child, "ExecutionArn")))
                    .stateMachineArn();
            String botocore = sfn.createStateMachine(b -> b.name("result-botocore").roleArn(role).definition(startChild(child, "executionArn")))
                    .stateMachineArn();

            DescribeExecutionResponse sdkNames = awaitEnd(sfn, sfn.startExecution(b -> b.stateMachineArn(parent).name("sdk")).executionArn());
            DescribeExecutionResponse apiNames = awaitEnd(sfn, sfn.startExecution(b -> b.stateMachineArn(botocore).name("api")).executionArn());

            assertThat(sdkNames.status()).as(sdkNames.toString()).isEqualTo(ExecutionStatus.SUCCEEDED);
            assertThat(sdkNames.output()).contains(":execution:result-child:");
            assertThat(apiNames.status()).isEqualTo(ExecutionStatus.FAILED);
            assertThat(apiNames.error()).isEqualTo("States.Runtime");
        }
    }

    private static String startChild(String child, String arnName) {
        return "{\"StartAt\":\"Start\",\"States\":{\"Start\":{\"Type\":\"Task\","
                + "\"Resource\":\"arn:aws:states:::aws-sdk:sfn:startExecution\","
                + "\"Parameters\":{\"StateMachineArn\":\"" + child + "\",\"Input\":\"{}\"},"
                + "\"ResultSelector\":{\"arn.$\":\"$." + arnName + "\"},\"End\":true}}}";
    }

    /**
     * As AWS: an execution that ends puts a "Step Functions Execution Status Change" event on the
     * default bus (failed, stopped and succeeded alike), and a rule's Lambda target is invoked with
     * its InputTransformer's result. moto alone puts no event, and a Lambda target fails PutEvents.
     */
    @Test
    void anEndedExecutionsStatusChangeReachesARulesLambdaTargetTransformed() throws IOException {
        SdkBytes code = SdkBytes.fromByteArray(tinyZip());
        try (LambdaClient lambda = emulator.configure(LambdaClient.builder()).build();
             SfnClient sfn = emulator.configure(SfnClient.builder()).build();
             EventBridgeClient events = emulator.configure(EventBridgeClient.builder()).build()) {
            String function = lambda.createFunction(b -> b.functionName("rcdc-test-cleanup").runtime(Runtime.JAVA17)
                    .role(role("lambda-cleanup-role")).handler("unused").code(c -> c.zipFile(code))).functionArn();
            String role = role("sfn-status-role");
            String failing = sfn.createStateMachine(b -> b.name("status-failing").roleArn(role)
                    .definition("{\"StartAt\":\"Boom\",\"States\":{\"Boom\":{\"Type\":\"Fail\",\"Error\":\"Boom\",\"Cause\":\"on purpose\"}}}"))
                    .stateMachineArn();
            String waiting = sfn.createStateMachine(b -> b.name("status-waiting").roleArn(role)
                    .definition("{\"StartAt\":\"Wait\",\"States\":{\"Wait\":{\"Type\":\"Wait\",\"Seconds\":600,\"End\":true}}}"))
                    .stateMachineArn();
            events.putRule(b -> b.name("status-ended").eventPattern("{\"source\":[\"aws.states\"],"
                    + "\"detail-type\":[\"Step Functions Execution Status Change\"],"
                    + "\"detail\":{\"status\":[\"FAILED\",\"TIMED_OUT\",\"ABORTED\"],\"stateMachineArn\":[\"" + failing + "\",\"" + waiting + "\"]}}"));
            events.putTargets(b -> b.rule("status-ended").targets(t -> t.id("cleanup").arn(function).inputTransformer(i -> i
                    .inputPathsMap(Map.of("detail", "$.detail"))
                    .inputTemplate("{\"action\":\"cleanup\",\"execution\":<detail>}"))));

            sfn.startExecution(b -> b.stateMachineArn(failing).name("fails").input("{\"a\":1}"));
            String stopped = sfn.startExecution(b -> b.stateMachineArn(waiting).name("stopped")).executionArn();
            sfn.stopExecution(b -> b.executionArn(stopped));

            List<String> cleanups = awaitInvocations("rcdc-test-cleanup", 2);
            assertThat(cleanups).anySatisfy(p -> assertThat(p).contains("\"action\": \"cleanup\"").contains("\"status\": \"FAILED\"")
                    .contains("\"name\": \"fails\"").contains("\"error\": \"Boom\"").contains("\"input\": \"{\\\"a\\\":1}\""));
            assertThat(cleanups).anySatisfy(p -> assertThat(p).contains("\"status\": \"ABORTED\"").contains("\"name\": \"stopped\""));
        }
    }

    /** As AWS: States.Runtime (a ResultSelector path the result lacks) fails the execution; no Catch, States.ALL included, takes it. */
    @Test
    void aRuntimeErrorIsNotCaughtByStatesAll() {
        try (SfnClient sfn = emulator.configure(SfnClient.builder()).build()) {
            String role = role("sfn-runtime-role");
            String child = sfn.createStateMachine(b -> b.name("runtime-child").roleArn(role)
                    .definition("{\"StartAt\":\"Done\",\"States\":{\"Done\":{\"Type\":\"Succeed\"}}}")).stateMachineArn();
            String definition = startChild(child, "NoSuchMember").replace("\"End\":true}",
                    "\"End\":true,\"Catch\":[{\"ErrorEquals\":[\"States.ALL\"],\"Next\":\"Caught\"}]},"
                            + "\"Caught\":{\"Type\":\"Succeed\"}");
            String machine = sfn.createStateMachine(b -> b.name("runtime-catch").roleArn(role).definition(definition)).stateMachineArn();

            DescribeExecutionResponse done = awaitEnd(sfn, sfn.startExecution(b -> b.stateMachineArn(machine)).executionArn());

            assertThat(done.status()).as(done.toString()).isEqualTo(ExecutionStatus.FAILED);
            assertThat(done.error()).isEqualTo("States.Runtime");
        }
    }

    /** As AWS: StopExecution ends an execution waiting for a task token at once, ABORTED. */
    @Test
    void stoppingAnExecutionWaitingForATaskTokenAbortsItAtOnce() throws IOException {
        SdkBytes code = SdkBytes.fromByteArray(tinyZip());
        try (LambdaClient lambda = emulator.configure(LambdaClient.builder()).build();
             SfnClient sfn = emulator.configure(SfnClient.builder()).build()) {
            String function = lambda.createFunction(b -> b.functionName("rcdc-test-token").runtime(Runtime.JAVA17)
                    .role(role("lambda-token-role")).handler("unused").code(c -> c.zipFile(code))).functionArn();
            String machine = sfn.createStateMachine(b -> b.name("token-wait").roleArn(role("sfn-token-role")).definition(
                    "{\"StartAt\":\"Await\",\"States\":{\"Await\":{\"Type\":\"Task\","
                            + "\"Resource\":\"arn:aws:states:::lambda:invoke.waitForTaskToken\",\"TimeoutSeconds\":600,"
                            + "\"Parameters\":{\"FunctionName\":\"" + function + "\",\"Payload\":{\"token.$\":\"$$.Task.Token\"}},"
                            + "\"End\":true}}}")).stateMachineArn();
            String execution = sfn.startExecution(b -> b.stateMachineArn(machine)).executionArn();
            awaitInvocations("rcdc-test-token", 1);

            sfn.stopExecution(b -> b.executionArn(execution).error("Operator").cause("no longer needed"));
            DescribeExecutionResponse done = awaitEnd(sfn, execution);

            assertThat(done.status()).isEqualTo(ExecutionStatus.ABORTED);
            assertThat(done.error()).isEqualTo("Operator");
        }
    }

    private static List<String> awaitInvocations(String function, int count) {
        long deadline = System.nanoTime() + java.time.Duration.ofSeconds(30).toNanos();
        while (true) {
            List<String> found = invocations.stream().filter(i -> i.contains("/functions/" + function + "/")).toList();
            if (found.size() >= count || System.nanoTime() > deadline) {
                assertThat(found).as("invocations of " + function).hasSizeGreaterThanOrEqualTo(count);
                return found;
            }
            java.util.concurrent.locks.LockSupport.parkNanos(50_000_000);
        }
    }

    @Test
    void closeStopsTheLauncherAndFreesThePort() {
        Emulator second = Emulator.start();
        int port = second.port();

        second.close();

        assertThat(second.isAlive()).isFalse();
        assertThatThrownBy(() -> new Socket("127.0.0.1", port).close()).isInstanceOf(IOException.class);
    }

    private static String role(String name) {
        try (IamClient iam = emulator.configure(IamClient.builder()).build()) {
            return iam.createRole(b -> b.roleName(name).assumeRolePolicyDocument(ROLE_POLICY)).role().arn();
        }
    }

    private static DescribeExecutionResponse awaitEnd(SfnClient sfn, String executionArn) {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        DescribeExecutionResponse execution;
        do {
            execution = sfn.describeExecution(b -> b.executionArn(executionArn));
        } while (execution.status() == ExecutionStatus.RUNNING && System.nanoTime() < deadline && pause());
        return execution;
    }

    /** moto's Step Functions writes JSON with spaces after separators; the values are what count. */
    private static String compact(String json) {
        return json.replace(" ", "");
    }

    private static boolean pause() {
        try {
            Thread.sleep(50);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static byte[] tinyZip() throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
            zip.putNextEntry(new ZipEntry("unused.txt"));
            zip.write("moto needs a package; the local Lambda service runs the real one".getBytes(StandardCharsets.UTF_8));
        }
        return bytes.toByteArray();
    }
}
