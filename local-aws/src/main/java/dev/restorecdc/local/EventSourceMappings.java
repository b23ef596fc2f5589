package dev.restorecdc.local;

import software.amazon.awssdk.services.lambda.model.EventSourceMappingConfiguration;
import software.amazon.awssdk.services.lambda.model.ListEventSourceMappingsResponse;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Event source mapping emulation: discovers the mappings in the emulator's Lambda API (moto stores
 * them but never delivers) and runs one worker per mapping that honours its state, so enabling or
 * disabling through UpdateEventSourceMapping (the state machine does) takes effect as in AWS.
 */
public final class EventSourceMappings implements AutoCloseable {

    private final LocalClients aws;
    private final LambdaService lambdas;
    private final ServiceLog log = new ServiceLog("event-source-mappings");
    private final Map<String, MappingWorker> workers = new ConcurrentHashMap<>();
    /** Stream shards no mapping reads for now: a test's lagging shard. */
    private final Set<String> heldShards = ConcurrentHashMap.newKeySet();
    private final Thread discovery;
    private volatile boolean stopped;

    private EventSourceMappings(LocalClients aws, LambdaService lambdas) {
        this.aws = aws;
        this.lambdas = lambdas;
        this.discovery = new Thread(this::discover, "mapping-discovery");
        discovery.setDaemon(true);
    }

    public static EventSourceMappings start(LocalClients aws, LambdaService lambdas) {
        EventSourceMappings mappings = new EventSourceMappings(aws, lambdas);
        mappings.discovery.start();
        return mappings;
    }

    private void discover() {
        while (!stopped) {
            try {
                Set<String> seen = new HashSet<>();
                for (EventSourceMappingConfiguration mapping : list()) {
                    seen.add(mapping.uuid());
                    workers.computeIfAbsent(mapping.uuid(), uuid -> startWorker(mapping));
                }
                workers.keySet().removeIf(uuid -> !seen.contains(uuid) && !workers.get(uuid).running());
                Thread.sleep(MappingWorker.IDLE_POLL.toMillis());
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                if (!stopped) {
                    log.log("listing mappings failed: " + e);
                    try {
                        Thread.sleep(500);
                    } catch (InterruptedException interrupted) {
                        return;
                    }
                }
            }
        }
    }

    private List<EventSourceMappingConfiguration> list() {
        List<EventSourceMappingConfiguration> all = new java.util.ArrayList<>();
        String marker = null;
        do {
            String from = marker;
            ListEventSourceMappingsResponse page = aws.lambda().listEventSourceMappings(r -> r.marker(from));
            all.addAll(page.eventSourceMappings());
            marker = page.nextMarker();
        } while (marker != null && !marker.isEmpty());
        return all;
    }

    private MappingWorker startWorker(EventSourceMappingConfiguration mapping) {
        String source = mapping.eventSourceArn();
        MappingWorker worker;
        if (source.startsWith("arn:aws:dynamodb:") && source.contains("/stream/")) {
            worker = new StreamMappingWorker(mapping.uuid(), aws, lambdas, log, heldShards);
        } else if (source.startsWith("arn:aws:sqs:")) {
            worker = new QueueMappingWorker(mapping.uuid(), aws, lambdas, log);
        } else {
            log.log("mapping " + mapping.uuid() + ": source " + source + " is not emulated (DynamoDB streams and SQS are)");
            worker = new UnsupportedSource(mapping.uuid(), aws, lambdas, log);
        }
        log.log("following mapping " + mapping.uuid() + " " + source + " -> " + mapping.functionArn());
        worker.start();
        return worker;
    }

    /** Test hook: stream mappings stop reading this shard (a lagging shard) until {@link #releaseShard}. */
    public void holdShard(String shardId) {
        heldShards.add(shardId);
    }

    public void releaseShard(String shardId) {
        heldShards.remove(shardId);
    }

    @Override
    public void close() {
        stopped = true;
        discovery.interrupt();
        try {
            discovery.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        workers.values().forEach(MappingWorker::stop);
        workers.clear();
    }

    /** Keeps the UUID known so an unsupported mapping is reported once, not every poll. */
    private static final class UnsupportedSource extends MappingWorker {
        UnsupportedSource(String uuid, LocalClients aws, LambdaService lambdas, ServiceLog log) {
            super(uuid, aws, lambdas, log);
        }

        @Override
        void start() {
        }

        @Override
        boolean running() {
            return true;
        }

        @Override
        boolean poll(software.amazon.awssdk.services.lambda.model.GetEventSourceMappingResponse mapping) {
            return false;
        }
    }
}
