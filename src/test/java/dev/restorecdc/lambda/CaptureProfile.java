package dev.restorecdc.lambda;

import io.quarkus.test.junit.QuarkusTestProfile;

import java.util.Map;

/** Starts the artefact with the capture handler, as QUARKUS_LAMBDA_HANDLER=capture does in Lambda. */
public class CaptureProfile implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of("quarkus.lambda.handler", "capture");
    }
}
