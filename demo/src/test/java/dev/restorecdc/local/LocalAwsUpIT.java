package dev.restorecdc.local;

import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * `bin/local-aws up` as a user runs it, and a plain boto3 script as its client
 * (src/test/python/local_aws_story.py): it creates a table with a stream and PITR, runs
 * `bin/local-aws deploy`, writes, calls RestoreTableToPointInTime to a point in the past, checks
 * the restored table holds exactly that point's items, and watches `bin/restore-cdc status --json`
 * reach CAUGHT_UP. Everything goes through the endpoint `up` printed; SIGTERM then stops it all.
 */
class LocalAwsUpIT {

    private static final Path ROOT = Emulator.projectRoot();

    @Test
    void aBoto3ClientOfTheLocalAwsRestoresAPointInThePastAndSeesTheSessionCatchUp() throws Exception {
        Path logs = Files.createDirectories(ROOT.resolve("target/local-aws-it"));
        Process up = new ProcessBuilder(ROOT.resolve("bin/local-aws").toString(), "up", "--port", "0")
                .redirectError(logs.resolve("up.err").toFile())
                .start();
        try {
            CompletableFuture<String> firstLine = CompletableFuture.supplyAsync(() -> {
                try {
                    return new BufferedReader(new InputStreamReader(up.getInputStream(), StandardCharsets.UTF_8)).readLine();
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            String line = firstLine.get(180, TimeUnit.SECONDS);
            assertThat(line).as("first stdout line (stderr in %s)", logs.resolve("up.err")).matches("AWS_ENDPOINT_URL=http://127\\.0\\.0\\.1:\\d+");
            List<ProcessHandle> started = up.descendants().toList();
            assertThat(started).as("the emulator and the services run as children of up").isNotEmpty();

            ProcessBuilder story = new ProcessBuilder(Emulator.python(), ROOT.resolve("demo/src/test/python/local_aws_story.py").toString())
                    .redirectErrorStream(true)
                    .redirectOutput(logs.resolve("story.log").toFile());
            story.environment().put("AWS_ENDPOINT_URL", line.substring("AWS_ENDPOINT_URL=".length()));
            story.environment().put("AWS_REGION", "us-east-1");
            story.environment().put("AWS_ACCESS_KEY_ID", "any");
            story.environment().put("AWS_SECRET_ACCESS_KEY", "any");
            Process client = story.start();
            assertThat(client.waitFor(300, TimeUnit.SECONDS)).as("the story finished in time").isTrue();
            assertThat(client.exitValue()).as(Files.readString(logs.resolve("story.log"))).isZero();

            up.destroy(); // SIGTERM
            assertThat(up.waitFor(60, TimeUnit.SECONDS)).as("up stops on SIGTERM").isTrue();
            for (ProcessHandle child : started) {
                assertThat(child.onExit().get(30, TimeUnit.SECONDS).isAlive()).as("child %s stopped", child.pid()).isFalse();
            }
        } finally {
            up.descendants().forEach(ProcessHandle::destroyForcibly);
            up.destroyForcibly();
        }
    }
}
