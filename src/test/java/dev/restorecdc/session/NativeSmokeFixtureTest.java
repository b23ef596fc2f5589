package dev.restorecdc.session;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * CI's smoke test of dist/function-native.zip on the provided:al2023 image (.github/workflows/ci.yml)
 * posts this fixture to the workflow handler and expects exactly this answer: it needs no AWS call,
 * so it proves the binary starts there, reads the event, runs the handler and answers.
 */
class NativeSmokeFixtureTest {

    static final Path FIXTURE = Path.of("src/test/resources/events/native-smoke-workflow.json");

    @Test
    void theWorkflowHandlerRefusesTheFixturesActionBeforeAnyAwsCall() throws IOException {
        Map<String, Object> event = new ObjectMapper().readValue(Files.readString(FIXTURE), new TypeReference<>() { });
        SessionSteps steps = new SessionSteps(new ObjectMapper(), List.of(new RegisterStep(null, null, Clock.systemUTC())));

        assertThatThrownBy(() -> steps.run(event))
                .isExactlyInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("action must be one of");
    }
}
