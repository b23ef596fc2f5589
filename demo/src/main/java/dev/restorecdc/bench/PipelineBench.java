package dev.restorecdc.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.restorecdc.cdc.ChangeCodec;
import dev.restorecdc.cdc.ChangeCoalescer;
import dev.restorecdc.cdc.ChangeEvent;
import dev.restorecdc.cdc.ChangeQueue;
import dev.restorecdc.cdc.EventName;
import dev.restorecdc.cdc.ItemKey;
import dev.restorecdc.cdc.QueuedChange;
import dev.restorecdc.cdc.SendScheduler;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The change path's domain with no I/O: capture (key → group → encode → plan the batches) and replay
 * (decode → coalesce → writes), batch by batch as Lambda delivers them. Reports events per second and
 * the heap after N events, which must not grow with N: nothing is buffered beyond one batch.
 */
public final class PipelineBench {

    /** One run's figures. */
    public record Result(double eventsPerSecond, long heapAfterMiB, long heapAtStartMiB, long events) {
    }

    private static final int CAPTURE_BATCH = 100;
    private static final int REPLAY_BATCH = 10;

    private final ChangeCodec codec = new ChangeCodec(new ObjectMapper());

    public Result run(long events) {
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        long heapAtStart = usedHeapAfterGc(memory);
        Instant t0 = Instant.parse("2026-11-25T12:00:00Z");
        long started = System.nanoTime();
        long sink = 0;
        List<ChangeEvent> batch = new ArrayList<>(CAPTURE_BATCH);
        for (long i = 0; i < events; i++) {
            batch.add(change(i, t0));
            if (batch.size() == CAPTURE_BATCH) {
                sink += pipeline(batch);
                batch.clear();
            }
        }
        sink += pipeline(batch);
        double seconds = (System.nanoTime() - started) / 1e9;
        long heapAfter = usedHeapAfterGc(memory);
        if (sink == 42) {
            System.out.print("");
        }
        return new Result(events / seconds, heapAfter >> 20, heapAtStart >> 20, events);
    }

    /** Capture then replay one stream batch; returns a number so the JIT cannot drop the work. */
    private long pipeline(List<ChangeEvent> batch) {
        List<QueuedChange> queued = new ArrayList<>(batch.size());
        for (int position = 0; position < batch.size(); position++) {
            ChangeEvent change = batch.get(position);
            ItemKey key = change.key();
            queued.add(new QueuedChange(position, change.sequenceNumber(), key.groupId(), change.eventId(),
                    codec.encode(change), key));
        }
        SendScheduler scheduler = new SendScheduler(queued, ChangeQueue.MAX_ENTRIES, ChangeQueue.MAX_BATCH_BYTES);
        long work = 0;
        List<String> bodies = new ArrayList<>(batch.size());
        for (List<QueuedChange> call = scheduler.nextBatch(); !call.isEmpty(); call = scheduler.nextBatch()) {
            for (QueuedChange change : call) {
                scheduler.accepted(change);
                bodies.add(change.body());
            }
        }
        for (int from = 0; from < bodies.size(); from += REPLAY_BATCH) {
            ChangeCoalescer coalescer = new ChangeCoalescer();
            for (String body : bodies.subList(from, Math.min(bodies.size(), from + REPLAY_BATCH))) {
                coalescer.add(codec.decode(body));
            }
            work += coalescer.writes().size();
        }
        return work;
    }

    private static ChangeEvent change(long i, Instant t0) {
        String pk = "item#" + (i % 5_000);
        ObjectNode keys = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode();
        keys.putObject("pk").put("S", pk);
        if (i % 7 == 0) {
            return new ChangeEvent("e" + i, EventName.REMOVE, keys, null, t0.plusMillis(i), Long.toString(i), null);
        }
        ObjectNode image = keys.deepCopy();
        image.putObject("n").put("N", Long.toString(i));
        image.putObject("text").put("S", "payload of change " + i);
        image.putObject("flag").put("BOOL", (i & 1) == 0);
        return new ChangeEvent("e" + i, EventName.MODIFY, keys, image, t0.plusMillis(i), Long.toString(i), null);
    }

    private static long usedHeapAfterGc(MemoryMXBean memory) {
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return memory.getHeapMemoryUsage().getUsed();
    }
}
