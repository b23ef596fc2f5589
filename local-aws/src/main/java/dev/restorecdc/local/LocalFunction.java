package dev.restorecdc.local;

import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.FunctionConfiguration;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.ProcessBuilder.Redirect;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingDeque;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * One function as Lambda runs it: invocations queue up and execution environments take them through
 * the Runtime API, one invocation per environment at a time; when every environment is busy and
 * invocations wait, another environment starts, up to {@link #concurrency()} (Lambda scales the
 * same way, up to the account's or the function's concurrency). The function's timeout is enforced
 * (the environment is killed and replaced, as Lambda does), and an environment that dies is
 * replaced on the next invocation.
 */
final class LocalFunction implements AutoCloseable {

    /** Lambda won't hammer a runtime that crashes at start; neither do we. */
    private static final long MIN_RESTART_INTERVAL_MS = 500;
    /** How stale this service's view of the function's configuration may be (one GetFunction per second at most). */
    private static final long CONFIGURATION_REFRESH_MS = 1000;

    private final String name;
    private final LambdaClient lambda;
    private final Map<String, String> localEnvironment;
    private final List<String> command;
    private final Path logFile;
    private final ScheduledExecutorService timer;
    private final LinkedBlockingDeque<Invocation> pending = new LinkedBlockingDeque<>();
    private final List<FunctionInstance> instances = new java.util.ArrayList<>();
    private int generations;
    private long lastStartMs;
    private boolean restartScheduled;
    private volatile boolean closed;
    private volatile FunctionConfiguration latest;
    private volatile long latestReadMs;

    LocalFunction(String name, LambdaClient lambda, Map<String, String> localEnvironment, List<String> command,
            Path logFile, ScheduledExecutorService timer) {
        this.name = name;
        this.lambda = lambda;
        this.localEnvironment = localEnvironment;
        this.command = command;
        this.logFile = logFile;
        this.timer = timer;
    }

    String name() {
        return name;
    }

    CompletableFuture<InvocationResult> submit(byte[] payload) {
        Invocation invocation = new Invocation(payload);
        if (closed) {
            invocation.result.complete(InvocationResult.lambdaError("ServiceException", "the local Lambda service is closed"));
            return invocation.result;
        }
        pending.add(invocation);
        ensureInstance();
        return invocation.result;
    }

    /** Runtime API GET next: blocks until there is an invocation, or returns null when the environment stops. */
    Invocation next(FunctionInstance environment) {
        try {
            while (environment.alive() && !closed) {
                Invocation invocation = pending.poll(200, TimeUnit.MILLISECONDS);
                if (invocation == null || invocation.result.isDone()) {
                    continue;
                }
                if (!environment.alive()) {
                    pending.offerFirst(invocation);
                    return null;
                }
                if (changedSince(environment)) {
                    // As Lambda: after UpdateFunctionConfiguration (or new code), invocations run in
                    // environments of the new version; this one stops and a new one starts.
                    pending.offerFirst(invocation);
                    log("configuration changed since environment " + environment.generation + " started: retiring it");
                    environment.retired = true;
                    environment.kill();
                    return null;
                }
                long timeoutMs = environment.configuration.timeout() * 1000L;
                invocation.deadlineMs = System.currentTimeMillis() + timeoutMs;
                environment.current = invocation;
                environment.served++;
                timer.schedule(() -> timedOut(environment, invocation), timeoutMs, TimeUnit.MILLISECONDS);
                return invocation;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return null;
    }

    Map<String, String> invocationHeaders(Invocation invocation) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Lambda-Runtime-Aws-Request-Id", invocation.requestId);
        headers.put("Lambda-Runtime-Deadline-Ms", String.valueOf(invocation.deadlineMs));
        headers.put("Lambda-Runtime-Invoked-Function-Arn", instanceConfiguration().functionArn());
        headers.put("Lambda-Runtime-Trace-Id", traceId());
        return headers;
    }

    void completed(FunctionInstance environment, Invocation invocation, InvocationResult result) {
        invocation.result.complete(result);
    }

    private void timedOut(FunctionInstance environment, Invocation invocation) {
        double seconds = environment.configuration.timeout();
        if (invocation.result.complete(InvocationResult.lambdaError("Sandbox.Timedout",
                String.format("RequestId: %s Error: Task timed out after %.2f seconds", invocation.requestId, seconds)))) {
            log("invocation " + invocation.requestId + " timed out after " + seconds + " s: killing environment " + environment.generation);
            // Lambda does not reuse an environment whose invocation timed out.
            environment.kill();
        }
    }

    /** Whether the function's configuration or code changed since the environment started (read at most once a second). */
    private boolean changedSince(FunctionInstance environment) {
        long now = System.currentTimeMillis();
        FunctionConfiguration known = latest;
        if (known == null || now - latestReadMs > CONFIGURATION_REFRESH_MS) {
            try {
                known = lambda.getFunction(r -> r.functionName(name)).configuration();
            } catch (RuntimeException e) {
                return false; // cannot tell: keep serving
            }
            latest = known;
            latestReadMs = now;
        }
        FunctionConfiguration started = environment.configuration;
        // AWS changes RevisionId and LastModified on every update; moto 5.2.1 does not, so what an
        // environment is made of is compared too.
        return started != null && (!java.util.Objects.equals(known.revisionId(), started.revisionId())
                || !java.util.Objects.equals(known.lastModified(), started.lastModified())
                || !java.util.Objects.equals(known.codeSha256(), started.codeSha256())
                || !java.util.Objects.equals(known.environment(), started.environment())
                || !java.util.Objects.equals(known.timeout(), started.timeout())
                || !java.util.Objects.equals(known.memorySize(), started.memorySize())
                || !java.util.Objects.equals(known.handler(), started.handler()));
    }

    /** The configuration of the running environment (fetched with GetFunction only when none runs). */
    synchronized FunctionConfiguration configuration() {
        return instanceConfiguration();
    }

    private synchronized FunctionConfiguration instanceConfiguration() {
        return instances.isEmpty() ? lambda.getFunction(r -> r.functionName(name)).configuration() : instances.get(0).configuration;
    }

    /**
     * How many environments of one function may run at once: {@code RCDC_LAMBDA_CONCURRENCY} (system
     * property {@code rcdc.lambda-concurrency}), default 1. Every environment is a JVM, so the local
     * default stays at one; the bench raises it to show how replay scales.
     */
    static int concurrency() {
        String configured = System.getProperty("rcdc.lambda-concurrency", System.getenv("RCDC_LAMBDA_CONCURRENCY"));
        try {
            return configured == null || configured.isBlank() ? 1 : Math.max(1, Integer.parseInt(configured.trim()));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("RCDC_LAMBDA_CONCURRENCY must be a whole number, got '" + configured + "'");
        }
    }

    private synchronized void ensureInstance() {
        instances.removeIf(FunctionInstance::stoppedOrDead);
        long idle = instances.stream().filter(i -> i.current == null).count();
        if (closed || restartScheduled || idle >= pending.size() || instances.size() >= concurrency()) {
            return;
        }
        long wait = lastStartMs + MIN_RESTART_INTERVAL_MS - System.currentTimeMillis();
        if (wait > 0) {
            restartScheduled = true;
            timer.schedule(() -> {
                synchronized (this) {
                    restartScheduled = false;
                }
                ensureInstance();
            }, wait, TimeUnit.MILLISECONDS);
            return;
        }
        start();
    }

    private void start() {
        lastStartMs = System.currentTimeMillis();
        FunctionInstance next = null;
        try {
            FunctionConfiguration configuration = lambda.getFunction(r -> r.functionName(name)).configuration();
            latest = configuration;
            latestReadMs = System.currentTimeMillis();
            next = new FunctionInstance(this, ++generations);
            next.configuration = configuration;
            ProcessBuilder builder = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(Redirect.appendTo(logFile.toFile()));
            Map<String, String> env = builder.environment();
            // A clean environment as in Lambda, except what finds java and bin/lambda-runtime's own settings.
            env.keySet().removeIf(key -> !List.of("PATH", "HOME", "JAVA_HOME", "LANG", "TMPDIR", "JAVA_OPTS").contains(key)
                    && !key.startsWith("RCDC_"));
            env.putAll(localEnvironment);
            // The function's own configuration wins: e.g. the bench points AWS_ENDPOINT_URL at its latency proxy.
            env.putAll(configuration.environment() == null ? Map.of() : configuration.environment().variables());
            env.put("AWS_LAMBDA_RUNTIME_API", next.runtimeApi());
            env.put("AWS_LAMBDA_FUNCTION_NAME", name);
            env.put("AWS_LAMBDA_FUNCTION_VERSION", "$LATEST");
            env.put("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", String.valueOf(configuration.memorySize()));
            env.put("AWS_LAMBDA_LOG_GROUP_NAME", "/aws/lambda/" + name);
            env.put("AWS_LAMBDA_LOG_STREAM_NAME", "local/" + next.generation);
            env.put("_HANDLER", configuration.handler());
            env.put("TZ", ":UTC");
            log("starting environment " + next.generation + " (" + String.join(" ", command) + ", runtime API " + next.runtimeApi() + ")");
            Process process = builder.start();
            next.attach(process);
            instances.add(next);
            FunctionInstance started = next;
            process.onExit().thenRun(() -> exited(started));
        } catch (IOException | RuntimeException e) {
            if (next != null) {
                next.kill();
            }
            log("cannot start environment: " + e);
            // As Lambda answers an invoke whose environment cannot start: with the init failure.
            Invocation head = pending.poll();
            if (head != null) {
                head.result.complete(InvocationResult.lambdaError("Runtime.InvalidEntrypoint", "cannot start " + command + ": " + e.getMessage()));
            }
            if (!pending.isEmpty()) {
                ensureInstance();
            }
        }
    }

    private void exited(FunctionInstance environment) {
        int status = environment.process().exitValue();
        log("environment " + environment.generation + " exited with status " + status);
        synchronized (this) {
            Invocation running = environment.current;
            InvocationResult failure = environment.initError != null ? environment.initError
                    : InvocationResult.lambdaError("Runtime.ExitError", "Runtime exited with error: exit status " + status);
            if (running != null) {
                running.result.complete(failure);
            } else if (environment.served == 0 && !closed && !environment.retired) {
                // Died while starting: the invoke that asked for this environment gets the failure, instead of a restart loop.
                Invocation head = pending.poll();
                if (head != null) {
                    head.result.complete(failure);
                }
            }
            environment.kill();
            instances.remove(environment);
            if (!pending.isEmpty()) {
                ensureInstance();
            }
        }
    }

    void log(String line) {
        try {
            Files.writeString(logFile, "[local-lambda " + Instant.now() + "] " + name + ": " + line + System.lineSeparator(),
                    StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String traceId() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        byte[] id = new byte[12];
        byte[] parent = new byte[8];
        random.nextBytes(id);
        random.nextBytes(parent);
        return "Root=1-" + Long.toHexString(System.currentTimeMillis() / 1000) + "-" + HexFormat.of().formatHex(id)
                + ";Parent=" + HexFormat.of().formatHex(parent) + ";Sampled=0";
    }

    @Override
    public void close() {
        List<FunctionInstance> last;
        synchronized (this) {
            closed = true;
            last = List.copyOf(instances);
            instances.clear();
        }
        for (FunctionInstance environment : last) {
            environment.kill();
            try {
                environment.process().onExit().get(10, TimeUnit.SECONDS);
            } catch (Exception e) {
                log("environment " + environment.generation + " did not exit within 10 s: " + e);
            }
        }
        Invocation left;
        while ((left = pending.poll()) != null) {
            left.result.complete(InvocationResult.lambdaError("ServiceException", "the local Lambda service closed"));
        }
    }
}
