package dev.restorecdc.local;

import software.amazon.awssdk.services.lambda.model.GetEventSourceMappingResponse;
import software.amazon.awssdk.services.lambda.model.ResourceNotFoundException;

import java.time.Duration;

/**
 * Follows one event source mapping as it exists in the emulator's Lambda API: while its state is
 * Enabled it polls the source and invokes the function; disabled, it waits and keeps its position.
 */
abstract class MappingWorker implements Runnable {

    static final Duration IDLE_POLL = Duration.ofMillis(150);
    /** How stale the mapping's state may be while batches keep coming. */
    static final Duration STATE_REFRESH = Duration.ofMillis(200);

    final String uuid;
    final LocalClients aws;
    final LambdaService lambdas;
    final ServiceLog log;
    private final Thread thread;
    private volatile boolean stopped;

    MappingWorker(String uuid, LocalClients aws, LambdaService lambdas, ServiceLog log) {
        this.uuid = uuid;
        this.aws = aws;
        this.lambdas = lambdas;
        this.log = log;
        this.thread = new Thread(this, "mapping-" + uuid);
        thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    void stop() {
        stopped = true;
        thread.interrupt();
        try {
            thread.join(Duration.ofSeconds(10).toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    boolean running() {
        return thread.isAlive();
    }

    /** Every read of the mapping, whatever its state (pollers of their own follow it: a disabled mapping stops them). */
    void observed(GetEventSourceMappingResponse mapping) {
    }

    /** Polls once and invokes the function when there was something; false when idle (the loop sleeps). */
    abstract boolean poll(GetEventSourceMappingResponse mapping);

    @Override
    public void run() {
        GetEventSourceMappingResponse mapping = null;
        long readAt = 0;
        boolean worked = false;
        while (!stopped) {
            try {
                // Lambda's pollers do not read their mapping per batch: while busy, the state is
                // re-read at most every STATE_REFRESH (idle, every loop), so enable/disable still
                // take effect within a fraction of a second and busy polling pays no extra call per batch.
                if (mapping == null || !worked || System.nanoTime() - readAt > STATE_REFRESH.toNanos()) {
                    mapping = aws.lambda().getEventSourceMapping(r -> r.uuid(uuid));
                    readAt = System.nanoTime();
                    observed(mapping);
                }
                worked = false;
                if ("Enabled".equals(mapping.state()) || "Enabling".equals(mapping.state())) {
                    worked = poll(mapping);
                }
            } catch (ResourceNotFoundException e) {
                log.log("mapping " + uuid + " was deleted: stop following it");
                return;
            } catch (RuntimeException e) {
                if (stopped) {
                    return;
                }
                worked = false;
                log.log("mapping " + uuid + ": " + e);
            }
            if (!worked && !sleep(IDLE_POLL)) {
                return;
            }
        }
    }

    boolean stopped() {
        return stopped;
    }

    static String functionName(GetEventSourceMappingResponse mapping) {
        return LambdaService.functionName(mapping.functionArn());
    }

    static boolean sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
