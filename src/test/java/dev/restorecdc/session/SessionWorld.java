package dev.restorecdc.session;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.restorecdc.aws.EventSourceMappingReader;
import dev.restorecdc.aws.QueueBacklogReader;
import dev.restorecdc.aws.RestoredTableReader;
import dev.restorecdc.aws.SessionStore;
import dev.restorecdc.aws.TableSettingsCopier;
import dev.restorecdc.local.Emulator;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.applicationautoscaling.ApplicationAutoScalingClient;
import software.amazon.awssdk.services.applicationautoscaling.model.MetricType;
import software.amazon.awssdk.services.applicationautoscaling.model.PolicyType;
import software.amazon.awssdk.services.applicationautoscaling.model.ScalableDimension;
import software.amazon.awssdk.services.applicationautoscaling.model.ServiceNamespace;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ProjectionType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.StreamViewType;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.EventSourcePosition;
import software.amazon.awssdk.services.lambda.model.Runtime;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * What Terraform deploys around a restore session, built on the emulator: a source table with
 * every setting the copy re-applies, the control table, the change queue, the capture and replay
 * functions with their (disabled) mappings, and the matching {@code $.config}.
 */
public final class SessionWorld {

    public static final ObjectMapper JSON = new ObjectMapper();
    public static final String SOURCE = "orders";
    public static final String SOURCE_ARN = "arn:aws:dynamodb:us-east-1:123456789012:table/orders";
    public static final String CONTROL = "rcdc-orders-control";
    public static final String RESOURCE_POLICY = "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\","
            + "\"Principal\":{\"AWS\":\"arn:aws:iam::123456789012:root\"},\"Action\":\"dynamodb:GetItem\","
            + "\"Resource\":[\"" + SOURCE_ARN + "\",\"" + SOURCE_ARN + "/index/*\"]}]}";

    public final Emulator emulator;
    public final DynamoDbClient dynamo;
    public final SqsClient sqs;
    public final LambdaClient lambda;
    public final ApplicationAutoScalingClient autoscaling;
    public final String queueUrl;
    public final String captureMappingUuid;
    public final String replayMappingUuid;
    public final ObjectNode config;

    public SessionWorld(Emulator emulator) {
        this.emulator = emulator;
        this.dynamo = emulator.configure(DynamoDbClient.builder()).build();
        this.sqs = emulator.configure(SqsClient.builder()).build();
        this.lambda = emulator.configure(LambdaClient.builder()).build();
        this.autoscaling = emulator.configure(ApplicationAutoScalingClient.builder()).build();

        createSourceTable();
        dynamo.createTable(r -> r.tableName(CONTROL).billingMode(BillingMode.PAY_PER_REQUEST)
                .attributeDefinitions(attr("pk"), attr("sk"))
                .keySchema(key("pk", KeyType.HASH), key("sk", KeyType.RANGE)));
        queueUrl = sqs.createQueue(r -> r.queueName("rcdc-orders-changes.fifo").attributes(Map.of(
                QueueAttributeName.FIFO_QUEUE, "true", QueueAttributeName.VISIBILITY_TIMEOUT, "30"))).queueUrl();
        String dlqUrl = sqs.createQueue(r -> r.queueName("rcdc-orders-changes-dlq.fifo").attributes(Map.of(
                QueueAttributeName.FIFO_QUEUE, "true"))).queueUrl();
        String queueArn = sqs.getQueueAttributes(r -> r.queueUrl(queueUrl).attributeNames(QueueAttributeName.QUEUE_ARN))
                .attributes().get(QueueAttributeName.QUEUE_ARN);

        String role;
        try (IamClient iam = emulator.configure(IamClient.builder()).build()) {
            role = iam.createRole(r -> r.roleName("rcdc-orders-functions").assumeRolePolicyDocument(
                    "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":{\"Service\":\"lambda.amazonaws.com\"},\"Action\":\"sts:AssumeRole\"}]}"))
                    .role().arn();
        }
        String workflowArn = function("rcdc-orders-workflow", role);
        function("rcdc-orders-capture", role);
        function("rcdc-orders-replay", role);
        String streamArn = dynamo.describeTable(r -> r.tableName(SOURCE)).table().latestStreamArn();
        captureMappingUuid = lambda.createEventSourceMapping(r -> r.functionName("rcdc-orders-capture")
                .eventSourceArn(streamArn).startingPosition(EventSourcePosition.TRIM_HORIZON).enabled(false).batchSize(100)).uuid();
        replayMappingUuid = lambda.createEventSourceMapping(r -> r.functionName("rcdc-orders-replay")
                .eventSourceArn(queueArn).enabled(false).batchSize(10)).uuid();

        config = SessionConfigTest.configJson();
        config.put("queue_url", queueUrl).put("dlq_url", dlqUrl).put("capture_mapping_uuid", captureMappingUuid)
                .put("replay_mapping_uuid", replayMappingUuid).put("workflow_function_arn", workflowArn)
                .put("control_table_name", CONTROL);
    }

    private void createSourceTable() {
        dynamo.createTable(r -> r.tableName(SOURCE).billingMode(BillingMode.PROVISIONED)
                .attributeDefinitions(attr("pk"), attr("status"))
                .keySchema(key("pk", KeyType.HASH))
                .provisionedThroughput(p -> p.readCapacityUnits(5L).writeCapacityUnits(5L))
                .globalSecondaryIndexes(g -> g.indexName("by_status").keySchema(key("status", KeyType.HASH))
                        .projection(p -> p.projectionType(ProjectionType.ALL))
                        .provisionedThroughput(p -> p.readCapacityUnits(5L).writeCapacityUnits(5L)))
                .streamSpecification(s -> s.streamEnabled(true).streamViewType(StreamViewType.NEW_AND_OLD_IMAGES))
                .deletionProtectionEnabled(true)
                .tags(t -> t.key("team").value("payments"), t -> t.key("cost-center").value("42")));
        dynamo.updateTimeToLive(r -> r.tableName(SOURCE).timeToLiveSpecification(t -> t.enabled(true).attributeName("expires_at")));
        dynamo.updateContinuousBackups(r -> r.tableName(SOURCE).pointInTimeRecoverySpecification(p -> p.pointInTimeRecoveryEnabled(true)));
        dynamo.putResourcePolicy(r -> r.resourceArn(SOURCE_ARN).policy(RESOURCE_POLICY));
        for (String resource : new String[] {"table/orders", "table/orders/index/by_status"}) {
            ScalableDimension read = resource.contains("index")
                    ? ScalableDimension.DYNAMODB_INDEX_READ_CAPACITY_UNITS : ScalableDimension.DYNAMODB_TABLE_READ_CAPACITY_UNITS;
            autoscaling.registerScalableTarget(r -> r.serviceNamespace(ServiceNamespace.DYNAMODB).resourceId(resource)
                    .scalableDimension(read).minCapacity(5).maxCapacity(50));
            autoscaling.putScalingPolicy(r -> r.serviceNamespace(ServiceNamespace.DYNAMODB).resourceId(resource)
                    .scalableDimension(read).policyName("read-70").policyType(PolicyType.TARGET_TRACKING_SCALING)
                    .targetTrackingScalingPolicyConfiguration(t -> t.targetValue(70.0).predefinedMetricSpecification(
                            m -> m.predefinedMetricType(MetricType.DYNAMO_DB_READ_CAPACITY_UTILIZATION))));
        }
    }

    private String function(String name, String role) {
        return lambda.createFunction(r -> r.functionName(name).runtime(Runtime.JAVA21).role(role)
                .handler("io.quarkus.amazon.lambda.runtime.QuarkusStreamHandler::handleRequest")
                .code(c -> c.zipFile(SdkBytes.fromByteArray(emptyZip())))).functionArn();
    }

    private static byte[] emptyZip() {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
                zip.putNextEntry(new ZipEntry("README"));
                zip.write("placeholder: tests never invoke it".getBytes());
                zip.closeEntry();
            }
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The CloudTrail record of a fixture, asked at {@code requestedAt}. */
    public static ObjectNode restoreEvent(String fixture, Instant requestedAt) {
        try {
            ObjectNode event = (ObjectNode) JSON.readTree(Files.readString(
                    Path.of("src/test/resources/events/cloudtrail-restore-" + fixture + ".json")));
            event.put("time", requestedAt.toString());
            ((ObjectNode) event.get("detail")).put("eventTime", requestedAt.toString());
            return event;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Restores the source to its latest restorable time under the fixture's target name and waits
     * until the target is ACTIVE (the local restore keeps it CREATING for a few seconds, as AWS does).
     */
    public void restore(JsonNode event) {
        String target = event.at("/detail/requestParameters/targetTableName").asText();
        dynamo.restoreTableToPointInTime(r -> r.sourceTableName(SOURCE).targetTableName(target).useLatestRestorableTime(true));
        dynamo.waiter().waitUntilTableExists(r -> r.tableName(target), o -> o.waitTimeout(java.time.Duration.ofSeconds(60)).backoffStrategy(software.amazon.awssdk.core.retry.backoff.FixedDelayBackoffStrategy.create(java.time.Duration.ofMillis(200))));
    }

    /** The session steps as the workflow function wires them, on this world's clients (the settings copy polls every 100 ms). */
    SessionSteps steps() {
        return steps(java.util.Optional.empty());
    }

    /** The steps with the caught-up checks one execution runs capped (continuations in compressed time). */
    SessionSteps steps(java.util.Optional<Integer> caughtUpChecksPerExecution) {
        java.time.Clock clock = java.time.Clock.systemUTC();
        SessionRecords.Opener records = (controlTable, sourceTable) -> new SessionStore(dynamo, controlTable, sourceTable);
        RestoredTableReader restored = new RestoredTableReader(dynamo);
        QueueBacklogReader queue = new QueueBacklogReader(sqs);
        EventSourceMappingReader mappings = new EventSourceMappingReader(lambda);
        return new SessionSteps(JSON, java.util.List.of(
                new RegisterStep(records, restored, clock),
                new DescribeTargetStep(records, restored, clock),
                new SettleReplayFromStep(records, restored, clock),
                new CopySettingsStep(records, new TableSettingsCopier(dynamo, autoscaling, java.time.Duration.ofMillis(100)), clock),
                new CaughtUpStep(records, queue, mappings, new dev.restorecdc.aws.DynamoShardView(dynamo,
                        dev.restorecdc.aws.DynamoStreamShards.like(dynamo)), clock, caughtUpChecksPerExecution),
                new AwaitFinishStep(records, clock),
                new CutoverStep(records, clock),
                new DrainedStep(queue, mappings),
                new FinishStep(records, clock),
                new FailStep(records, clock),
                new ContinuedStep(records, clock),
                new CleanupStep(records, new dev.restorecdc.aws.EventSourceMappingSwitch(lambda), new dev.restorecdc.aws.SnsEventsNotifier(
                        emulator.configure(software.amazon.awssdk.services.sns.SnsClient.builder()).build(),
                        emulator.configure(software.amazon.awssdk.services.eventbridge.EventBridgeClient.builder()).build(), JSON),
                        clock)));
    }

    /** The control table's item of a session as stored (attribute values), or an empty map. */
    public Map<String, software.amazon.awssdk.services.dynamodb.model.AttributeValue> sessionItem(String sessionId) {
        return dynamo.getItem(r -> r.tableName(CONTROL).consistentRead(true).key(Map.of(
                "pk", software.amazon.awssdk.services.dynamodb.model.AttributeValue.fromS(ControlTableKeys.tablePk(SOURCE)),
                "sk", software.amazon.awssdk.services.dynamodb.model.AttributeValue.fromS(ControlTableKeys.sessionSk(sessionId)))))
                .item();
    }

    Map<String, Object> input(String action, String sessionId, Map<String, Object> extra) {
        Map<String, Object> input = new java.util.LinkedHashMap<>();
        input.put("action", action);
        input.put("config", JSON.convertValue(config, new TypeReference<Map<String, Object>>() { }));
        input.put("session_id", sessionId);
        input.putAll(extra);
        return input;
    }

    public static Map<String, Object> map(JsonNode node) {
        return JSON.convertValue(node, new TypeReference<Map<String, Object>>() { });
    }

    private static AttributeDefinition attr(String name) {
        return AttributeDefinition.builder().attributeName(name).attributeType(ScalarAttributeType.S).build();
    }

    private static KeySchemaElement key(String name, KeyType type) {
        return KeySchemaElement.builder().attributeName(name).keyType(type).build();
    }
}
