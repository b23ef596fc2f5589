package dev.restorecdc.lambda;

import dev.restorecdc.testing.ChangePathResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusIntegrationTest;
import io.quarkus.test.junit.TestProfile;

/**
 * The same tests against the native binary (CI's native job: `mvn verify -Pnative`); excluded from
 * JVM runs by the failsafe configuration.
 */
@QuarkusIntegrationTest
@TestProfile(CaptureProfile.class)
@WithTestResource(ChangePathResource.class)
class CaptureHandlerNativeIT extends CaptureHandlerTest {
}
