package dev.restorecdc.lambda;

import io.quarkus.test.junit.QuarkusTestProfile;

import java.util.Map;

/** Starts the artefact with the workflow handler, as QUARKUS_LAMBDA_HANDLER=workflow does in Lambda. */
public class WorkflowProfile implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of("quarkus.lambda.handler", "workflow");
    }
}
