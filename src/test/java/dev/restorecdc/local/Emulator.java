package dev.restorecdc.local;

import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.core.client.builder.SdkSyncClientBuilder;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.sqs.SqsClient;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The moto emulator on a free loopback port, for tests. Interim version: starts moto's own server;
 * the project launcher with its fixes replaces it.
 */
public final class Emulator implements AutoCloseable {

    public static final String REGION = "us-east-1";

    private final Process process;
    private final int port;

    private Emulator(Process process, int port) {
        this.process = process;
        this.port = port;
    }

    public static Emulator start() {
        int port = freePort();
        try {
            Path log = Files.createTempFile("moto-", ".log");
            Process process = new ProcessBuilder("python3", "local/emulator.py", "--port", Integer.toString(port))
                    .redirectErrorStream(true).redirectOutput(log.toFile()).start();
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (System.nanoTime() < deadline) {
                try (Socket socket = new Socket()) {
                    socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
                    return new Emulator(process, port);
                } catch (IOException notYet) {
                    if (!process.isAlive()) {
                        throw new IllegalStateException("moto exited: " + Files.readString(log));
                    }
                    Thread.sleep(100);
                }
            }
            process.destroyForcibly();
            throw new IllegalStateException("moto did not answer on port " + port + " within 30 s: " + Files.readString(log));
        } catch (IOException e) {
            throw new IllegalStateException("cannot start python3 -m moto.server", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + port);
    }

    public int port() {
        return port;
    }

    public <B extends AwsClientBuilder<B, ?> & SdkSyncClientBuilder<B, ?>> B configure(B builder) {
        return builder.endpointOverride(endpoint()).region(Region.of(REGION))
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
                .httpClientBuilder(UrlConnectionHttpClient.builder());
    }

    public DynamoDbClient dynamo() {
        return configure(DynamoDbClient.builder()).build();
    }

    public SqsClient sqs() {
        return configure(SqsClient.builder()).build();
    }

    @Override
    public void close() {
        process.destroy();
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
