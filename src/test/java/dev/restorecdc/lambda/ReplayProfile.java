package dev.restorecdc.lambda;

import io.quarkus.test.junit.QuarkusTestProfile;

import java.util.Map;

/** Starts the artefact with the replay handler, as QUARKUS_LAMBDA_HANDLER=replay does in Lambda. */
public class ReplayProfile implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of("quarkus.lambda.handler", "replay");
    }
}
