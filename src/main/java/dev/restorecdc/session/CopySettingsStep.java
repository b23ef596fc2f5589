package dev.restorecdc.session;

import com.fasterxml.jackson.annotation.JsonProperty;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.time.Clock;
import java.util.Map;

/**
 * Step 4: re-apply to the restored table what the restore did not carry over, as configured
 * ({@code copy_settings}), and keep what happened per setting in {@code settings_applied}.
 */
@ApplicationScoped
public class CopySettingsStep implements SessionStep<CopySettingsStep.Input, CopySettingsStep.Output> {

    public record Input(SessionConfig config, @JsonProperty("session_id") String sessionId) {
        public Input {
            StepInputs.requireConfig(config);
            StepInputs.requireText("session_id", sessionId);
        }
    }

    /** @param settingsApplied setting name → what happened ("copied (…)", "already set", ...) */
    public record Output(@JsonProperty("settings_applied") Map<String, String> settingsApplied) {
    }

    private final SessionRecords.Opener records;
    private final SettingsCopier copier;
    private final Clock clock;

    @Inject
    public CopySettingsStep(SessionRecords.Opener records, SettingsCopier copier, Clock clock) {
        this.records = records;
        this.copier = copier;
        this.clock = clock;
    }

    @Override
    public String action() {
        return "copySettings";
    }

    @Override
    public Class<Input> inputType() {
        return Input.class;
    }

    @Override
    public Output run(Input in) {
        SessionConfig config = in.config();
        SessionRecords store = records.open(config.controlTableName(), config.sourceTableName());
        String target = store.session(in.sessionId()).orElseThrow(() -> SettleReplayFromStep.noRecord(in.sessionId()))
                .replayTarget().orElseThrow(() -> new IllegalStateException(
                        "session " + in.sessionId() + " has no " + SessionRecord.TARGET_TABLE));
        Map<String, String> applied = copier.copy(config.sourceTableName(), target, config.copySettings());
        store.update(in.sessionId(), Map.of(SessionRecord.SETTINGS_APPLIED, applied), clock.instant());
        return new Output(applied);
    }
}
