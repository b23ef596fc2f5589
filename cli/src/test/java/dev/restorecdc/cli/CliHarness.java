package dev.restorecdc.cli;

import dev.restorecdc.local.Emulator;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * Runs the CLI in-process against the emulator and gives tests SDK clients built the CLI's own way
 * (so the tests exercise the environment handling too).
 */
final class CliHarness implements AutoCloseable {

    final String endpoint;
    final Map<String, String> env = new HashMap<>();
    final AwsClients aws;
    private final Emulator moto;

    private CliHarness(Emulator moto, String endpoint) {
        this.moto = moto;
        this.endpoint = endpoint;
        env.put("AWS_REGION", Emulator.REGION);
        env.put("AWS_ENDPOINT_URL", endpoint);
        env.put("AWS_ACCESS_KEY_ID", "test");
        env.put("AWS_SECRET_ACCESS_KEY", "test");
        aws = new AwsClients(env);
    }

    /** moto through the project's launcher (local-aws/src/main/python/emulator.py): Step Functions execution on, MOTO_PORT set. */
    static CliHarness start() {
        Emulator emulator = Emulator.start();
        return new CliHarness(emulator, emulator.endpoint().toString());
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
     * A raw call to a moto API the project has no SDK module for (S3): moto routes by the service
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
        moto.close();
    }
}
