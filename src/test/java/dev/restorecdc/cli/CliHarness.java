package dev.restorecdc.cli;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

/**
 * Runs the CLI in-process against moto and gives tests SDK clients built the CLI's own way.
 * TEMPORARY launcher until the emulator harness (dev.restorecdc.local.Emulator) is merged.
 */
final class CliHarness implements AutoCloseable {

    final String endpoint;
    final Map<String, String> env = new HashMap<>();
    final AwsClients aws;
    private final Process moto;

    private CliHarness(Process moto, String endpoint) {
        this.moto = moto;
        this.endpoint = endpoint;
        env.put("AWS_REGION", "us-east-1");
        env.put("AWS_ENDPOINT_URL", endpoint);
        env.put("AWS_ACCESS_KEY_ID", "test");
        env.put("AWS_SECRET_ACCESS_KEY", "test");
        aws = new AwsClients(env);
    }

    static CliHarness start() throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        ProcessBuilder builder = new ProcessBuilder("python3", "-m", "moto.server", "-H", "127.0.0.1", "-p", Integer.toString(port))
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD);
        builder.environment().put("MOTO_PORT", Integer.toString(port));
        Process process = builder.start();
        String endpoint = "http://127.0.0.1:" + port;
        HttpClient http = HttpClient.newHttpClient();
        Instant deadline = Instant.now().plusSeconds(60);
        while (true) {
            try {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(endpoint + "/moto-api/config"))
                        .POST(HttpRequest.BodyPublishers.ofString("{\"stepfunctions\":{\"execute_state_machine\":true}}"))
                        .header("Content-Type", "application/json").build(), HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200 || r.statusCode() == 201) {
                    break;
                }
            } catch (IOException notYet) {
                // still starting
            }
            if (Instant.now().isAfter(deadline) || !process.isAlive()) {
                process.destroy();
                throw new IllegalStateException("moto did not start on " + endpoint);
            }
            Thread.sleep(200);
        }
        return new CliHarness(process, endpoint);
    }

    /** The outcome of one CLI run. */
    record Run(int exit, String out, String err) {
    }

    Run run(String... args) {
        return run(env, args);
    }

    static Run run(Map<String, String> env, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = RestoreCdc.run(args, env, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    /**
     * A raw call to a moto API the CLI has no SDK module for (IAM, S3): moto routes by the service
     * named in the Authorization header's credential scope and does not check the signature.
     */
    void raw(String service, String method, String path, String form) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(endpoint + path)).timeout(Duration.ofSeconds(30))
                .header("Authorization", "AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/" + service
                        + "/aws4_request, SignedHeaders=host, Signature=0")
                .method(method, form == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(form));
        if (form != null) {
            request.header("Content-Type", "application/x-www-form-urlencoded");
        }
        HttpResponse<String> response = HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() >= 300) {
            throw new IllegalStateException(service + " " + path + ": " + response.statusCode() + " " + response.body());
        }
    }

    @Override
    public void close() {
        aws.close();
        moto.destroy();
    }
}
