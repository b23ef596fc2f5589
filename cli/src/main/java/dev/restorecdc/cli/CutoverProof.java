package dev.restorecdc.cli;

import dev.restorecdc.cdc.ShardProgress;
import dev.restorecdc.session.CutoverSettings;
import dev.restorecdc.session.ShardScan;
import dev.restorecdc.session.StreamShards;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The cutover's proof, once the application's writes to the source have stopped:
 * <ol>
 *   <li>every shard is drained by capture: a closed shard when capture processed its
 *       EndingSequenceNumber (or reading from capture's position reaches its end with nothing
 *       pending); an open shard when K consecutive reads from capture's position, at most one per
 *       second (S / K apart), return nothing (changes older than the capture floor, which capture
 *       only drops, are read past). A read that finds a change at or after the floor starts that
 *       shard's count again, from capture's position once it moved: a new write resets the wait;</li>
 *   <li>the queue is empty: visible, in flight and delayed all zero on three readings, the first at
 *       least {@code cutover_queue_settle_seconds} after capture's last send (SQS's approximate
 *       counts can take about a minute to settle), {@code cutover_queue_reading_interval_seconds}
 *       apart; a later send or any non-zero reading starts them again.</li>
 * </ol>
 * One {@link #step} does at most one read per shard and at most one queue reading.
 */
final class CutoverProof {

    /** The three counts of a queue reading. */
    record QueueReading(long visible, long inFlight, long delayed) {
        boolean empty() {
            return visible == 0 && inFlight == 0 && delayed == 0;
        }
    }

    private static final class ShardWait {
        int quietReads;
        Optional<String> iterator = Optional.empty();
        boolean drained;
        String note = "not read yet";
    }

    private final StreamShards stream;
    private final Supplier<Map<String, ShardProgress>> progress;
    private final Supplier<QueueReading> queue;
    private final CutoverSettings settings;
    private final Instant captureFloor;
    private final Clock clock;
    private final Map<String, ShardWait> shards = new LinkedHashMap<>();
    private final List<QueueReading> readings = new ArrayList<>();
    private Instant lastReadingAt = Instant.MIN;
    private Optional<Instant> lastSend = Optional.empty();
    private Instant newestWrite;
    private Map<String, ShardProgress> positions = Map.of();

    CutoverProof(StreamShards stream, Supplier<Map<String, ShardProgress>> progress, Supplier<QueueReading> queue,
            CutoverSettings settings, Instant captureFloor, Clock clock) {
        this.stream = stream;
        this.progress = progress;
        this.queue = queue;
        this.settings = settings;
        this.captureFloor = captureFloor;
        this.clock = clock;
    }

    /** One round: re-lists the shards (a rotation adds some), reads each unfinished one once, maybe reads the queue. */
    boolean step() {
        positions = progress.get();
        positions.values().forEach(p -> seen(p.newestAt()));
        boolean allDrained = true;
        for (StreamShards.Shard shard : stream.shards()) {
            ShardWait wait = shards.computeIfAbsent(shard.shardId(), id -> new ShardWait());
            Optional<ShardProgress> done = Optional.ofNullable(positions.get(shard.shardId()));
            if (ShardScan.processedToEnd(shard, done)) {
                wait.drained = true;
                wait.note = "closed, capture processed its end";
                continue;
            }
            StreamShards.Position from = wait.iterator.map(StreamShards.Position::continuing)
                    .orElseGet(() -> ShardScan.capturePosition(done));
            ShardScan.Outcome read = ShardScan.read(stream, shard, from, captureFloor, 1000);
            read.newestSeen().ifPresent(this::seen);
            if (!read.quiet()) {
                wait.quietReads = 0;
                wait.drained = false;
                wait.iterator = Optional.empty(); // read again from capture's position once it moved
                wait.note = "a change from " + read.oldestPending().get() + " is not captured yet";
            } else if (read.ended()) {
                wait.drained = true;
                wait.note = "closed, read to its end";
            } else if (read.newestSeen().isPresent()) {
                // Only changes older than the capture floor: not the stream's tip yet, read on.
                wait.iterator = read.next();
                wait.note = "reading past changes older than the capture floor";
            } else {
                wait.quietReads++;
                wait.iterator = read.next();
                wait.drained = wait.quietReads >= settings.quietReads();
                wait.note = wait.quietReads + "/" + settings.quietReads() + " quiet reads";
            }
            allDrained &= wait.drained;
        }
        Optional<Instant> send = positions.values().stream().map(ShardProgress::queuedAt).flatMap(Optional::stream)
                .max(Instant::compareTo);
        if (!send.equals(lastSend)) {
            readings.clear(); // capture sent since: the counts must settle again
            lastSend = send;
        }
        if (!allDrained) {
            readings.clear();
            return false;
        }
        Instant now = clock.instant();
        Instant settledAt = lastSend.map(s -> s.plus(settings.queueSettle())).orElse(Instant.MIN);
        if (now.isBefore(settledAt) || now.isBefore(lastReadingAt.plus(settings.queueReadingInterval()))) {
            return false;
        }
        QueueReading reading = queue.get();
        lastReadingAt = now;
        if (reading.empty()) {
            readings.add(reading);
        } else {
            readings.clear();
        }
        return readings.size() >= CutoverSettings.QUEUE_READINGS;
    }

    /** What the operator sees while it waits. */
    String progress() {
        long drained = shards.values().stream().filter(w -> w.drained).count();
        StringBuilder line = new StringBuilder("shards drained " + drained + "/" + shards.size());
        shards.forEach((id, wait) -> {
            if (!wait.drained) {
                line.append("; ").append(id).append(": ").append(wait.note);
            }
        });
        if (drained == shards.size()) {
            Instant settledAt = lastSend.map(s -> s.plus(settings.queueSettle())).orElse(Instant.MIN);
            Instant now = clock.instant();
            line.append(now.isBefore(settledAt)
                    ? "; queue: waiting " + Duration.between(now, settledAt).toSeconds() + " s for SQS's counts to settle"
                    : "; queue: " + readings.size() + "/" + CutoverSettings.QUEUE_READINGS + " empty readings");
        }
        return line.toString();
    }

    /** The newest source write the proof saw (stream time), if any. */
    Optional<Instant> newestWrite() {
        return Optional.ofNullable(newestWrite);
    }

    Map<String, ShardProgress> positions() {
        return positions;
    }

    Map<String, Object> figures() {
        Map<String, Object> figures = new LinkedHashMap<>();
        figures.put("shards", shards.size());
        figures.put("newest_write_at", newestWrite == null ? null : newestWrite.toString());
        figures.put("capture_last_send_at", lastSend.map(Instant::toString).orElse(null));
        figures.put("quiet_reads", settings.quietReads());
        figures.put("quiet_seconds", settings.quiet().toSeconds());
        figures.put("queue_readings", readings.size());
        figures.put("proven_at", clock.instant().toString());
        return figures;
    }

    private void seen(Instant at) {
        if (newestWrite == null || at.isAfter(newestWrite)) {
            newestWrite = at;
        }
    }
}
