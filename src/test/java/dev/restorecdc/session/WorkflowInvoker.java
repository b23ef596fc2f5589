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
import java.util.concurrent.Executors;

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
                answer = JSON.writeValueAsBytes(workflow.run(input));
            } catch (Exception e) {
                Map<String, Object> error = new LinkedHashMap<>();
                error.put("errorMessage", e.getMessage());
                error.put("errorType", e.getClass().getName());
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

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
