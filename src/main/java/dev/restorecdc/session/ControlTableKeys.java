package dev.restorecdc.session;

/**
 * The control table's single-table layout (docs/design.md, Contracts), in one place:
 * <ul>
 *   <li>{@code TABLE#<source>} / {@code ACTIVE}: the lock, naming the active session;</li>
 *   <li>{@code TABLE#<source>} / {@code SESSION#<id>}: a session;</li>
 *   <li>{@code SESSION#<id>#<n>} / {@code KEY#<group id>}: the key log of a session, spread over
 *       {@link #KEY_LOG_PARTITIONS} partitions by the group id's hash (n = 0..N-1), so replay's writes
 *       scale past one partition's 1,000 writes per second; {@code verify} reads all of them.
 *       Sessions logged before the spread used {@code SESSION#<id>} alone ({@link #legacyKeyLogPk}).</li>
 *   <li>{@code SESSION#<id>#CONFLICTS} / {@code KEY#<group id>}: the conflicts change replay found,
 *       one per key ({@link #conflictPk}); few, so one partition.</li>
 *   <li>{@code SESSION#<id>#SHARDS} / {@code SHARD#<shard id>}: capture's progress in one stream shard
 *       (the cutover's proof reads them all);</li>
 *   <li>{@code SESSION#<id>#LATE} / {@code LATE#<sequence number, 40 digits>}: a change that reached
 *       the source after the cutover, recorded instead of queued.</li>
 * </ul>
 */
public final class ControlTableKeys {

    public static final String TABLE_PREFIX = "TABLE#";
    public static final String SESSION_PREFIX = "SESSION#";
    public static final String KEY_PREFIX = "KEY#";
    public static final String ACTIVE = "ACTIVE";
    /** The lock item's attribute naming the session that holds it. */
    public static final String LOCK_SESSION_ID = "session_id";
    /**
     * The lock item's expiry (ISO-8601, {@code SessionLock}): past it, the session cannot be running any
     * more, so the next registration takes the lock over and {@code doctor} flags it.
     */
    public static final String LOCK_EXPIRES_AT = "lock_expires_at";
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

    /** How many partitions one session's key log is spread over. Changing it orphans logs of running sessions. */
    public static final int KEY_LOG_PARTITIONS = 32;

    /** Partition of one key's log entry: {@code SESSION#<id>#<n>}, n from the group id (hex SHA-256). */
    public static String keyLogPk(String sessionId, String groupId) {
        return keyLogPartition(sessionId, Math.floorMod(groupId.hashCode(), KEY_LOG_PARTITIONS));
    }

    /** The n-th partition of a session's key log (0 ≤ n < {@link #KEY_LOG_PARTITIONS}). */
    public static String keyLogPartition(String sessionId, int partition) {
        return SESSION_PREFIX + sessionId + "#" + partition;
    }

    /** The single partition of a key log written before it was spread; read too, so older sessions verify. */
    public static String legacyKeyLogPk(String sessionId) {
        return SESSION_PREFIX + sessionId;
    }

    /** Partition of a session's conflicts (sort key {@link #keyLogSk}, one item per key). */
    public static String conflictPk(String sessionId) {
        return SESSION_PREFIX + sessionId + "#CONFLICTS";
    }

    /** Partition of a session's per-shard capture progress. */
    public static String shardProgressPk(String sessionId) {
        return SESSION_PREFIX + sessionId + "#SHARDS";
    }

    public static String shardProgressSk(String shardId) {
        return "SHARD#" + shardId;
    }

    /** Partition of a session's late writes (changes after the cutover). */
    public static String lateWritePk(String sessionId) {
        return SESSION_PREFIX + sessionId + "#LATE";
    }

    /** Sorts by sequence number (40 digits): one key's late writes come in stream order. */
    public static String lateWriteSk(String sortableSequence) {
        return "LATE#" + sortableSequence;
    }

    /** Sort key of one key log entry. */
    public static String keyLogSk(String groupId) {
        return KEY_PREFIX + groupId;
    }
}
