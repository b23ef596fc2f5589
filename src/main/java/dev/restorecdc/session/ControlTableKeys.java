package dev.restorecdc.session;

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
    /** The lock item's attribute naming the session that holds it. */
    public static final String LOCK_SESSION_ID = "session_id";
    /** Partition and sort key attribute names. */
    public static final String PK = "pk";
    public static final String SK = "sk";

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

    /**
     * A session item's key as DynamoDB JSON ({@code {"pk": {"S": ...}, "sk": {"S": ...}}}), as the
     * state machine's DynamoDB tasks take it.
     */
    public static java.util.Map<String, Object> sessionKeyJson(String sourceTable, String sessionId) {
        return java.util.Map.of(PK, java.util.Map.of("S", tablePk(sourceTable)), SK, java.util.Map.of("S", sessionSk(sessionId)));
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
