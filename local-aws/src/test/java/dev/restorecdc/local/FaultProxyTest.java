package dev.restorecdc.local;

import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The fault proxy's per-operation call counts (the bench's calls per invocation come from them). */
class FaultProxyTest {

    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void countsEveryCallByOperationAndKeepsNoBodiesWhenToldNot() throws Exception {
        HttpServer upstream = LoopbackHttpServer.create(8);
        upstream.createContext("/", exchange -> {
            exchange.getRequestBody().readAllBytes();
            byte[] ok = "{}".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, ok.length);
            exchange.getResponseBody().write(ok);
            exchange.close();
        });
        upstream.start();
        try (FaultProxy proxy = FaultProxy.start(URI.create("http://127.0.0.1:" + upstream.getAddress().getPort())).withoutBodies()) {
            send(proxy, "POST", "/", "DynamoDB_20120810.BatchWriteItem");
            send(proxy, "POST", "/", "DynamoDB_20120810.BatchWriteItem");
            send(proxy, "POST", "/", "AmazonSQS.ReceiveMessage");
            send(proxy, "GET", "/2015-03-31/event-source-mappings/8d2c6a4e", null);

            assertThat(proxy.calls()).isEqualTo(Map.of(
                    "DynamoDB_20120810.BatchWriteItem", 2L,
                    "AmazonSQS.ReceiveMessage", 1L,
                    "GET /2015-03-31/event-source-mappings", 1L));
            assertThat(proxy.requests("DynamoDB_20120810.BatchWriteItem")).as("no bodies kept").isEmpty();

            proxy.resetCalls();
            assertThat(proxy.calls()).isEmpty();
        } finally {
            upstream.stop(0);
        }
    }

    private void send(FaultProxy proxy, String method, String path, String target) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(proxy.endpoint().resolve(path))
                .method(method, method.equals("GET") ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString("{}"));
        if (target != null) {
            request.header("X-Amz-Target", target);
        }
        assertThat(http.send(request.build(), HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);
    }
}
