package dev.restorecdc.cdc;

import dev.restorecdc.cdc.SessionLedger.KeyLogEntry;
import dev.restorecdc.cdc.SessionLedger.ReplayTally;
import org.jboss.logging.Logger;

import java.time.Clock;
import java.time.Duration;
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
 *
 * <p>Replay tells poison from trouble, because SQS counts every receive and a message that keeps
 * failing would carry the valid changes behind it to the DLQ after {@code max_receive_count}:
 * <ul>
 *   <li><b>poison</b> (an unreadable body, an older or malformed schema, an item DynamoDB refuses
 *       for good) goes to the DLQ with its reason and is acknowledged, so its group goes on; without
 *       a DLQ ({@code CDC_DLQ_URL} unset) it is reported failed and its group waits;</li>
 *   <li>a <b>newer schema</b> (rolling deploy) is reported failed and retried, never dead-lettered;</li>
 *   <li>a <b>target-wide error</b> (table missing, access denied, its KMS key) returns the whole batch and
 *       is recorded in the session; nothing goes to the DLQ because of it;</li>
 *   <li><b>transient</b> failures are retried by the writer until the deadline nears, then returned.</li>
 * </ul>
 * The key log is written before the batch is acknowledged; if that fails, the written messages come
 * back (rewriting is idempotent), so {@code verify} never compares against a partial log. In image
 * mode it rides in the target's own BatchWriteItem, so an invocation costs one call in the common
 * case: the session is reused for seconds ({@link SessionLedger#activeForReplay()}) and the counters
 * (telemetry) are written at most once per second per environment ({@link CounterBuffer}).
 *
 * <p>The session's {@link ReplaySemantics} decide how changes apply: whole images (a copy) or what
 * each change did (an undo). Change replay reads the batch's keys once ({@link TargetProbe}: the
 * target's items and the key log), records a {@link Conflict} for a key replayed the first time
 * whose target item is not the change's old image, turns an update of an item the target lacks
 * into a put of the whole new image, and writes conflicts and key log <em>before</em> the target:
 * a redelivered change then always finds its key in the log, so it is never taken for a conflict,
 * and a conflict is never lost to a write that came back.
 */
public final class ReplayService {

    private static final Logger LOG = Logger.getLogger(ReplayService.class);
    /** One JSON object per invocation, on its own log category so it is printed as a bare JSON line. */
    private static final Logger SUMMARY = Logger.getLogger(InvocationSummary.CATEGORY);

    private final ChangeCodec codec;
    private final TargetWriter writer;
    private final Optional<DeadLetterQueue> deadLetters;
    private final SessionLedger ledger;
    private final Optional<String> staticTarget;
    private final Optional<Instant> staticWindowStart;
    private final TargetProbe probe;
    private final Optional<ReplaySemantics> staticSemantics;
    private final CounterBuffer<ReplayTally> counters;

    /**
     * @param deadLetters       {@code CDC_DLQ_URL}: where poison goes; empty: poison is reported failed as before
     * @param staticTarget      {@code CDC_TARGET_TABLE}: replay there instead of the session's target
     * @param staticWindowStart {@code CDC_REPLAY_FROM}: the window start instead of the session's replay_from
     */
    public ReplayService(ChangeCodec codec, TargetWriter writer, Optional<DeadLetterQueue> deadLetters, SessionLedger ledger,
                         Optional<String> staticTarget, Optional<Instant> staticWindowStart) {
        this(codec, writer, deadLetters, ledger, staticTarget, staticWindowStart, NO_PROBE);
    }

    /** @param probe change replay's one read of the target and the key log per invocation */
    public ReplayService(ChangeCodec codec, TargetWriter writer, Optional<DeadLetterQueue> deadLetters, SessionLedger ledger,
                         Optional<String> staticTarget, Optional<Instant> staticWindowStart, TargetProbe probe) {
        this(codec, writer, deadLetters, ledger, staticTarget, staticWindowStart, probe, Optional.empty());
    }

    /** @param staticSemantics {@code CDC_REPLAY_SEMANTICS}: how to replay instead of the session's semantics */
    public ReplayService(ChangeCodec codec, TargetWriter writer, Optional<DeadLetterQueue> deadLetters, SessionLedger ledger,
                         Optional<String> staticTarget, Optional<Instant> staticWindowStart, TargetProbe probe,
                         Optional<ReplaySemantics> staticSemantics) {
        this(codec, writer, deadLetters, ledger, staticTarget, staticWindowStart, probe, staticSemantics,
                new CounterBuffer<>(Duration.ZERO, ReplayTally::plus, Clock.systemUTC()));
    }

    /**
     * @param counters how often this environment writes its session counters (production: at most
     *                 once per second, {@code CDC_COUNTERS_INTERVAL}; the other constructors
     *                 write them every invocation)
     */
    public ReplayService(ChangeCodec codec, TargetWriter writer, Optional<DeadLetterQueue> deadLetters, SessionLedger ledger,
                         Optional<String> staticTarget, Optional<Instant> staticWindowStart, TargetProbe probe,
                         Optional<ReplaySemantics> staticSemantics, CounterBuffer<ReplayTally> counters) {
        this.counters = counters;
        this.probe = probe;
        this.staticSemantics = staticSemantics;
        this.codec = codec;
        this.writer = writer;
        this.deadLetters = deadLetters;
        this.ledger = ledger;
        this.staticTarget = staticTarget;
        this.staticWindowStart = staticWindowStart;
    }

    /** @return the ids of the messages to report failed */
    public List<String> replay(List<IncomingChange> messages, Deadline deadline) {
        Optional<ActiveSession> session = staticTarget.isPresent() && staticWindowStart.isPresent()
                ? Optional.empty() : ledger.activeForReplay();
        Optional<String> target = staticTarget.or(() -> session.flatMap(ActiveSession::targetTable));
        if (target.isEmpty()) {
            LOG.errorf("replay: no target table (CDC_TARGET_TABLE unset and no active session with a target for %s); "
                    + "all %d messages reported failed and left in the queue", session.map(ActiveSession::sessionId)
                    .map(id -> "session " + id).orElse("the source table"), messages.size());
            return messages.stream().map(IncomingChange::messageId).toList();
        }
        ReplayWindow window = ReplayWindow.from(staticWindowStart
                .or(() -> session.flatMap(ActiveSession::replayFrom)).orElse(null));

        // Read every message; a group stops at its first message that must come back.
        Set<String> failedGroups = new HashSet<>();
        Set<String> failed = new LinkedHashSet<>();
        Set<String> deadLettered = new HashSet<>();
        Map<ItemKey, List<IncomingChange>> messagesByKey = new HashMap<>();
        Map<String, List<String>> messagesByGroup = new HashMap<>();
        ReplaySemantics semantics = staticSemantics
                .or(() -> session.flatMap(ActiveSession::replaySemantics)).orElse(ReplaySemantics.IMAGE);
        ChangeCoalescer coalescer = new ChangeCoalescer(semantics);
        int skipped = 0;
        for (IncomingChange message : messages) {
            String group = groupOf(message);
            messagesByGroup.computeIfAbsent(group, g -> new ArrayList<>()).add(message.messageId());
            if (failedGroups.contains(group)) {
                failed.add(message.messageId());
                continue;
            }
            ChangeEvent change;
            try {
                change = codec.decode(message.body());
            } catch (NewerSchemaException e) {
                LOG.warnf("replay: message %s (group %s) was written by newer code; retried until this function is "
                        + "updated, later messages of its group wait: %s", message.messageId(), group, e.getMessage());
                failedGroups.add(group);
                failed.add(message.messageId());
                continue;
            } catch (MalformedChangeException e) {
                if (deadLetter(message, null, "unreadable: " + e.getMessage())) {
                    deadLettered.add(message.messageId());
                } else {
                    failedGroups.add(group);
                    failed.add(message.messageId());
                }
                continue;
            }
            if (!window.admits(change.createdAt())) {
                skipped++;
                continue;
            }
            coalescer.add(change);
            messagesByKey.computeIfAbsent(change.key(), k -> new ArrayList<>()).add(message);
        }

        List<ItemWrite> writes = coalescer.writes();
        int conflicts = 0;
        if (semantics == ReplaySemantics.CHANGE && !writes.isEmpty()) {
            try {
                PreparedChanges prepared = prepareChanges(target.get(), session, coalescer, writes, deadline);
                writes = prepared.writes();
                conflicts = prepared.conflicts();
            } catch (TargetProbe.TargetUnavailableException e) {
                // As for a write: not the messages' fault; the session shows why, nothing goes to the DLQ.
                LOG.errorf("replay: target %s cannot be read (%s); all %d messages come back", target.get(), e.getMessage(),
                        messages.size());
                session.ifPresent(s -> {
                    try {
                        ledger.recordReplayProblem(s, "replay cannot read target " + target.get() + ": " + e.getMessage());
                    } catch (RuntimeException notRecorded) {
                        LOG.warnf(notRecorded, "replay: could not record the target's problem in session %s", s.sessionId());
                    }
                });
                return messages.stream().map(IncomingChange::messageId).filter(id -> !deadLettered.contains(id)).toList();
            } catch (RuntimeException e) {
                // Nothing is written yet: every message comes back (poison already in the DLQ excepted).
                LOG.errorf(e, "replay: change replay could not read or log the batch's %d keys before writing them; "
                        + "all %d messages come back", writes.size(), messages.size());
                return messages.stream().map(IncomingChange::messageId).filter(id -> !deadLettered.contains(id)).toList();
            }
        }
        // Image replay's key log rides in the target's BatchWriteItem where the writer can carry it
        // (one call per invocation); change replay logged its keys before writing (prepareChanges).
        TargetWriter.Result result;
        if (writes.isEmpty()) {
            result = new TargetWriter.Result(Map.of(), 0);
        } else if (session.isPresent() && semantics == ReplaySemantics.IMAGE) {
            Map<ItemKey, KeyLogEntry> entries = new HashMap<>();
            for (ItemWrite write : writes) {
                entries.put(write.key(), keyLogEntry(write, coalescer.last(write.key()).createdAt()));
            }
            result = writer.write(target.get(), writes, new TargetWriter.KeyLog(session.get(), entries), deadline);
        } else {
            result = writer.write(target.get(), writes, deadline);
        }

        int puts = 0;
        int deletes = 0;
        Instant newest = null;
        String targetProblem = null;
        List<KeyLogEntry> keyLog = new ArrayList<>(writes.size());
        for (ItemWrite write : writes) {
            TargetWriter.Failure failure = result.notWritten().get(write.key());
            List<IncomingChange> ofKey = messagesByKey.getOrDefault(write.key(), List.of());
            if (failure != null && failure.kind() == TargetWriter.Failure.Kind.ITEM
                    && ofKey.stream().allMatch(m -> deadLetter(m, write.key(), "refused by DynamoDB: " + failure.reason()))) {
                ofKey.forEach(m -> deadLettered.add(m.messageId()));
                continue;
            }
            if (failure != null) {
                if (failure.kind() == TargetWriter.Failure.Kind.TARGET) {
                    targetProblem = failure.reason();
                } else {
                    LOG.warnf("replay: key %s not written to %s, its messages come back: %s", write.key(), target.get(), failure);
                }
                String group = write.key().groupId();
                failed.addAll(messagesByGroup.getOrDefault(group, ofKey.stream().map(IncomingChange::messageId).toList()));
                continue;
            }
            Instant at = coalescer.last(write.key()).createdAt();
            newest = newest == null || at.isAfter(newest) ? at : newest;
            if (write.isDelete()) {
                deletes++;
            } else {
                puts++;
            }
            keyLog.add(keyLogEntry(write, at));
        }

        if (targetProblem != null) {
            // Not the messages' fault: every message comes back (except poison already in the DLQ) and
            // the session shows why; the alarm on the session error / iterator age fires.
            LOG.errorf("replay: target %s cannot be written (%s); all %d messages come back, nothing goes to the DLQ",
                    target.get(), targetProblem, messages.size());
            messages.stream().map(IncomingChange::messageId).filter(id -> !deadLettered.contains(id)).forEach(failed::add);
            if (session.isPresent()) {
                String problem = "replay cannot write target " + target.get() + ": " + targetProblem;
                try {
                    ledger.recordReplayProblem(session.get(), problem);
                } catch (RuntimeException e) {
                    LOG.warnf(e, "replay: could not record the target's problem in session %s", session.get().sessionId());
                }
            }
        } else if (session.isPresent() && !keyLog.isEmpty() && semantics == ReplaySemantics.IMAGE && !result.keyLogWritten()) {
            try {
                ledger.recordKeyLog(session.get(), keyLog);
            } catch (RuntimeException e) {
                // verify must never compare against a partial log: the written messages come back and are
                // written again (idempotent) with their log entries.
                LOG.errorf(e, "replay: key log of session %s not written; the %d written keys' messages come back",
                        session.get().sessionId(), keyLog.size());
                for (KeyLogEntry entry : keyLog) {
                    messagesByKey.getOrDefault(entry.key(), List.of()).forEach(m -> failed.add(m.messageId()));
                }
                puts = 0;
                deletes = 0;
                newest = null;
            }
        }

        List<String> failedIds = messages.stream().map(IncomingChange::messageId).filter(failed::contains).toList();
        SUMMARY.infof("{\"function\":\"replay\",\"received\":%d,\"skipped_window\":%d,\"coalesced\":%d,\"written\":%d,"
                        + "\"deleted\":%d,\"retried\":%d,\"failed\":%d,\"dead_lettered\":%d,\"target\":\"%s\","
                        + "\"window\":\"%s\",\"session\":\"%s\",\"semantics\":\"%s\",\"conflicts\":%d}",
                messages.size(), skipped, coalescer.folded(), puts, deletes, result.retries(), failedIds.size(),
                deadLettered.size(), target.get(), window, session.map(ActiveSession::sessionId).orElse(""),
                semantics.recordValue(), conflicts);
        if (session.isPresent()) {
            ReplayTally tally = new ReplayTally(puts, deletes, skipped, result.retries(), failedIds.size(),
                    deadLettered.size(), newest);
            // Telemetry for status: this environment's sums, written at most once per interval.
            for (CounterBuffer.Due<ReplayTally> due : counters.add(session.get(), tally)) {
                try {
                    ledger.recordReplay(due.session(), due.tally());
                } catch (RuntimeException e) {
                    LOG.warnf(e, "replay: could not record counters in session %s: %s", due.session().sessionId(), due.tally());
                }
            }
        }
        return failedIds;
    }

    private record PreparedChanges(List<ItemWrite> writes, int conflicts) {
    }

    /**
     * Change replay before the write: one read of the batch's keys, the conflicts of keys replayed the
     * first time, updates of items the target lacks turned into puts of the whole new image, then
     * conflicts and key log recorded (throws if either could not be).
     */
    private PreparedChanges prepareChanges(String target, Optional<ActiveSession> session, ChangeCoalescer coalescer,
                                           List<ItemWrite> writes, Deadline deadline) {
        Map<ItemKey, TargetProbe.Probe> probes = probe.probe(target, session.map(ActiveSession::sessionId),
                writes.stream().map(ItemWrite::key).toList(), deadline);
        List<ItemWrite> prepared = new ArrayList<>(writes.size());
        List<Conflict> conflicts = new ArrayList<>();
        Map<ItemKey, TargetProbe.Probe> logged = new HashMap<>();
        for (ItemWrite write : writes) {
            TargetProbe.Probe found = probes.get(write.key());
            if (found == null) {
                prepared.add(write); // not read (no probe): the writer's own condition still puts an absent item whole
                continue;
            }
            if (!found.replayedBefore()) {
                Conflict.detect(coalescer.first(write.key()), found.targetItem()).ifPresent(conflicts::add);
            }
            prepared.add(write.isUpdate() && found.targetItem() == null ? write.asPut() : write);
            logged.put(write.key(), found);
        }
        for (Conflict conflict : conflicts) {
            LOG.warnf("replay: conflict on key %s (%s): the restored item is not the one %s %s was made to "
                    + "(old image %s, target %s); applied anyway, recorded once per key", conflict.key(), conflict.kind(),
                    conflict.eventName(), conflict.changeAt(), conflict.oldImageDigest(), conflict.targetDigest());
        }
        if (session.isPresent()) {
            if (!conflicts.isEmpty()) {
                ledger.recordConflicts(session.get(), conflicts);
            }
            ledger.recordKeyLog(session.get(), prepared.stream().map(write -> keyLogEntry(write,
                    coalescer.last(write.key()).createdAt(), logged.get(write.key()))).toList());
        }
        return new PreparedChanges(prepared, conflicts.size());
    }

    private static KeyLogEntry keyLogEntry(ItemWrite write, Instant at) {
        return keyLogEntry(write, at, null);
    }

    /**
     * The key log entry of a write; for an update, the union of what it touched and what earlier
     * replays of the key touched ({@code before}, read by the probe; one replay per key at a time, as
     * FIFO delivers a group), and the whole item once any replay put or deleted it.
     */
    private static KeyLogEntry keyLogEntry(ItemWrite write, Instant at, TargetProbe.Probe before) {
        if (!write.isUpdate()) {
            return new KeyLogEntry(write.key(), write.isDelete() ? "DELETE" : "PUT", at);
        }
        if (before != null && before.replayedBefore() && before.loggedTouched() == null) {
            return new KeyLogEntry(write.key(), "UPDATE", at); // an earlier put or delete: the whole item
        }
        java.util.TreeSet<String> touched = new java.util.TreeSet<>(write.touched());
        if (before != null && before.loggedTouched() != null) {
            touched.addAll(before.loggedTouched());
        }
        return new KeyLogEntry(write.key(), "UPDATE", at, List.copyOf(touched));
    }

    /** Without a probe nothing is read: no conflicts are detected. */
    private static final TargetProbe NO_PROBE = (table, sessionId, keys, deadline) -> Map.of();

    private static String groupOf(IncomingChange message) {
        return message.groupId() == null ? message.messageId() : message.groupId();
    }

    /**
     * Sends a message replay can never apply to the DLQ, as it is, with its reason as attributes.
     * False (the message is reported failed, as without a DLQ) when there is no DLQ or it refused.
     */
    private boolean deadLetter(IncomingChange message, ItemKey key, String reason) {
        String group = groupOf(message);
        String named = key == null ? "group " + group : "key " + key;
        if (deadLetters.isEmpty()) {
            LOG.errorf("replay: message %s (%s) can never be applied and no dead-letter queue is configured (CDC_DLQ_URL); "
                    + "reported failed, later messages of its group wait: %s", message.messageId(), named, reason);
            return false;
        }
        Optional<String> problem = deadLetters.get().send(new DeadLetterQueue.Letter(group, message.messageId(),
                message.body(), Map.of("reason", reason, "source", "replay", "message_id", message.messageId())));
        if (problem.isPresent()) {
            LOG.errorf("replay: message %s (%s) can never be applied (%s), and the dead-letter queue did not take it: %s; "
                    + "reported failed", message.messageId(), named, reason, problem.get());
            return false;
        }
        LOG.errorf("replay: message %s (%s) can never be applied, moved to the dead-letter queue; its group goes on: %s",
                message.messageId(), named, reason);
        return true;
    }
}
