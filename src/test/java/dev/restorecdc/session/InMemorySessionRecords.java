package dev.restorecdc.session;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/** A fake of the {@link SessionRecords} port: one table's lock and session items as plain values in memory. */
final class InMemorySessionRecords implements SessionRecords {

    private final String sourceTable;
    private final Map<String, Map<String, Object>> items = new LinkedHashMap<>();
    private String lockHolder;
    private Instant lockExpiresAt;

    InMemorySessionRecords(String sourceTable) {
        this.sourceTable = sourceTable;
    }

    @Override
    public Registration register(NewSession s, Instant now, Instant expiresAt) {
        Optional<String> expiredOf = Optional.empty();
        if (lockHolder != null) {
            if (lockHolder.equals(s.sessionId()) || lockExpiresAt == null || !lockExpiresAt.isBefore(now)) {
                return new Registration(lockHolder.equals(s.sessionId()), Optional.of(lockHolder));
            }
            expiredOf = Optional.of(lockHolder);
        }
        lockHolder = s.sessionId();
        lockExpiresAt = expiresAt;
        Map<String, Object> item = key(s.sessionId());
        item.put(SessionRecord.STATUS, SessionStatus.REQUESTED.name());
        item.put(SessionRecord.TARGET_TABLE, s.targetTable());
        s.targetTableArn().ifPresent(arn -> item.put(SessionRecord.TARGET_TABLE_ARN, arn));
        item.put(SessionRecord.REQUESTED_AT, s.requestedAt());
        s.restorePoint().ifPresent(p -> item.put(SessionRecord.RESTORE_POINT, p));
        item.put(SessionRecord.CAPTURE_FLOOR, s.captureFloor());
        item.put(SessionRecord.CREATED_AT, now);
        items.put(s.sessionId(), item);
        return new Registration(true, Optional.empty(), expiredOf);
    }

    @Override
    public void recordRefused(NewSession s, String reason, Instant now) {
        Map<String, Object> item = key(s.sessionId());
        item.put(SessionRecord.STATUS, SessionStatus.FAILED.name());
        item.put(SessionRecord.REASON, reason);
        items.put(s.sessionId(), item);
    }

    @Override
    public Optional<Lock> lock() {
        return Optional.ofNullable(lockHolder).map(holder -> new Lock(holder, Optional.ofNullable(lockExpiresAt)));
    }

    @Override
    public boolean renewLock(String sessionId, Instant expiresAt) {
        if (!sessionId.equals(lockHolder)) {
            return false;
        }
        lockExpiresAt = expiresAt;
        return true;
    }

    /** Puts the lock as another writer (an older version, a test) left it. */
    void setLock(String sessionId, Instant expiresAt) {
        lockHolder = sessionId;
        lockExpiresAt = expiresAt;
    }

    @Override
    public Optional<SessionRecord> session(String sessionId) {
        return Optional.ofNullable(items.get(sessionId)).map(SessionRecord::fromValues);
    }

    @Override
    public void update(String sessionId, Map<String, Object> values, Instant now) {
        items.computeIfAbsent(sessionId, this::key).putAll(values);
        items.get(sessionId).put(SessionRecord.UPDATED_AT, now);
    }

    @Override
    public boolean releaseLock(String sessionId) {
        if (sessionId.equals(lockHolder)) {
            lockHolder = null;
            lockExpiresAt = null;
            return true;
        }
        return false;
    }

    @Override
    public Optional<Instant> previousCaptureEnd(String sessionId) {
        return items.entrySet().stream().filter(e -> !e.getKey().equals(sessionId))
                .map(e -> SessionRecord.fromValues(e.getValue()).captureNewestAt()).flatMap(Optional::stream)
                .max(Instant::compareTo);
    }

    private Map<String, Object> key(String sessionId) {
        Map<String, Object> item = new LinkedHashMap<>();
        item.put("pk", ControlTableKeys.tablePk(sourceTable));
        item.put("sk", ControlTableKeys.sessionSk(sessionId));
        return item;
    }
}
