package dev.restorecdc.local;

import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.core.client.builder.SdkSyncClientBuilder;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient;
import software.amazon.awssdk.services.sqs.SqsClient;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The moto emulator, started through the project's launcher {@code local-aws/src/main/python/emulator.py} (which
 * applies the fixes of shared/LOCAL-AWS.md) on a free loopback port. One per test class or suite:
 * {@code try (Emulator emulator = Emulator.start()) { ... }}.
 *
 * <p>The launcher stops when its stdin closes, so an emulator never outlives a JVM that dies
 * without calling {@link #close()}.
 */
public final class Emulator implements AutoCloseable {

    /** AWS_REGION when set (as for any SDK client), else us-east-1; the emulator itself answers in every region. */
    public static final String REGION = regionFromEnvironment();
    public static final String ACCESS_KEY = "test";
    public static final String SECRET_KEY = "test";

    /** The launcher, relative to the project root (which is found by looking for it). */
    public static final String LAUNCHER = "local-aws/src/main/python/emulator.py";
    private static final String READY = "EMULATOR READY ";
    /** Importing moto takes a few seconds; on a busy 2-core machine far more. */
    private static final Duration START_TIMEOUT = Duration.ofSeconds(90);

    private final Process process;
    private final URI endpoint;
    private final Path log;

    private Emulator(Process process, URI endpoint, Path log) {
        this.process = process;
        this.endpoint = endpoint;
        this.log = log;
    }

    /**
     * The Python interpreter with moto and boto3: {@code RCDC_PYTHON} (the Makefile sets it from
     * local-aws/python-env, which may have made a project-local venv), else python3.
     */
    private static String regionFromEnvironment() {
        String region = System.getenv("AWS_REGION");
        return region == null || region.isBlank() ? "us-east-1" : region;
    }

    public static String python() {
        String configured = System.getenv("RCDC_PYTHON");
        return configured == null || configured.isBlank() ? "python3" : configured;
    }

    public static Emulator start() {
        return start(Map.of());
    }

    /** @param env extra environment for the launcher, e.g. {@code RCDC_LAMBDA_INVOKE_URL} */
    public static Emulator start(Map<String, String> env) {
        return start(env, 0);
    }

    /**
     * @param env extra environment for the launcher, e.g. {@code RCDC_LAMBDA_INVOKE_URL}
     * @param port the loopback port to listen on; 0 picks a free one
     */
    public static Emulator start(Map<String, String> env, int port) {
        Path root = projectRoot();
        Process process = null;
        Path log = null;
        try {
            Path logDir = Files.createDirectories(root.resolve("target/emulator"));
            log = Files.createTempFile(logDir, "emulator-", ".log");
            // stdout is read for the READY line; stderr (moto's log) goes to a file so it can
            // never fill a pipe and stall the server. stdin stays an open pipe (see class doc).
            ProcessBuilder builder = new ProcessBuilder(python(), root.resolve(LAUNCHER).toString(), "--port", String.valueOf(port))
                    .directory(root.toFile())
                    .redirectError(log.toFile());
            builder.environment().putAll(env);
            process = builder.start();
            URI endpoint = awaitReady(process, log);
            return new Emulator(process, endpoint, log);
        } catch (IOException e) {
            stop(process);
            throw new IllegalStateException("cannot start " + python() + " " + LAUNCHER + " in " + root + ": " + e.getMessage()
                    + tail(log), e);
        } catch (RuntimeException e) {
            stop(process);
            throw e;
        }
    }

    private static URI awaitReady(Process process, Path log) {
        CompletableFuture<URI> ready = new CompletableFuture<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader out = new BufferedReader(
                    new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = out.readLine()) != null) {
                    if (line.startsWith(READY)) {
                        ready.complete(URI.create(line.substring(READY.length()).trim()));
                    }
                }
                ready.completeExceptionally(new IllegalStateException(
                        "emulator exited (code " + process.waitFor() + ") before it was ready"));
            } catch (IOException | InterruptedException e) {
                ready.completeExceptionally(e);
            }
        }, "emulator-stdout");
        reader.setDaemon(true);
        reader.start();
        try {
            return ready.get(START_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            throw new IllegalStateException("emulator not ready within " + START_TIMEOUT.toSeconds() + " s" + tail(log));
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause().getMessage() + tail(log), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while starting the emulator", e);
        }
    }

    public URI endpoint() {
        return endpoint;
    }

    public int port() {
        return endpoint.getPort();
    }

    /** The launcher's stderr (moto's log), for a failing test's message. */
    public Path log() {
        return log;
    }

    /** Points an SDK v2 client builder at this emulator. */
    public <B extends AwsClientBuilder<B, ?> & SdkSyncClientBuilder<B, ?>> B configure(B builder) {
        return configure(builder, endpoint);
    }

    /** Points an SDK v2 client builder at an emulator, e.g. one known only from {@code emulator.endpoint}. */
    public static <B extends AwsClientBuilder<B, ?> & SdkSyncClientBuilder<B, ?>> B configure(B builder, URI endpoint) {
        return builder.endpointOverride(endpoint)
                .region(Region.of(REGION))
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS_KEY, SECRET_KEY)))
                .httpClientBuilder(UrlConnectionHttpClient.builder());
    }

    public DynamoDbClient dynamo() {
        return configure(DynamoDbClient.builder()).build();
    }

    public DynamoDbStreamsClient dynamoStreams() {
        return configure(DynamoDbStreamsClient.builder()).build();
    }

    public SqsClient sqs() {
        return configure(SqsClient.builder()).build();
    }

    /** Environment that points a function process (the SDK's standard variables) at this emulator. */
    public Map<String, String> awsEnvironment() {
        return Map.of("AWS_ENDPOINT_URL", endpoint.toString(), "AWS_REGION", REGION,
                "AWS_ACCESS_KEY_ID", ACCESS_KEY, "AWS_SECRET_ACCESS_KEY", SECRET_KEY);
    }

    /**
     * Forgets every resource of every service ({@code POST /moto-api/reset}), so a test can start from
     * an empty account without a new launcher. Settings (Step Functions execution) and patches stay.
     */
    public void reset() {
        try {
            HttpURLConnection post = (HttpURLConnection) endpoint.resolve("/moto-api/reset").toURL().openConnection();
            post.setRequestMethod("POST");
            int status = post.getResponseCode();
            if (status / 100 != 2) {
                throw new IllegalStateException("POST /moto-api/reset answered " + status + tail(log));
            }
            post.getInputStream().close();
        } catch (IOException e) {
            throw new IllegalStateException("cannot reset the emulator at " + endpoint + tail(log), e);
        }
    }

    /**
     * Test hook of the {@code stream-shards} patch: closes every open shard of the table's stream
     * (DescribeStream then shows its EndingSequenceNumber) and opens {@code children} child shards
     * naming it as parent; later writes go to a child by their hash key, as DynamoDB rotates shards.
     *
     * @return the emulator's answer, {@code {"split": [{"parent", "ending_sequence_number", "children": [...]}]}}
     */
    public String splitStreamShards(String tableName, int children) {
        try {
            HttpURLConnection post = (HttpURLConnection) endpoint.resolve("/moto-api/rcdc/split-stream-shard").toURL().openConnection();
            post.setRequestMethod("POST");
            post.setDoOutput(true);
            post.setRequestProperty("Content-Type", "application/json");
            try (var body = post.getOutputStream()) {
                body.write(("{\"table_name\":\"" + tableName + "\",\"children\":" + children + "}")
                        .getBytes(java.nio.charset.StandardCharsets.UTF_8));
            }
            int status = post.getResponseCode();
            if (status / 100 != 2) {
                throw new IllegalStateException("POST /moto-api/rcdc/split-stream-shard answered " + status + tail(log));
            }
            try (var in = post.getInputStream()) {
                return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot split the stream shards of " + tableName + " at " + endpoint + tail(log), e);
        }
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    @Override
    public void close() {
        stop(process);
    }

    /** Closing stdin is the launcher's clean stop; SIGTERM and then SIGKILL only if it lingers. */
    private static void stop(Process process) {
        if (process == null) {
            return;
        }
        try {
            process.getOutputStream().close();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroy();
                if (!process.waitFor(5, TimeUnit.SECONDS)) {
                    process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
                }
            }
        } catch (IOException e) {
            process.destroyForcibly();
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    private static String tail(Path log) {
        if (log == null || !Files.exists(log)) {
            return "";
        }
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            return "; launcher stderr (" + log + "):\n"
                    + String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException e) {
            return "; launcher stderr unreadable: " + log;
        }
    }

    /**
     * The project root: the nearest directory at or above the working directory that holds
     * {@code local-aws/src/main/python/emulator.py}, so tests work from the root, a module directory or an IDE.
     */
    public static Path projectRoot() {
        Path start = Paths.get("").toAbsolutePath();
        for (Path dir = start; dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve(LAUNCHER))) {
                return dir;
            }
        }
        throw new IllegalStateException("no " + LAUNCHER + " in " + start + " or any directory above it");
    }
}
