package dev.restorecdc.cdc;

import dev.restorecdc.cdc.SessionLedger.KeyLogEntry;
import dev.restorecdc.cdc.SessionLedger.ReplayTally;
import org.jboss.logging.Logger;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Queue batch in, restored table out. FIFO rule: when a message fails, it and every later message of
 * its group in the batch are reported failed (they come back in order); other groups go on.
 */
public final class ReplayService {

    private static final Logger LOG = Logger.getLogger(ReplayService.class);
    /** One JSON object per invocation, on its own log category so it is printed as a bare JSON line. */
    private static final Logger SUMMARY = Logger.getLogger(InvocationSummary.CATEGORY);

    private final ChangeCodec codec;
    private final TargetWriter writer;
    private final SessionLedger ledger;
    private final Optional<String> staticTarget;
    private final Optional<Instant> staticWindowStart;

    /**
     * @param staticTarget      {@code CDC_TARGET_TABLE}: replay there instead of the session's target
     * @param staticWindowStart {@code CDC_REPLAY_FROM}: the window start instead of the session's replay_from
     */
    public ReplayService(ChangeCodec codec, TargetWriter writer, SessionLedger ledger,
                         Optional<String> staticTarget, Optional<Instant> staticWindowStart) {
        this.codec = codec;
        this.writer = writer;
        this.ledger = ledger;
        this.staticTarget = staticTarget;
        this.staticWindowStart = staticWindowStart;
    }

    /** @return the ids of the messages to report failed */
    public List<String> replay(List<IncomingChange> messages, Deadline deadline) {
        Optional<ActiveSession> session = staticTarget.isPresent() && staticWindowStart.isPresent()
                ? Optional.empty() : ledger.active();
        Optional<String> target = staticTarget.or(() -> session.flatMap(ActiveSession::targetTable));
        if (target.isEmpty()) {
            LOG.errorf("replay: no target table (CDC_TARGET_TABLE unset and no active session with a target for %s); "
                    + "all %d messages reported failed and left in the queue", session.map(ActiveSession::sessionId)
                    .map(id -> "session " + id).orElse("the source table"), messages.size());
            return messages.stream().map(IncomingChange::messageId).toList();
        }
        ReplayWindow window = ReplayWindow.from(staticWindowStart
                .or(() -> session.flatMap(ActiveSession::replayFrom)).orElse(null));

        // Read every message; a group stops at its first unreadable message.
        Set<String> failedGroups = new HashSet<>();
        Set<String> failed = new LinkedHashSet<>();
        Map<ItemKey, List<String>> messagesByKey = new HashMap<>();
        Map<String, List<String>> messagesByGroup = new HashMap<>();
        ChangeCoalescer coalescer = new ChangeCoalescer();
        int skipped = 0;
        for (IncomingChange message : messages) {
            String group = message.groupId() == null ? message.messageId() : message.groupId();
            messagesByGroup.computeIfAbsent(group, g -> new ArrayList<>()).add(message.messageId());
            if (failedGroups.contains(group)) {
                failed.add(message.messageId());
                continue;
            }
            ChangeEvent change;
            try {
                change = codec.decode(message.body());
            } catch (MalformedChangeException e) {
                LOG.errorf("replay: message %s (group %s) cannot be replayed and goes to the DLQ after its "
                        + "last receive; later messages of its group wait: %s", message.messageId(), group, e.getMessage());
                failedGroups.add(group);
                failed.add(message.messageId());
                continue;
            }
            if (!window.admits(change.createdAt())) {
                skipped++;
                continue;
            }
            coalescer.add(change);
            messagesByKey.computeIfAbsent(change.key(), k -> new ArrayList<>()).add(message.messageId());
        }

        List<ItemWrite> writes = coalescer.writes();
        TargetWriter.Result result = writes.isEmpty()
                ? new TargetWriter.Result(Map.of(), 0)
                : writer.write(target.get(), writes, deadline);

        int puts = 0;
        int deletes = 0;
        Instant newest = null;
        List<KeyLogEntry> keyLog = new ArrayList<>(writes.size());
        for (ItemWrite write : writes) {
            String reason = result.notWritten().get(write.key());
            if (reason != null) {
                LOG.warnf("replay: key %s not written to %s, its messages come back: %s", write.key(), target.get(), reason);
                String group = write.key().groupId();
                failed.addAll(messagesByGroup.getOrDefault(group, messagesByKey.get(write.key())));
                continue;
            }
            Instant at = coalescer.last(write.key()).createdAt();
            newest = newest == null || at.isAfter(newest) ? at : newest;
            if (write.isDelete()) {
                deletes++;
            } else {
                puts++;
            }
            keyLog.add(new KeyLogEntry(write.key(), write.isDelete() ? "DELETE" : "PUT", at));
        }

        List<String> failedIds = messages.stream().map(IncomingChange::messageId).filter(failed::contains).toList();
        SUMMARY.infof("{\"function\":\"replay\",\"received\":%d,\"skipped_window\":%d,\"coalesced\":%d,\"written\":%d,"
                        + "\"deleted\":%d,\"retried\":%d,\"failed\":%d,\"target\":\"%s\",\"window\":\"%s\",\"session\":\"%s\"}",
                messages.size(), skipped, coalescer.folded(), puts, deletes, result.retries(), failedIds.size(),
                target.get(), window, session.map(ActiveSession::sessionId).orElse(""));
        if (session.isPresent()) {
            ReplayTally tally = new ReplayTally(puts, deletes, skipped, result.retries(), failedIds.size(), newest);
            try {
                ledger.recordReplay(session.get(), tally, keyLog);
            } catch (RuntimeException e) {
                LOG.warnf(e, "replay: could not record counters and key log in session %s: %s",
                        session.get().sessionId(), tally);
            }
        }
        return failedIds;
    }
}
