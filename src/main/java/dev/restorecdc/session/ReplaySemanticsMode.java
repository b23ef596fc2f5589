package dev.restorecdc.session;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** The deployment's {@code replay_semantics}: let the restore's intent decide, or force one. */
public enum ReplaySemanticsMode {
    /** A latest-restorable copy replays whole images; a restore to an explicit point (undo) replays changes. */
    AUTO,
    /** Always whole images. */
    IMAGE,
    /** Always changes (falls back to images when the stream has no old images). */
    CHANGE;

    public String configValue() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static ReplaySemanticsMode parse(String value) {
        for (ReplaySemanticsMode mode : values()) {
            if (mode.configValue().equals(value)) {
                return mode;
            }
        }
        throw new IllegalArgumentException("replay_semantics must be one of "
                + Arrays.stream(values()).map(ReplaySemanticsMode::configValue).collect(Collectors.joining(", "))
                + ", got '" + value + "'");
    }
}
