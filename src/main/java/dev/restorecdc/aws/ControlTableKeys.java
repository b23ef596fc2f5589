package dev.restorecdc.aws;

/**
 * The control table's single-table layout (docs/design.md, Contracts), in one place:
 * <ul>
 *   <li>{@code TABLE#<source>} / {@code ACTIVE}: the lock, naming the active session;</li>
 *   <li>{@code TABLE#<source>} / {@code SESSION#<id>}: a session;</li>
 *   <li>{@code SESSION#<id>} / {@code KEY#<group id>}: the key log of a session.</li>
 * </ul>
 */
public final class ControlTableKeys {

    public static final String TABLE_PREFIX = "TABLE#";
    public static final String SESSION_PREFIX = "SESSION#";
    public static final String KEY_PREFIX = "KEY#";
    public static final String ACTIVE = "ACTIVE";

    private ControlTableKeys() {
    }

    /** Partition of a source table's lock and sessions. */
    public static String tablePk(String sourceTable) {
        return TABLE_PREFIX + sourceTable;
    }

    /** Sort key of a session under its table. */
    public static String sessionSk(String sessionId) {
        return SESSION_PREFIX + sessionId;
    }

    /** Partition of a session's key log. */
    public static String keyLogPk(String sessionId) {
        return SESSION_PREFIX + sessionId;
    }

    /** Sort key of one key log entry. */
    public static String keyLogSk(String groupId) {
        return KEY_PREFIX + groupId;
    }
}
