package dev.restorecdc.local;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import software.amazon.awssdk.services.lambda.model.FunctionConfiguration;
import software.amazon.awssdk.services.lambda.model.ResourceNotFoundException;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The local Lambda service: runs the functions registered in the emulator's Lambda API as
 * {@code bin/lambda-runtime} processes behind the Lambda Runtime API, and answers Lambda's Invoke
 * ({@code POST /2015-03-31/functions/{name}/invocations}) for the emulator, whose Invoke (and so
 * Step Functions' lambda:invoke tasks) local-aws/src/main/python/emulator.py forwards here via RCDC_LAMBDA_INVOKE_URL.
 *
 * <p>Two phases because of a cycle: the emulator needs this service's URL when it starts, and this
 * service needs the emulator (function configuration, endpoint for the functions) to run anything.
 */
public final class LambdaService implements AutoCloseable {

    public static final Path LOG_DIR = Emulator.projectRoot().resolve("target/local-lambda");
    /** How long an invoke may wait for an environment to start, on top of the function's timeout. */
    private static final Duration START_ALLOWANCE = Duration.ofSeconds(120);

    private final HttpServer invokeServer;
    private final ExecutorService invokeThreads;
    private final ScheduledExecutorService timer;
    private final List<String> command;
    private final Map<String, LocalFunction> functions = new ConcurrentHashMap<>();
    private final Map<String, java.util.concurrent.atomic.LongAdder> invocations = new ConcurrentHashMap<>();
    private volatile LocalClients aws;

    private LambdaService(List<String> command) throws IOException {
        this.command = command;
        Files.createDirectories(LOG_DIR);
        this.timer = Executors.newScheduledThreadPool(1, daemon("lambda-timer"));
        this.invokeThreads = Executors.newCachedThreadPool(daemon("lambda-invoke-api"));
        this.invokeServer = LoopbackHttpServer.create(32);
        invokeServer.setExecutor(invokeThreads);
        invokeServer.createContext("/2015-03-31/functions/", this::handleInvoke);
        invokeServer.start();
    }

    /** Starts the Invoke endpoint; {@link #attach} the emulator before invoking anything. */
    public static LambdaService start() {
        String runtime = System.getProperty("rcdc.lambda-runtime", Emulator.projectRoot().resolve("bin/lambda-runtime").toString());
        return start(List.of(Path.of(runtime).toAbsolutePath().toString()));
    }

    /** With another runtime command (tests of the service itself use a tiny fake runtime). */
    public static LambdaService start(List<String> command) {
        try {
            return new LambdaService(command);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the local Lambda service", e);
        }
    }

    /** The value for the emulator's RCDC_LAMBDA_INVOKE_URL. */
    public String invokeUrl() {
        return "http://127.0.0.1:" + invokeServer.getAddress().getPort();
    }

    public void attach(LocalClients emulator) {
        this.aws = emulator;
    }

    /** Synchronous Invoke (RequestResponse), as Lambda's Invoke API: waits for the function's answer or error. */
    public InvocationResult invoke(String functionName, String payloadJson) {
        return invoke(functionName, payloadJson.getBytes(StandardCharsets.UTF_8));
    }

    public InvocationResult invoke(String functionName, byte[] payload) {
        LocalFunction function = function(functionName);
        invocations.computeIfAbsent(function.name(), n -> new java.util.concurrent.atomic.LongAdder()).increment();
        FunctionConfiguration configuration = function.configuration();
        try {
            return function.submit(payload).get(configuration.timeout() + START_ALLOWANCE.toSeconds(), TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            return InvocationResult.lambdaError("ServiceException", "no environment of " + functionName + " answered within "
                    + (configuration.timeout() + START_ALLOWANCE.toSeconds()) + " s; see " + logFile(function.name()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while invoking " + functionName, e);
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        }
    }

    /**
     * Synchronous invocations of {@code functionName} so far (through {@link #invoke}, the mappings'
     * and the Invoke API's alike); the bench divides AWS calls by it.
     */
    public long invocations(String functionName) {
        java.util.concurrent.atomic.LongAdder count = invocations.get(functionName(functionName));
        return count == null ? 0 : count.sum();
    }

    /** Event invocation: queued, answered later; Lambda's own retries of async events are not emulated. */
    public void invokeAsync(String functionName, byte[] payload) {
        function(functionName).submit(payload);
    }

    public static Path logFile(String functionName) {
        return LOG_DIR.resolve(functionName + ".log");
    }

    private LocalFunction function(String nameOrArn) {
        if (aws == null) {
            throw new IllegalStateException("the local Lambda service has no emulator attached yet");
        }
        String name = functionName(nameOrArn);
        LocalFunction known = functions.get(name);
        if (known != null) {
            return known; // one GetFunction per function, not per invocation
        }
        // Throws ResourceNotFoundException, as Lambda does, for a function the emulator does not know.
        aws.lambda().getFunction(r -> r.functionName(name));
        return functions.computeIfAbsent(name, n -> new LocalFunction(n, aws.lambda(), localEnvironment(), command, logFile(n), timer));
    }

    /** arn:aws:lambda:region:account:function:name[:qualifier] or a plain name → the name. */
    static String functionName(String nameOrArn) {
        if (!nameOrArn.startsWith("arn:")) {
            return nameOrArn;
        }
        String[] parts = nameOrArn.split(":");
        if (parts.length < 7 || !parts[5].equals("function")) {
            throw new IllegalArgumentException("not a Lambda function ARN: " + nameOrArn);
        }
        return parts[6];
    }

    /** What every function gets locally on top of its configured environment: the emulator and test credentials. */
    private Map<String, String> localEnvironment() {
        return Map.of(
                "AWS_ENDPOINT_URL", aws.endpoint().toString(),
                "AWS_REGION", LocalClients.REGION.id(),
                "AWS_DEFAULT_REGION", LocalClients.REGION.id(),
                "AWS_ACCESS_KEY_ID", LocalClients.ACCESS_KEY_ID,
                "AWS_SECRET_ACCESS_KEY", LocalClients.SECRET_ACCESS_KEY);
    }

    private void handleInvoke(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getRawPath().substring("/2015-03-31/functions/".length());
            if (!exchange.getRequestMethod().equals("POST") || !path.endsWith("/invocations")) {
                send(exchange, 404, null, "ResourceNotFoundException", "{\"Message\":\"no such route\"}");
                return;
            }
            String name = URLDecoder.decode(path.substring(0, path.length() - "/invocations".length()), StandardCharsets.UTF_8);
            byte[] payload;
            try (InputStream in = exchange.getRequestBody()) {
                payload = in.readAllBytes();
            }
            String type = exchange.getRequestHeaders().getFirst("X-Amz-Invocation-Type");
            try {
                if ("DryRun".equals(type)) {
                    function(name);
                    send(exchange, 204, null, null, "");
                } else if ("Event".equals(type)) {
                    invokeAsync(name, payload);
                    send(exchange, 202, null, null, "");
                } else {
                    InvocationResult result = invoke(name, payload);
                    exchange.getResponseHeaders().set("X-Amz-Executed-Version", "$LATEST");
                    send(exchange, 200, result.functionError(), null, result.payloadText());
                }
            } catch (ResourceNotFoundException e) {
                send(exchange, 404, null, "ResourceNotFoundException",
                        "{\"Type\":\"User\",\"Message\":\"Function not found: " + name + "\"}");
            } catch (RuntimeException e) {
                send(exchange, 500, null, "ServiceException", "{\"Type\":\"Service\",\"Message\":\"" + e.getClass().getSimpleName() + "\"}");
            }
        }
    }

    private static void send(HttpExchange exchange, int status, String functionError, String errorType, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        if (functionError != null) {
            exchange.getResponseHeaders().set("X-Amz-Function-Error", functionError);
        }
        if (errorType != null) {
            exchange.getResponseHeaders().set("X-Amzn-ErrorType", errorType);
        }
        exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        if (bytes.length > 0) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        }
    }

    private static java.util.concurrent.ThreadFactory daemon(String name) {
        return r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        };
    }

    @Override
    public void close() {
        invokeServer.stop(0);
        functions.values().forEach(LocalFunction::close);
        functions.clear();
        invokeThreads.shutdownNow();
        timer.shutdownNow();
    }
}
