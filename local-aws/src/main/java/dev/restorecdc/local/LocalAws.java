package dev.restorecdc.local;

import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.StreamViewType;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The whole local AWS (what {@code bin/local-aws up} runs, and what tests and the demo start in
 * process): the emulator (its Lambda Invoke forwarded to the local Lambda service; its EventBridge
 * rules start Step Functions executions; its RestoreTableToPointInTime restores the requested
 * point and reports the call as CloudTrail does), the Lambda service running bin/lambda-runtime
 * processes, and event source mapping emulation. Close it to stop every process.
 *
 * <pre>{@code
 * try (LocalAws aws = LocalAws.start()) {
 *     aws.createSourceTable("orders");
 *     Deployment d = aws.deploy("orders", DeploymentValues.defaults().with("queue.visibility_timeout_seconds", 2));
 *     aws.clients().lambda().updateEventSourceMapping(r -> r.uuid(d.captureMappingUuid()).enabled(true));
 * }
 * }</pre>
 */
public final class LocalAws implements AutoCloseable {

    private final Emulator emulator;
    private final LocalClients clients;
    private final LambdaService lambdas;
    private volatile EventSourceMappings mappings;
    private volatile LocalClients mappingClients;

    private LocalAws(Emulator emulator, LocalClients clients, LambdaService lambdas, EventSourceMappings mappings) {
        this.emulator = emulator;
        this.clients = clients;
        this.lambdas = lambdas;
        this.mappings = mappings;
    }

    /** On a free loopback port. */
    public static LocalAws start() {
        return start(LambdaService.start(), 0);
    }

    /** On the given loopback port (0: a free one). */
    public static LocalAws start(int port) {
        return start(LambdaService.start(), port);
    }

    /** With another runtime command than bin/lambda-runtime (the Lambda service's own tests use a fake runtime). */
    public static LocalAws start(List<String> runtimeCommand) {
        return start(LambdaService.start(runtimeCommand), 0);
    }

    private static LocalAws start(LambdaService lambdas, int port) {
        Emulator emulator = null;
        try {
            // The launcher forwards Lambda Invoke (Step Functions tasks too) to the local Lambda service.
            emulator = Emulator.start(Map.of("RCDC_LAMBDA_INVOKE_URL", lambdas.invokeUrl()), port);
            LocalClients clients = new LocalClients(emulator.endpoint());
            lambdas.attach(clients);
            return new LocalAws(emulator, clients, lambdas, EventSourceMappings.start(clients, lambdas));
        } catch (RuntimeException e) {
            lambdas.close();
            if (emulator != null) {
                emulator.close();
            }
            throw e;
        }
    }

    public LocalClients clients() {
        return clients;
    }

    public Emulator emulator() {
        return emulator;
    }

    public LambdaService lambdas() {
        return lambdas;
    }

    /** The stream mapping emulation (tests hold a shard with it to play a lagging one). */
    public EventSourceMappings mappings() {
        return mappings;
    }

    /**
     * From now on the event source mapping emulation makes its AWS calls (GetEventSourceMapping,
     * DescribeStream, GetRecords, ReceiveMessage, DeleteMessageBatch, ...) through {@code endpoint},
     * e.g. a {@link FaultProxy} with latency, as the functions do when their AWS_ENDPOINT_URL points
     * there. Restarts the emulation: call it before enabling any mapping (positions are not kept).
     */
    public void routeMappingsThrough(java.net.URI endpoint) {
        mappings.close();
        if (mappingClients != null) {
            mappingClients.close();
        }
        mappingClients = new LocalClients(endpoint);
        mappings = EventSourceMappings.start(mappingClients, lambdas);
    }

    /** Creates what Terraform creates for this source table (safe to repeat). */
    public Deployment deploy(String sourceTableName, DeploymentValues values) {
        return LocalDeployment.deploy(clients, sourceTableName, values);
    }

    /**
     * The newest execution of the deployment's state machine started after {@code since} (by its
     * rule, on a restore), waiting up to {@code timeout}; null if none started.
     */
    public String awaitExecution(Deployment deployment, java.time.Instant since, java.time.Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            var started = clients.sfn().listExecutions(r -> r.stateMachineArn(deployment.stateMachineArn())).executions().stream()
                    .filter(e -> !e.startDate().isBefore(since.truncatedTo(java.time.temporal.ChronoUnit.SECONDS)))
                    .max(java.util.Comparator.comparing(e -> e.startDate()));
            if (started.isPresent()) {
                return started.get().executionArn();
            }
            if (!MappingWorker.sleep(MappingWorker.IDLE_POLL)) {
                return null;
            }
        }
        return null;
    }

    /** A source table as the project expects one: string key(s), stream with NEW_AND_OLD_IMAGES, PITR on (its restorable window starts now). */
    public void createSourceTable(String name, String hashKey, String... rangeKey) {
        createSourceTable(clients, name, hashKey, rangeKey);
    }

    /** {@link #createSourceTable(String, String, String...)} through any client of the local AWS. */
    public static void createSourceTable(LocalClients clients, String name, String hashKey, String... rangeKey) {
        List<AttributeDefinition> attributes = new ArrayList<>();
        List<KeySchemaElement> keys = new ArrayList<>();
        attributes.add(AttributeDefinition.builder().attributeName(hashKey).attributeType(ScalarAttributeType.S).build());
        keys.add(KeySchemaElement.builder().attributeName(hashKey).keyType(KeyType.HASH).build());
        for (String range : rangeKey) {
            attributes.add(AttributeDefinition.builder().attributeName(range).attributeType(ScalarAttributeType.S).build());
            keys.add(KeySchemaElement.builder().attributeName(range).keyType(KeyType.RANGE).build());
        }
        clients.dynamo().createTable(r -> r.tableName(name).billingMode(BillingMode.PAY_PER_REQUEST)
                .attributeDefinitions(attributes).keySchema(keys)
                .streamSpecification(s -> s.streamEnabled(true).streamViewType(StreamViewType.NEW_AND_OLD_IMAGES)));
        clients.dynamo().updateContinuousBackups(r -> r.tableName(name)
                .pointInTimeRecoverySpecification(p -> p.pointInTimeRecoveryEnabled(true)));
    }

    @Override
    public void close() {
        // Stop the pollers first so nothing invokes a function that is going away.
        mappings.close();
        lambdas.close();
        if (mappingClients != null) {
            mappingClients.close();
        }
        clients.close();
        emulator.close();
    }
}
