package dev.restorecdc.lambda;

import io.quarkus.test.junit.QuarkusTestProfile;

import java.util.Map;

/** Starts the artefact with the capture handler, as QUARKUS_LAMBDA_HANDLER=capture does in Lambda. */
public class CaptureProfile implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
        // Tests change the session between invocations of one environment: read it, and write the
        // counters, every invocation (production reuses a read for seconds and writes counters once a second).
        return Map.of("quarkus.lambda.handler", "capture", "cdc.session-reuse", "PT0S", "cdc.unsettled-session-reuse", "PT0S",
                "cdc.counters-interval", "PT0S");
    }
}
