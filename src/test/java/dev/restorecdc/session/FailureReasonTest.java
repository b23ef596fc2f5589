package dev.restorecdc.session;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.io.IOException;

import static org.assertj.core.api.Assertions.assertThat;

class FailureReasonTest {

    final ObjectMapper json = new ObjectMapper();

    @Test
    void lambdaErrorDocumentGivesItsMessage() throws IOException {
        String cause = "{\"errorMessage\":\"target table x is outside target_table_pattern 'orders*'\",\"errorType\":\"dev.restorecdc.session.SessionRefusedException\"}";

        String reason = FailureReason.of(json.createObjectNode().put("Error", "SessionRefusedException").put("Cause", cause));

        assertThat(reason).isEqualTo("SessionRefusedException: target table x is outside target_table_pattern 'orders*'");
    }

    @Test
    void plainCauseIsKept() throws IOException {
        assertThat(FailureReason.of(json.createObjectNode().put("Error", "RestoreFailed").put("Cause", "restored table t is DELETING")))
                .isEqualTo("RestoreFailed: restored table t is DELETING");
    }

    @Test
    void errorWithoutCauseOrNoErrorAtAllStillGivesAReason() {
        assertThat(FailureReason.of(json.createObjectNode().put("Error", "States.Timeout"))).isEqualTo("States.Timeout");
        assertThat(FailureReason.of(null)).isEqualTo("failed (no error details)");
    }
}
