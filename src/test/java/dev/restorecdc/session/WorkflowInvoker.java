package dev.restorecdc.session;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.function.Function;

/**
 * Answers the launcher's forwarded Lambda Invoke ({@code RCDC_LAMBDA_INVOKE_URL}) for the workflow
 * function by running {@link SessionSteps} in this JVM, with Lambda's answer shapes: the step's
 * output, or {@code X-Amz-Function-Error: Unhandled} with {@code errorMessage}/{@code errorType}.
 * Test scope, for running the real state machine before the local Lambda service (which runs the
 * packaged artefact) exists; it replaces no step's logic, only the process the function runs in.
 */
final class WorkflowInvoker implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpServer server;
    private volatile SessionSteps workflow;
    private final Map<String, Function<Map<String, Object>, Object>> answers = new ConcurrentHashMap<>();
    private volatile Set<String> failFirstCall = Set.of();
    private volatile Set<String> throttleFirstCall = Set.of();
    private volatile String transientError;
    private final Map<String, Integer> calls = new ConcurrentHashMap<>();

    WorkflowInvoker() {
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.setExecutor(Executors.newCachedThreadPool());
        server.createContext("/2015-03-31/functions/", exchange -> {
            byte[] answer;
            try {
                Map<String, Object> input = JSON.readValue(exchange.getRequestBody(), new TypeReference<>() { });
                String action = String.valueOf(input.get("action"));
                int call = calls.merge(action, 1, Integer::sum);
                if (call == 1 && throttleFirstCall.contains(action)) {
                    // Lambda's own answer to a throttled Invoke: HTTP 429 TooManyRequestsException.
                    byte[] refusal = "{\"Type\":\"User\",\"message\":\"Rate Exceeded.\",\"Reason\":\"ReservedFunctionConcurrentInvocationLimitExceeded\"}"
                            .getBytes(java.nio.charset.StandardCharsets.UTF_8);
                    exchange.getResponseHeaders().add("X-Amzn-ErrorType", "TooManyRequestsException");
                    exchange.getResponseHeaders().add("Content-Type", "application/json");
                    exchange.sendResponseHeaders(429, refusal.length);
                    exchange.getResponseBody().write(refusal);
                    exchange.close();
                    return;
                }
                if (call == 1 && failFirstCall.contains(action)) {
                    throw new TransientFault(transientError, action);
                }
                Function<Map<String, Object>, Object> own = answers.get(action);
                answer = JSON.writeValueAsBytes(own != null ? own.apply(input) : workflow.run(input));
            } catch (Exception e) {
                Map<String, Object> error = new LinkedHashMap<>();
                error.put("errorMessage", e.getMessage());
                error.put("errorType", e instanceof TransientFault fault ? fault.type : e.getClass().getName());
                answer = JSON.writeValueAsBytes(error);
                exchange.getResponseHeaders().add("X-Amz-Function-Error", "Unhandled");
            }
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, answer.length);
            exchange.getResponseBody().write(answer);
            exchange.close();
        });
        server.start();
    }

    /** The steps to run; set once the emulator (which needs {@link #url()} first) is up. */
    void serve(SessionSteps workflow) {
        this.workflow = workflow;
    }

    /** Answers {@code action} with {@code answer} instead of the step (a broken step, a wrong output). */
    void answer(String action, Function<Map<String, Object>, Object> answer) {
        answers.put(action, answer);
    }

    /**
     * The first call of each of {@code actions} fails as the function would on a transient AWS error
     * that outlived the SDK's retries: an unhandled function error of type {@code errorType}.
     */
    void failFirstCallOf(Set<String> actions, String errorType) {
        this.transientError = errorType;
        this.failFirstCall = Set.copyOf(actions);
    }

    /** The first Invoke of each of {@code actions} is throttled by Lambda itself (HTTP 429), before the function runs. */
    void throttleFirstCallOf(Set<String> actions) {
        this.throttleFirstCall = Set.copyOf(actions);
    }

    /** How many times each action was invoked. */
    Map<String, Integer> calls() {
        return Map.copyOf(calls);
    }

    /** A transient failure injected by {@link #failFirstCallOf}. */
    private static final class TransientFault extends RuntimeException {
        final String type;

        TransientFault(String type, String action) {
            super("injected transient failure of the first " + action + " call");
            this.type = type;
        }
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
