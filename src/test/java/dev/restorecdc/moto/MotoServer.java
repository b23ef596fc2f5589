package dev.restorecdc.moto;

import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;

import java.io.File;
import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;

/**
 * A plain moto server for one test class ({@code python3 -m moto.server}). A stop-gap until the
 * project's launcher ({@code local/emulator.py}, with its fixes) and {@code Emulator} harness are on
 * main: moto here has none of those fixes, e.g. only the first StartExecution per server works.
 */
public final class MotoServer implements AutoCloseable {

    public static final Region REGION = Region.US_EAST_1;
    public static final String ACCOUNT = "123456789012";

    private final Process process;
    private final int port;

    private MotoServer(Process process, int port) {
        this.process = process;
        this.port = port;
    }

    public static MotoServer start() {
        int port = freePort();
        try {
            ProcessBuilder pb = new ProcessBuilder("python3", "-m", "moto.server", "-H", "127.0.0.1", "-p", String.valueOf(port))
                    .redirectErrorStream(true)
                    .redirectOutput(new File(System.getProperty("java.io.tmpdir"), "moto-" + port + ".log"));
            // Step Functions' SDK tasks call http://localhost:$MOTO_PORT.
            pb.environment().put("MOTO_PORT", String.valueOf(port));
            pb.environment().put("AWS_DEFAULT_REGION", REGION.id());
            pb.environment().put("AWS_ACCESS_KEY_ID", "test");
            pb.environment().put("AWS_SECRET_ACCESS_KEY", "test");
            MotoServer server = new MotoServer(pb.start(), port);
            server.awaitUp(Duration.ofSeconds(30));
            return server;
        } catch (IOException e) {
            throw new IllegalStateException("cannot start moto (python3 -m moto.server)", e);
        }
    }

    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + port);
    }

    public int port() {
        return port;
    }

    /** Points an SDK client builder at this server with dummy credentials. */
    public <B extends AwsClientBuilder<B, C>, C> C client(B builder) {
        if (builder instanceof software.amazon.awssdk.awscore.client.builder.AwsSyncClientBuilder<?, ?> sync) {
            sync.httpClientBuilder(UrlConnectionHttpClient.builder());
        }
        return builder.endpointOverride(endpoint()).region(REGION)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
                .build();
    }

    /** Turns on moto's Step Functions executor (off by default: executions then just "succeed"). */
    public void executeStateMachines() {
        post("/moto-api/config", "{\"stepfunctions\": {\"execute_state_machine\": true}}");
    }

    /** Forgets every resource (all services), so each test starts from an empty account. */
    public void reset() {
        post("/moto-api/reset", "");
    }

    private void post(String path, String body) {
        try {
            HttpURLConnection c = (HttpURLConnection) endpoint().resolve(path).toURL().openConnection();
            c.setRequestMethod("POST");
            c.setDoOutput(true);
            c.setRequestProperty("Content-Type", "application/json");
            c.getOutputStream().write(body.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            if (c.getResponseCode() != 200) {
                throw new IllegalStateException("POST " + path + " answered " + c.getResponseCode());
            }
        } catch (IOException e) {
            throw new IllegalStateException("POST " + path, e);
        }
    }

    private void awaitUp(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("moto exited with " + process.exitValue() + " on port " + port);
            }
            try {
                HttpURLConnection c = (HttpURLConnection) endpoint().resolve("/moto-api/").toURL().openConnection();
                c.setConnectTimeout(200);
                if (c.getResponseCode() > 0) {
                    return;
                }
            } catch (IOException notYet) {
                // keep waiting
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        close();
        throw new IllegalStateException("moto did not answer on port " + port + " within " + timeout);
    }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        process.destroy();
        try {
            process.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
