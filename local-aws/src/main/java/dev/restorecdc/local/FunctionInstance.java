package dev.restorecdc.local;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import software.amazon.awssdk.services.lambda.model.FunctionConfiguration;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * One execution environment: a {@code bin/lambda-runtime} process and the Lambda Runtime API
 * server it talks to. Each environment gets its own server (port), so a request from a killed
 * process can never take an invocation meant for its successor.
 */
final class FunctionInstance {

    private static final String PREFIX = "/2018-06-01/runtime/";

    final int generation;
    private final LocalFunction function;
    private final HttpServer server;
    private final ExecutorService threads;
    private volatile Process process;
    private volatile boolean stopped;
    /** The invocation this environment is running; Lambda runs one at a time per environment. */
    volatile Invocation current;
    /** Set when the runtime reported an init error: the invocation that started it fails with it. */
    volatile InvocationResult initError;
    /** The function's configuration (timeout, environment) as moto held it when this environment started. */
    volatile FunctionConfiguration configuration;
    /** How many invocations this environment took; 0 at exit means it died while starting. */
    volatile int served;
    /** Stopped because the function's configuration changed (not a failure: no invocation is failed for it). */
    volatile boolean retired;

    FunctionInstance(LocalFunction function, int generation) throws IOException {
        this.function = function;
        this.generation = generation;
        this.server = LoopbackHttpServer.create(16);
        this.threads = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, function.name() + "-runtime-api-" + generation);
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(threads);
        server.createContext(PREFIX, this::handle);
        server.start();
    }

    String runtimeApi() {
        return "127.0.0.1:" + server.getAddress().getPort();
    }

    void attach(Process process) {
        this.process = process;
    }

    boolean alive() {
        return !stopped && process != null && process.isAlive();
    }

    /** Killed, or its process is gone: a new invocation needs a new environment. */
    boolean stoppedOrDead() {
        return stopped || (process != null && !process.isAlive());
    }

    /** Kills the process and everything it started (bin/lambda-runtime may run java as a child). */
    void kill() {
        stopped = true;
        Process p = process;
        if (p != null) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
        }
        server.stop(0);
        threads.shutdownNow();
    }

    Process process() {
        return process;
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getPath().substring(PREFIX.length());
            String method = exchange.getRequestMethod();
            if (method.equals("GET") && path.equals("invocation/next")) {
                next(exchange);
            } else if (method.equals("POST") && path.equals("init/error")) {
                byte[] body = read(exchange);
                initError = new InvocationResult(body, "Unhandled");
                function.log("init error from environment " + generation + ": " + new String(body, StandardCharsets.UTF_8));
                send(exchange, 202, "{\"status\":\"OK\"}");
            } else if (method.equals("POST") && path.startsWith("invocation/") && path.endsWith("/response")) {
                String requestId = path.substring("invocation/".length(), path.length() - "/response".length());
                answered(exchange, requestId, InvocationResult.success(read(exchange)));
            } else if (method.equals("POST") && path.startsWith("invocation/") && path.endsWith("/error")) {
                String requestId = path.substring("invocation/".length(), path.length() - "/error".length());
                answered(exchange, requestId, new InvocationResult(read(exchange), "Unhandled"));
            } else {
                send(exchange, 404, "{\"errorType\":\"NotFound\",\"errorMessage\":\"" + method + " " + path + "\"}");
            }
        }
    }

    private void next(HttpExchange exchange) throws IOException {
        Invocation invocation = function.next(this);
        if (invocation == null) {
            // This environment is being shut down; its runtime will not get another event.
            send(exchange, 410, "{\"errorType\":\"EnvironmentStopped\",\"errorMessage\":\"environment stopped\"}");
            return;
        }
        Map<String, String> headers = function.invocationHeaders(invocation);
        headers.forEach((name, value) -> exchange.getResponseHeaders().set(name, value));
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(200, invocation.payload.length == 0 ? -1 : invocation.payload.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(invocation.payload);
        }
    }

    private void answered(HttpExchange exchange, String requestId, InvocationResult result) throws IOException {
        Invocation invocation = current;
        if (invocation == null || !invocation.requestId.equals(requestId)) {
            send(exchange, 400, "{\"errorType\":\"InvalidRequestID\",\"errorMessage\":\"unknown request id " + requestId + "\"}");
            return;
        }
        current = null;
        function.completed(this, invocation, result);
        send(exchange, 202, "{\"status\":\"OK\"}");
    }

    private static byte[] read(HttpExchange exchange) throws IOException {
        try (InputStream in = exchange.getRequestBody()) {
            return in.readAllBytes();
        }
    }

    private static void send(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }
}
