package dev.restorecdc.session;

import dev.restorecdc.moto.MotoServer;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import java.util.Map;

/**
 * moto with a session world for {@code @QuarkusTest}s of the workflow handler. The Quarkus-made
 * clients (DynamoDB, SQS) get the endpoint by configuration; the workflow's own clients (Lambda,
 * Application Auto Scaling) read the SDK's standard settings, here as system properties (in Lambda,
 * {@code AWS_ENDPOINT_URL} and friends).
 */
public class WorkflowResource implements QuarkusTestResourceLifecycleManager {

    private static MotoServer moto;
    private static SessionWorld world;

    @Override
    public Map<String, String> start() {
        moto = MotoServer.start();
        world = new SessionWorld(moto);
        String endpoint = moto.endpoint().toString();
        System.setProperty("aws.endpointUrl", endpoint);
        System.setProperty("aws.region", MotoServer.REGION.id());
        System.setProperty("aws.accessKeyId", "test");
        System.setProperty("aws.secretAccessKey", "test");
        return Map.ofEntries(
                Map.entry("quarkus.dynamodb.endpoint-override", endpoint),
                Map.entry("quarkus.sqs.endpoint-override", endpoint),
                Map.entry("quarkus.dynamodb.aws.region", MotoServer.REGION.id()),
                Map.entry("quarkus.sqs.aws.region", MotoServer.REGION.id()),
                Map.entry("quarkus.dynamodb.aws.credentials.type", "static"),
                Map.entry("quarkus.dynamodb.aws.credentials.static-provider.access-key-id", "test"),
                Map.entry("quarkus.dynamodb.aws.credentials.static-provider.secret-access-key", "test"),
                Map.entry("quarkus.sqs.aws.credentials.type", "static"),
                Map.entry("quarkus.sqs.aws.credentials.static-provider.access-key-id", "test"),
                Map.entry("quarkus.sqs.aws.credentials.static-provider.secret-access-key", "test"));
    }

    @Override
    public void stop() {
        for (String property : new String[] {"aws.endpointUrl", "aws.region", "aws.accessKeyId", "aws.secretAccessKey"}) {
            System.clearProperty(property);
        }
        if (moto != null) {
            moto.close();
        }
    }

    public static SessionWorld world() {
        return world;
    }
}
