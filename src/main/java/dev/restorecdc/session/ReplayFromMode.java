package dev.restorecdc.session;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** The deployment's {@code replay_from_mode}: let the restore kind decide, or force one rule. */
public enum ReplayFromMode {
    /** Latest-restorable copy → restore point; restore to an explicit point (undo) → request time. */
    AUTO,
    /** Always the time the restore was requested (CloudTrail {@code eventTime}). */
    RESTORE_REQUESTED,
    /** Always the restore point T (the target's {@code RestoreSummary.RestoreDateTime}). */
    RESTORE_POINT;

    public String configValue() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static ReplayFromMode parse(String value) {
        for (ReplayFromMode mode : values()) {
            if (mode.configValue().equals(value)) {
                return mode;
            }
        }
        throw new IllegalArgumentException("replay_from_mode must be one of "
                + Arrays.stream(values()).map(ReplayFromMode::configValue).collect(Collectors.joining(", "))
                + ", got '" + value + "'");
    }
}
