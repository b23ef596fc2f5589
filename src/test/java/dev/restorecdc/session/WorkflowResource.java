package dev.restorecdc.session;

import dev.restorecdc.local.Emulator;
import dev.restorecdc.testing.EmulatorResource;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import java.util.Map;

/**
 * The emulator with a session world for {@code @QuarkusTest}s of the workflow handler. The
 * Quarkus-made clients (DynamoDB, SQS) get the endpoint by configuration ({@link EmulatorResource#config});
 * the workflow's own clients (Lambda, Application Auto Scaling) read the SDK's standard settings,
 * here as system properties (in Lambda, {@code AWS_ENDPOINT_URL} and friends).
 */
public class WorkflowResource implements QuarkusTestResourceLifecycleManager {

    private static Emulator emulator;
    private static SessionWorld world;

    @Override
    public Map<String, String> start() {
        emulator = Emulator.start();
        world = new SessionWorld(emulator);
        System.setProperty("aws.endpointUrl", emulator.endpoint().toString());
        System.setProperty("aws.region", Emulator.REGION);
        System.setProperty("aws.accessKeyId", Emulator.ACCESS_KEY);
        System.setProperty("aws.secretAccessKey", Emulator.SECRET_KEY);
        return EmulatorResource.config(emulator.endpoint());
    }

    @Override
    public void stop() {
        for (String property : new String[] {"aws.endpointUrl", "aws.region", "aws.accessKeyId", "aws.secretAccessKey"}) {
            System.clearProperty(property);
        }
        if (emulator != null) {
            emulator.close();
        }
    }

    public static SessionWorld world() {
        return world;
    }
}
