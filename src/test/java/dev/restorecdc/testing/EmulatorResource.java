package dev.restorecdc.testing;

import dev.restorecdc.local.Emulator;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import java.net.URI;
import java.util.HashMap;
import java.util.Map;

/**
 * One {@link Emulator} for a Quarkus test, with the application's DynamoDB and SQS clients
 * pointed at it: {@code @WithTestResource(EmulatorResource.class)}. The test can take the running
 * emulator as a field ({@code Emulator emulator;} is injected) or read {@code emulator.endpoint}.
 */
public class EmulatorResource implements QuarkusTestResourceLifecycleManager {

    private Emulator emulator;

    @Override
    public Map<String, String> start() {
        emulator = Emulator.start();
        return config(emulator.endpoint());
    }

    /** The overrides that point the application's clients at {@code endpoint} (an emulator or a proxy before it). */
    public static Map<String, String> config(URI endpoint) {
        Map<String, String> config = new HashMap<>();
        for (String service : new String[] {"dynamodb", "sqs"}) {
            String prefix = "quarkus." + service + ".";
            config.put(prefix + "endpoint-override", endpoint.toString());
            config.put(prefix + "aws.region", Emulator.REGION);
            config.put(prefix + "aws.credentials.type", "static");
            config.put(prefix + "aws.credentials.static-provider.access-key-id", Emulator.ACCESS_KEY);
            config.put(prefix + "aws.credentials.static-provider.secret-access-key", Emulator.SECRET_KEY);
        }
        config.put("emulator.endpoint", endpoint.toString());
        return config;
    }

    @Override
    public void inject(TestInjector injector) {
        injector.injectIntoFields(emulator, new TestInjector.MatchesType(Emulator.class));
    }

    @Override
    public void stop() {
        if (emulator != null) {
            emulator.close();
        }
    }
}
