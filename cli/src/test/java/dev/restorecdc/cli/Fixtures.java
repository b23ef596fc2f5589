package dev.restorecdc.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.restorecdc.aws.DynamoJson;
import dev.restorecdc.cdc.ItemKey;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.StreamViewType;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/** Arranges tables, queues and the rest of a deployment on moto, with the SDK. */
final class Fixtures {

    static final String ACCOUNT = "123456789012";
    static final ObjectMapper JSON = new ObjectMapper();

    private final CliHarness moto;

    Fixtures(CliHarness moto) {
        this.moto = moto;
    }

    /** A table keyed like many applications' tables: pk (S) + sk (N). */
    void sourceTable(String name, boolean stream, boolean pitr) {
        moto.aws.dynamo().createTable(r -> {
            r.tableName(name).billingMode(BillingMode.PAY_PER_REQUEST)
                    .attributeDefinitions(AttributeDefinition.builder().attributeName("pk").attributeType(ScalarAttributeType.S).build(),
                            AttributeDefinition.builder().attributeName("sk").attributeType(ScalarAttributeType.N).build())
                    .keySchema(KeySchemaElement.builder().attributeName("pk").keyType(KeyType.HASH).build(),
                            KeySchemaElement.builder().attributeName("sk").keyType(KeyType.RANGE).build());
            if (stream) {
                r.streamSpecification(s -> s.streamEnabled(true).streamViewType(StreamViewType.NEW_AND_OLD_IMAGES));
            }
        });
        if (pitr) {
            moto.aws.dynamo().updateContinuousBackups(r -> r.tableName(name)
                    .pointInTimeRecoverySpecification(p -> p.pointInTimeRecoveryEnabled(true)));
        }
    }

    void controlTable(String name) {
        moto.aws.dynamo().createTable(r -> r.tableName(name).billingMode(BillingMode.PAY_PER_REQUEST)
                .attributeDefinitions(AttributeDefinition.builder().attributeName("pk").attributeType(ScalarAttributeType.S).build(),
                        AttributeDefinition.builder().attributeName("sk").attributeType(ScalarAttributeType.S).build())
                .keySchema(KeySchemaElement.builder().attributeName("pk").keyType(KeyType.HASH).build(),
                        KeySchemaElement.builder().attributeName("sk").keyType(KeyType.RANGE).build()));
    }

    /** The changes queue and its DLQ, FIFO like Terraform's; returns the DLQ's URL. */
    String queues(DeploymentNames names) {
        return queues(names, 1_048_576);
    }

    /** The queues with an explicit MaximumMessageSize (Terraform sets 1 MiB; the provider's default is 256 KiB). */
    String queues(DeploymentNames names, int maxMessageSize) {
        Map<QueueAttributeName, String> attributes = Map.of(QueueAttributeName.FIFO_QUEUE, "true",
                QueueAttributeName.MAXIMUM_MESSAGE_SIZE, Integer.toString(maxMessageSize));
        String dlq = moto.aws.sqs().createQueue(r -> r.queueName(names.deadLetterQueue()).attributes(attributes)).queueUrl();
        moto.aws.sqs().createQueue(r -> r.queueName(names.queue()).attributes(attributes));
        return dlq;
    }

    void session(String control, String table, String sessionId, Map<String, AttributeValue> attributes) {
        Map<String, AttributeValue> item = new HashMap<>(attributes);
        item.put("pk", s("TABLE#" + table));
        item.put("sk", s("SESSION#" + sessionId));
        moto.aws.dynamo().putItem(r -> r.tableName(control).item(item));
    }

    /** A key log entry exactly as the replay writes it (ControlTableLedger). */
    void keyLog(String control, String sessionId, ObjectNode key) {
        moto.aws.dynamo().putItem(r -> r.tableName(control).item(Map.of(
                "pk", s(dev.restorecdc.session.ControlTableKeys.keyLogPk(sessionId, ItemKey.of(key).groupId())),
                "sk", s("KEY#" + ItemKey.of(key).groupId()),
                "key", s(key.toString()), "last_op", s("PUT"), "last_at", s("2026-11-25T10:00:00.000Z"))));
    }

    static ObjectNode key(String pk, int sk) {
        ObjectNode key = JSON.createObjectNode();
        key.putObject("pk").put("S", pk);
        key.putObject("sk").put("N", Integer.toString(sk));
        return key;
    }

    void put(String table, ObjectNode key, Map<String, AttributeValue> attributes) {
        Map<String, AttributeValue> item = new HashMap<>(DynamoJson.toItem(key));
        item.putAll(attributes);
        moto.aws.dynamo().putItem(r -> r.tableName(table).item(item));
    }

    Map<String, AttributeValue> get(String table, ObjectNode key) {
        Map<String, AttributeValue> item = moto.aws.dynamo().getItem(r -> r.tableName(table).key(DynamoJson.toItem(key))
                .consistentRead(true)).item();
        return item == null || item.isEmpty() ? null : item;
    }

    /**
     * Everything else Terraform deploys for a table, created the way Terraform declares it: a role,
     * the three functions, both mappings disabled, the state machine, the rule targeting it, and a
     * logging management-events trail.
     */
    void deployment(String table, DeploymentNames names) throws Exception {
        String role = "arn:aws:iam::" + ACCOUNT + ":role/" + names.prefix();
        try (IamClient iam = IamClient.builder().endpointOverride(URI.create(moto.endpoint)).region(Region.AWS_GLOBAL)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
                .httpClient(UrlConnectionHttpClient.create()).build()) {
            iam.createRole(r -> r.roleName(names.prefix()).assumeRolePolicyDocument("{\"Version\":\"2012-10-17\",\"Statement\":[]}"));
        }
        byte[] zip = emptyZip();
        for (String function : new String[] {names.captureFunction(), names.replayFunction(), names.workflowFunction()}) {
            moto.aws.lambda().createFunction(r -> r.functionName(function).runtime("java21").role(role)
                    .handler("io.quarkus.amazon.lambda.runtime.QuarkusStreamHandler::handleRequest")
                    .code(c -> c.zipFile(SdkBytes.fromByteArray(zip))));
        }
        String streamArn = moto.aws.dynamo().describeTable(r -> r.tableName(table)).table().latestStreamArn();
        moto.aws.lambda().createEventSourceMapping(r -> r.functionName(names.captureFunction()).eventSourceArn(streamArn)
                .startingPosition("TRIM_HORIZON").enabled(false));
        String queueUrl = moto.aws.sqs().getQueueUrl(r -> r.queueName(names.queue())).queueUrl();
        String queueArn = moto.aws.sqs().getQueueAttributes(r -> r.queueUrl(queueUrl).attributeNames(QueueAttributeName.QUEUE_ARN))
                .attributes().get(QueueAttributeName.QUEUE_ARN);
        moto.aws.lambda().createEventSourceMapping(r -> r.functionName(names.replayFunction()).eventSourceArn(queueArn)
                .batchSize(10).enabled(false));
        String machine = moto.aws.sfn().createStateMachine(r -> r.name(names.stateMachine()).roleArn(role)
                .definition("{\"StartAt\":\"Done\",\"States\":{\"Done\":{\"Type\":\"Succeed\"}}}")).stateMachineArn();
        moto.aws.events().putRule(r -> r.name(names.restoreRule())
                .eventPattern("{\"source\":[\"aws.dynamodb\"],\"detail\":{\"eventName\":[\"RestoreTableToPointInTime\"]}}"));
        moto.aws.events().putTargets(r -> r.rule(names.restoreRule()).targets(t -> t.id("restore-session").arn(machine).roleArn(role)));
        String bucket = "trail-" + names.prefix().toLowerCase();
        moto.raw("s3", "PUT", "/" + bucket, null);
        moto.aws.cloudTrail().createTrail(r -> r.name("management").s3BucketName(bucket).isMultiRegionTrail(true));
        moto.aws.cloudTrail().startLogging(r -> r.name("management"));
    }

    static AttributeValue s(String value) {
        return AttributeValue.fromS(value);
    }

    static AttributeValue n(long value) {
        return AttributeValue.fromN(Long.toString(value));
    }

    static byte[] emptyZip() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
            zip.putNextEntry(new ZipEntry("bootstrap"));
            zip.write("#!/bin/sh\n".getBytes(StandardCharsets.UTF_8));
            zip.closeEntry();
        }
        return bytes.toByteArray();
    }
}
