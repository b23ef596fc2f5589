package dev.restorecdc.testing;

import dev.restorecdc.local.Emulator;
import dev.restorecdc.local.DeploymentValues;
import dev.restorecdc.local.FaultProxy;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The emulator with what the change path needs (FIFO queue + DLQ, control table, restored table),
 * and the fault proxy between the functions and the emulator. Tests arrange and assert with
 * {@link #dynamo()} / {@link #sqs()}, which talk to the emulator directly.
 */
public class ChangePathResource implements QuarkusTestResourceLifecycleManager {

    public static final String SOURCE_TABLE = "source";
    public static final String CONTROL_TABLE = "rcdc-control";
    public static final String TARGET_TABLE = "source-restored";
    public static final String DEVICES_TARGET = "devices-restored";
    /** Short, so a failed message comes back quickly in tests. */
    public static final int VISIBILITY_SECONDS = 1;
    public static final int MAX_RECEIVE_COUNT = 3;

    private static Emulator emulator;
    private static FaultProxy proxy;
    private static DynamoDbClient dynamo;
    private static SqsClient sqs;
    private static String queueUrl;
    private static String dlqUrl;

    @Override
    public Map<String, String> start() {
        emulator = Emulator.start();
        proxy = FaultProxy.start(emulator.endpoint());
        dynamo = emulator.dynamo();
        sqs = emulator.sqs();
        // Sized as the deployment declares them (config/deployment-defaults.json), on the strict emulator.
        String maxMessageSize = String.valueOf(DeploymentValues.defaults().integer("queue.max_message_size"));
        dlqUrl = sqs.createQueue(b -> b.queueName("changes-dlq.fifo").attributes(Map.of(
                QueueAttributeName.FIFO_QUEUE, "true",
                QueueAttributeName.MAXIMUM_MESSAGE_SIZE, maxMessageSize))).queueUrl();
        String dlqArn = sqs.getQueueAttributes(b -> b.queueUrl(dlqUrl).attributeNames(QueueAttributeName.QUEUE_ARN))
                .attributes().get(QueueAttributeName.QUEUE_ARN);
        queueUrl = sqs.createQueue(b -> b.queueName("changes.fifo").attributes(Map.of(
                QueueAttributeName.FIFO_QUEUE, "true",
                QueueAttributeName.CONTENT_BASED_DEDUPLICATION, "false",
                QueueAttributeName.VISIBILITY_TIMEOUT, Integer.toString(VISIBILITY_SECONDS),
                QueueAttributeName.MAXIMUM_MESSAGE_SIZE, maxMessageSize,
                QueueAttributeName.DEDUPLICATION_SCOPE, "messageGroup",
                QueueAttributeName.FIFO_THROUGHPUT_LIMIT, "perMessageGroupId",
                QueueAttributeName.REDRIVE_POLICY,
                "{\"deadLetterTargetArn\":\"" + dlqArn + "\",\"maxReceiveCount\":\"" + MAX_RECEIVE_COUNT + "\"}"))).queueUrl();
        createTable(CONTROL_TABLE, List.of("pk", "sk"), ScalarAttributeType.S, ScalarAttributeType.S);
        createTable(TARGET_TABLE, List.of("pk"), ScalarAttributeType.S);
        createTable(DEVICES_TARGET, List.of("id", "version"), ScalarAttributeType.B, ScalarAttributeType.N);

        // The functions reach the emulator through the fault proxy.
        Map<String, String> config = new HashMap<>(EmulatorResource.config(proxy.endpoint()));
        config.put("cdc.source-table", SOURCE_TABLE);
        config.put("cdc.session-table", CONTROL_TABLE);
        config.put("cdc.queue-url", queueUrl);
        config.put("cdc.dlq-url", dlqUrl);
        config.put("cdc.retry-budget-without-deadline", "PT2S");
        return config;
    }

    @Override
    public void stop() {
        if (proxy != null) {
            proxy.close();
        }
        if (emulator != null) {
            emulator.close();
        }
    }

    public static DynamoDbClient dynamo() {
        return dynamo;
    }

    public static SqsClient sqs() {
        return sqs;
    }

    public static FaultProxy proxy() {
        return proxy;
    }

    public static String queueUrl() {
        return queueUrl;
    }

    public static String dlqUrl() {
        return dlqUrl;
    }

    /** Empties queues and tables and removes every fault, so each test starts clean. */
    public static void reset() {
        proxy.reset();
        sqs.purgeQueue(b -> b.queueUrl(queueUrl));
        sqs.purgeQueue(b -> b.queueUrl(dlqUrl));
        for (String table : List.of(CONTROL_TABLE, TARGET_TABLE, DEVICES_TARGET)) {
            List<String> keyNames = dynamo.describeTable(b -> b.tableName(table)).table().keySchema().stream()
                    .map(KeySchemaElement::attributeName).toList();
            for (Map<String, AttributeValue> item : dynamo.scanPaginator(b -> b.tableName(table)).items()) {
                Map<String, AttributeValue> key = new java.util.HashMap<>();
                keyNames.forEach(name -> key.put(name, item.get(name)));
                dynamo.deleteItem(b -> b.tableName(table).key(key));
            }
        }
    }

    private static void createTable(String name, List<String> keys, ScalarAttributeType... types) {
        dynamo.createTable(b -> b.tableName(name).billingMode(BillingMode.PAY_PER_REQUEST)
                .attributeDefinitions(java.util.stream.IntStream.range(0, keys.size())
                        .mapToObj(i -> AttributeDefinition.builder().attributeName(keys.get(i)).attributeType(types[i]).build())
                        .toList())
                .keySchema(java.util.stream.IntStream.range(0, keys.size())
                        .mapToObj(i -> KeySchemaElement.builder().attributeName(keys.get(i))
                                .keyType(i == 0 ? KeyType.HASH : KeyType.RANGE).build())
                        .toList()));
    }
}
