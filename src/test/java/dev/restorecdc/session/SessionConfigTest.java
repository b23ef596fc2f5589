package dev.restorecdc.session;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SessionConfigTest {

    static final ObjectMapper JSON = new ObjectMapper();

    static ObjectNode configJson() {
        try {
            return (ObjectNode) JSON.readTree(Files.readString(Path.of("src/test/resources/session/config.json")));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void readsEveryKeyOfTheContract() {
        SessionConfig config = SessionConfig.from(configJson());

        assertThat(config.sourceTableName()).isEqualTo("orders");
        assertThat(config.replayFromMode()).isEqualTo(ReplayFromMode.AUTO);
        assertThat(config.targetTablePattern().matches("orders-restored-x")).isTrue();
        assertThat(config.targetTablePattern().matches("orders-x")).isFalse();
        assertThat(config.copySettings()).isEqualTo(CopySettings.all());
        assertThat(config.restorePoll()).isEqualTo(Duration.ofSeconds(1));
        assertThat(config.caughtUpBacklog()).isEqualTo(10);
        assertThat(config.maxSession()).isEqualTo(Duration.ofSeconds(60));
    }

    @Test
    void missingKeyIsNamed() {
        ObjectNode json = configJson();
        json.remove("queue_url");

        assertThatThrownBy(() -> SessionConfig.from(json)).hasMessage("config.queue_url must be a non-empty string, got null");
    }

    @Test
    void badModeNamesTheAllowedValues() {
        ObjectNode json = configJson().put("replay_from_mode", "latest");

        assertThatThrownBy(() -> SessionConfig.from(json))
                .hasMessage("replay_from_mode must be one of auto, restore_requested, restore_point, got 'latest'");
    }

    @Test
    void nonBooleanCopySettingIsNamed() {
        ObjectNode json = configJson();
        ((ObjectNode) json.get("copy_settings")).put("pitr", "yes");

        assertThatThrownBy(() -> SessionConfig.from(json)).hasMessageContaining("config.copy_settings.pitr");
    }

    @Test
    void zeroPollIntervalIsRefused() {
        ObjectNode json = configJson().put("caught_up_poll_seconds", 0);

        assertThatThrownBy(() -> SessionConfig.from(json)).hasMessage("config.caught_up_poll_seconds must be positive, got 0");
    }

    @Test
    void historyBudgetLeavesTheCaughtUpLoopWhatTheRestoreLoopDoesNotUse() {
        ObjectNode json = configJson().put("restore_timeout_seconds", 86400).put("restore_poll_seconds", 60);

        int checks = new HistoryBudget(SessionConfig.from(json)).caughtUpChecks();

        // 1441 restore polls and 200 drain checks at 9 events each, 200 fixed events, out of 25,000.
        assertThat(checks).isEqualTo((25_000 - 200 - 9 * (1441 + 200)) / 9);
    }

    @Test
    void restorePollingThatWouldFillTheHistoryIsAConfigurationError() {
        ObjectNode json = configJson().put("restore_timeout_seconds", 86400).put("restore_poll_seconds", 3);

        assertThatThrownBy(() -> new HistoryBudget(SessionConfig.from(json)))
                .hasMessageContaining("restore_poll_seconds 3");
    }
}
