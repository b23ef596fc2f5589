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
 * The whole local AWS for tests and the demo: the emulator (its Lambda Invoke forwarded to the
 * local Lambda service), the Lambda service running bin/lambda-runtime processes, event source
 * mapping emulation, and per deployment the restore-event hop. Close it to stop every process.
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
    private final EventSourceMappings mappings;
    private final Map<String, RestoreEventHop> hops = new java.util.concurrent.ConcurrentHashMap<>();

    private LocalAws(Emulator emulator, LocalClients clients, LambdaService lambdas, EventSourceMappings mappings) {
        this.emulator = emulator;
        this.clients = clients;
        this.lambdas = lambdas;
        this.mappings = mappings;
    }

    public static LocalAws start() {
        return start(LambdaService.start());
    }

    /** With another runtime command than bin/lambda-runtime (the Lambda service's own tests use a fake runtime). */
    public static LocalAws start(List<String> runtimeCommand) {
        return start(LambdaService.start(runtimeCommand));
    }

    private static LocalAws start(LambdaService lambdas) {
        Emulator emulator = null;
        try {
            // The launcher forwards Lambda Invoke (Step Functions tasks too) to the local Lambda service.
            emulator = Emulator.start(Map.of("RCDC_LAMBDA_INVOKE_URL", lambdas.invokeUrl()));
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

    /** Creates what Terraform creates for this source table, and the hop that starts its state machine. */
    public Deployment deploy(String sourceTableName, DeploymentValues values) {
        Deployment deployment = LocalDeployment.deploy(clients, sourceTableName, values);
        hops.put(deployment.namePrefix(), RestoreEventHop.start(clients, deployment));
        return deployment;
    }

    public RestoreEventHop restoreEvents(Deployment deployment) {
        return hops.get(deployment.namePrefix());
    }

    /** A source table as the project expects one: string key(s), stream with NEW_AND_OLD_IMAGES, PITR on. */
    public void createSourceTable(String name, String hashKey, String... rangeKey) {
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
        hops.values().forEach(RestoreEventHop::close);
        lambdas.close();
        clients.close();
        emulator.close();
    }
}
