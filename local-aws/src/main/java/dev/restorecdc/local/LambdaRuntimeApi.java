package dev.restorecdc.local;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A minimal Lambda Runtime API (the interface {@code bin/lambda-runtime} polls): {@link #invoke}
 * queues an event and returns the function's answer once it posts one. Only what a runtime needs:
 * GET {@code /invocation/next} (long poll), POST {@code /invocation/{id}/response|error},
 * POST {@code /init/error}.
 */
public final class LambdaRuntimeApi implements AutoCloseable {

    private static final String BASE = "/2018-06-01/runtime/";

    /** What the function answered: a response, or an error with its type. */
    public record Outcome(boolean error, String body, String errorType) {
    }

    private record Invocation(String id, String event) {
    }

    private final HttpServer server;
    private final ExecutorService threads = Executors.newCachedThreadPool(daemon());
    private final BlockingQueue<Invocation> pending = new LinkedBlockingQueue<>();
    private final Map<String, CompletableFuture<Outcome>> outcomes = new ConcurrentHashMap<>();
    private final String functionArn;
    private volatile String initError;

    private LambdaRuntimeApi(String functionName) throws IOException {
        functionArn = "arn:aws:lambda:" + Emulator.REGION + ":123456789012:function:" + functionName;
        server = LoopbackHttpServer.create(0);
        server.createContext(BASE, this::handle);
        server.setExecutor(threads); // GET /next blocks: one thread per waiting runtime
        server.start();
    }

    public static LambdaRuntimeApi start(String functionName) {
        try {
            return new LambdaRuntimeApi(functionName);
        } catch (IOException e) {
            throw new IllegalStateException("cannot open the Runtime API's port", e);
        }
    }

    /** The value for {@code AWS_LAMBDA_RUNTIME_API}. */
    public String address() {
        return "127.0.0.1:" + server.getAddress().getPort();
    }

    /** Queues one invocation; the future completes when the function posts its response or error. */
    public CompletableFuture<Outcome> invoke(String event) {
        String id = UUID.randomUUID().toString();
        CompletableFuture<Outcome> outcome = new CompletableFuture<>();
        outcomes.put(id, outcome);
        pending.add(new Invocation(id, event));
        return outcome;
    }

    /** The runtime's init error report, if it sent one (e.g. an unknown handler). */
    public String initError() {
        return initError;
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getPath().substring(BASE.length());
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            if (path.equals("invocation/next")) {
                next(exchange);
            } else if (path.equals("init/error")) {
                initError = body;
                outcomes.values().forEach(o -> o.completeExceptionally(new IllegalStateException("init error: " + body)));
                reply(exchange, 202, "{\"status\":\"OK\"}");
            } else if (path.startsWith("invocation/") && (path.endsWith("/response") || path.endsWith("/error"))) {
                String id = path.substring("invocation/".length(), path.lastIndexOf('/'));
                CompletableFuture<Outcome> outcome = outcomes.get(id);
                if (outcome == null) {
                    reply(exchange, 400, "{\"errorMessage\":\"unknown request id " + id + "\"}");
                    return;
                }
                boolean error = path.endsWith("/error");
                outcome.complete(new Outcome(error, body,
                        error ? exchange.getRequestHeaders().getFirst("Lambda-Runtime-Function-Error-Type") : null));
                reply(exchange, 202, "{\"status\":\"OK\"}");
            } else {
                reply(exchange, 404, "{\"errorMessage\":\"no such path " + path + "\"}");
            }
        }
    }

    private void next(HttpExchange exchange) throws IOException {
        Invocation invocation;
        try {
            invocation = pending.take(); // Lambda's long poll: the runtime waits until there is work
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        var headers = exchange.getResponseHeaders();
        headers.add("Lambda-Runtime-Aws-Request-Id", invocation.id());
        headers.add("Lambda-Runtime-Deadline-Ms",
                Long.toString(System.currentTimeMillis() + Duration.ofMinutes(5).toMillis()));
        headers.add("Lambda-Runtime-Invoked-Function-Arn", functionArn);
        headers.add("Lambda-Runtime-Trace-Id", "Root=1-00000000-000000000000000000000000;Sampled=0");
        reply(exchange, 200, invocation.event());
    }

    /** Always with a Content-Type: the RIC's native client (2.10.1) crashes on a response without one. */
    private static void reply(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
    }

    @Override
    public void close() {
        server.stop(0);
        threads.shutdownNow();
        try {
            threads.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static java.util.concurrent.ThreadFactory daemon() {
        return runnable -> {
            Thread thread = new Thread(runnable, "lambda-runtime-api");
            thread.setDaemon(true);
            return thread;
        };
    }
}
