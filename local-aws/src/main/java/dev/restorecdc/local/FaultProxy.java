package dev.restorecdc.local;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.zip.CRC32;

/**
 * An HTTP proxy in front of the emulator that lets a test make AWS misbehave the way it does in
 * production (throttling, partial batch failures), which moto never does by itself. Rules are keyed
 * by the JSON protocol's {@code X-Amz-Target} (e.g. {@code DynamoDB_20120810.BatchWriteItem},
 * {@code AmazonSQS.SendMessageBatch}); every request body is recorded per target, unless
 * {@link #withoutBodies()}. Every call is also counted per operation ({@link #calls()}): the bench
 * reports AWS calls per invocation from these counts.
 */
public final class FaultProxy implements AutoCloseable {

    /** A reply the proxy gives instead of, or after, the emulator's. */
    public record Reply(int status, String body) {
    }

    /** Sends a (possibly rewritten) request body to the emulator and returns its reply. */
    public interface Upstream {
        Reply send(String body);
    }

    /** Decides what one request gets. */
    public interface Rule {
        Reply handle(String requestBody, Upstream upstream);
    }

    private static final Set<String> NOT_FORWARDED = Set.of("host", "content-length", "connection", "expect",
            "upgrade", "transfer-encoding");

    private final HttpServer server;
    private final URI upstream;
    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final Map<String, Rule> rules = new ConcurrentHashMap<>();
    private final Map<String, List<String>> seen = new ConcurrentHashMap<>();
    private final Map<String, java.util.concurrent.atomic.LongAdder> calls = new ConcurrentHashMap<>();
    private volatile long latencyMillis;
    private volatile boolean recordBodies = true;

    private FaultProxy(URI upstream) throws IOException {
        this.upstream = upstream;
        this.server = LoopbackHttpServer.create(0);
        server.createContext("/", this::handle);
        server.setExecutor(Executors.newCachedThreadPool());
        server.start();
    }

    public static FaultProxy start(URI upstream) {
        try {
            return new FaultProxy(upstream);
        } catch (IOException e) {
            throw new IllegalStateException("cannot open the fault proxy's port", e);
        }
    }

    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    /** Adds a fixed delay to every call, as the network to a real AWS endpoint does (a few ms in-region). */
    public FaultProxy withLatency(java.time.Duration latency) {
        this.latencyMillis = latency.toMillis();
        return this;
    }

    /** Stops keeping request bodies (a long benchmark would hold every one); calls are still counted. */
    public FaultProxy withoutBodies() {
        this.recordBodies = false;
        seen.clear();
        return this;
    }

    /**
     * Calls forwarded so far, per operation: the {@code X-Amz-Target} for JSON-protocol services
     * (e.g. {@code DynamoDB_20120810.BatchWriteItem}), else {@code <METHOD> <path without ids>} for
     * REST ones (e.g. {@code GET /2015-03-31/event-source-mappings}); a snapshot.
     */
    public Map<String, Long> calls() {
        Map<String, Long> snapshot = new java.util.TreeMap<>();
        calls.forEach((operation, count) -> snapshot.put(operation, count.sum()));
        return snapshot;
    }

    /** Starts counting {@link #calls()} from zero. */
    public void resetCalls() {
        calls.clear();
    }

    public void on(String amzTarget, Rule rule) {
        rules.put(amzTarget, rule);
    }

    /** Removes every rule and forgets what was seen. */
    public void reset() {
        rules.clear();
        seen.clear();
    }

    public List<String> requests(String amzTarget) {
        return seen.getOrDefault(amzTarget, List.of());
    }

    @Override
    public void close() {
        server.stop(0);
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            if (latencyMillis > 0) {
                Thread.sleep(latencyMillis);
            }
            String target = exchange.getRequestHeaders().getFirst("X-Amz-Target");
            calls.computeIfAbsent(target != null ? target : restOperation(exchange), o -> new java.util.concurrent.atomic.LongAdder()).increment();
            if (target != null && recordBodies) {
                seen.computeIfAbsent(target, t -> new CopyOnWriteArrayList<>()).add(body);
            }
            Map<String, List<String>> upstreamHeaders = new ConcurrentHashMap<>();
            Upstream forward = rewritten -> forward(exchange, rewritten, upstreamHeaders);
            Rule rule = target == null ? null : rules.get(target);
            Reply reply = rule == null ? forward.send(body) : rule.handle(body, forward);
            respond(exchange, reply, upstreamHeaders);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            byte[] message = ("fault proxy: " + e).getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(502, message.length);
            exchange.getResponseBody().write(message);
        }
    }

    /** A REST call's operation: method and the path's first two segments (e.g. the Lambda API's version and resource). */
    private static String restOperation(HttpExchange exchange) {
        String[] segments = exchange.getRequestURI().getPath().split("/");
        StringBuilder path = new StringBuilder();
        for (int i = 1; i < Math.min(segments.length, 3); i++) {
            path.append('/').append(segments[i]);
        }
        return exchange.getRequestMethod() + " " + (path.length() == 0 ? "/" : path);
    }

    private Reply forward(HttpExchange exchange, String body, Map<String, List<String>> responseHeaders) {
        URI uri = upstream.resolve(exchange.getRequestURI().toString());
        HttpRequest.Builder request = HttpRequest.newBuilder(uri)
                .method(exchange.getRequestMethod(), HttpRequest.BodyPublishers.ofString(body));
        exchange.getRequestHeaders().forEach((name, values) -> {
            if (!NOT_FORWARDED.contains(name.toLowerCase())) {
                values.forEach(value -> request.header(name, value));
            }
        });
        try {
            HttpResponse<String> response = client.send(request.build(), HttpResponse.BodyHandlers.ofString());
            responseHeaders.putAll(response.headers().map());
            return new Reply(response.statusCode(), response.body());
        } catch (IOException e) {
            throw new IllegalStateException("emulator unreachable at " + uri, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static void respond(HttpExchange exchange, Reply reply, Map<String, List<String>> upstreamHeaders) throws IOException {
        byte[] bytes = reply.body().getBytes(StandardCharsets.UTF_8);
        upstreamHeaders.forEach((name, values) -> {
            String lower = name.toLowerCase();
            if (!NOT_FORWARDED.contains(lower) && !lower.equals("x-amz-crc32") && !lower.equals(":status")) {
                exchange.getResponseHeaders().put(name, values);
            }
        });
        if (!exchange.getResponseHeaders().containsKey("Content-Type")) {
            exchange.getResponseHeaders().add("Content-Type", "application/x-amz-json-1.0");
        }
        // DynamoDB clients check the body's CRC32: a rewritten body needs a new one.
        CRC32 crc = new CRC32();
        crc.update(bytes);
        exchange.getResponseHeaders().set("x-amz-crc32", Long.toString(crc.getValue()));
        exchange.sendResponseHeaders(reply.status(), bytes.length == 0 ? -1 : bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }
}
