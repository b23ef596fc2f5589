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
 * {@code AmazonSQS.SendMessageBatch}); every request body is recorded per target.
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
    private volatile long latencyMillis;

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
            if (target != null) {
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
