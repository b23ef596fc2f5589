package dev.restorecdc.demo;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.restorecdc.aws.DynamoJson;
import dev.restorecdc.session.ControlTableKeys;
import dev.restorecdc.session.SessionRecord;
import dev.restorecdc.session.SessionStatus;
import dev.restorecdc.local.Deployment;
import dev.restorecdc.local.DeploymentValues;
import dev.restorecdc.local.LocalAws;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.function.BooleanSupplier;

/**
 * The whole story on the local emulator, with the packaged functions run as Lambda runs them:
 * live traffic → restore point T → bad writes → restore requested at R → the restore session
 * captures, waits, re-applies settings and replays while traffic goes on → caught up → the operator
 * stops the writes → restore-cdc cutover (proves, prints the pause) → switch → restore-cdc finish →
 * the restored table is checked against the traffic's reference model.
 */
final class DemoStory {

    /** How big the run is; {@link #standard()} for make demo, {@link #quick()} for the test. */
    record Options(int writers, int keysPerWriter, long writerPauseMillis, Duration trafficBeforeT,
                   Duration trafficAfterR, int badWrites, Duration timeout) {

        static Options standard() {
            return new Options(3, 60, 200, Duration.ofSeconds(12), Duration.ofSeconds(20), 40, Duration.ofMinutes(4));
        }

        static Options quick() {
            return new Options(2, 15, 250, Duration.ofSeconds(4), Duration.ofSeconds(8), 10, Duration.ofMinutes(3));
        }
    }

    static final String SOURCE = "orders";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Options options;
    private final PrintStream out;
    private final Instant started = Instant.now();

    DemoStory(Options options, PrintStream out) {
        this.options = options;
        this.out = out;
    }

    Verification.Report play() {
        phase("starting the local AWS emulator and the Lambda service (packaged artefact via bin/lambda-runtime)");
        try (LocalAws aws = LocalAws.start()) {
            DynamoDbClient dynamo = aws.clients().dynamo();
            phase("creating source table '" + SOURCE + "' (stream NEW_AND_OLD_IMAGES, PITR on)");
            aws.createSourceTable(SOURCE, "pk");
            dynamo.updateTimeToLive(b -> b.tableName(SOURCE).timeToLiveSpecification(t -> t.attributeName("expires_at").enabled(true)));
            phase("deploying what Terraform deploys (queue + DLQ, functions, disabled mappings, control table, rule, state machine)");
            Deployment deployment = aws.deploy(SOURCE, demoValues());

            try (Traffic traffic = new Traffic(dynamo, SOURCE, options.writers(), options.keysPerWriter(),
                    options.writerPauseMillis())) {
                phase("live traffic: " + options.writers() + " writers (puts, updates, deletes, every attribute type, some items near 400 KB)");
                traffic.start();
                sleepShowing(options.trafficBeforeT(), () -> "writes " + traffic.writes());

                traffic.pause();
                waitForNextSecond();
                Instant restorePoint = Instant.now();
                traffic.markRestorePoint();
                phase("restore point T = " + restorePoint + " (" + traffic.model().size() + " keys)");

                waitForNextSecond();
                int bad = traffic.badWrites(options.badWrites(), new Random(7));
                phase(bad + " bad writes after T: the restore is meant to undo these");
                // Stream times have one-second precision: keep a clear second between the last bad
                // write and the request, so no bad write shares R's second.
                waitForNextSecond();
                waitForNextSecond();

                Instant requestedAt = Instant.now();
                String target = SOURCE + "-restored-" + requestedAt.getEpochSecond();
                phase("restore to T requested at R = " + requestedAt + " → table '" + target + "'");
                out.println("      RestoreTableToPointInTime(T): the local AWS restores the items as of T, keeps the table");
                out.println("      CREATING a few seconds, and its CloudTrail event starts the session through the rule");
                dynamo.restoreTableToPointInTime(r -> r.sourceTableName(SOURCE).targetTableName(target).restoreDateTime(restorePoint));
                traffic.resumeAfterRequest();

                SessionWatch session = new SessionWatch(aws, deployment);
                awaitShowing("session caught up", session, traffic, () -> session.is(SessionStatus.CAUGHT_UP));
                sleepShowing(options.trafficAfterR(), () -> session.line(traffic));

                phase("the operator stops the application's writes to the source; changes are still in flight");
                traffic.close();
                String sessionId = session.record().map(SessionRecord::sessionId).orElseThrow();
                phase("restore-cdc cutover --session " + sessionId + " (its waits shrunk for the demo: K=3 reads over "
                        + "S=3 s per shard, the queue read 2 s after capture's last send, 1 s apart; AWS defaults 10 over 30 s, 60 s, 20 s)");
                operator(aws, "cutover", "--session", sessionId, "--table", SOURCE, "--timeout", "300s");
                phase("the application switches to '" + target + "'; restore-cdc finish stops capture");
                operator(aws, "finish", "--session", sessionId, "--table", SOURCE, "--timeout", "120s");

                phase("verifying '" + target + "' against the reference model (state at T + every change from R on)");
                return Verification.compare(dynamo, target, traffic.model());
            }
        }
    }

    /** Runs one restore-cdc command as the operator would; a non-zero exit ends the demo. */
    private void operator(LocalAws aws, String... args) {
        java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
        int exit = dev.restorecdc.cli.RestoreCdc.run(args, aws.emulator().awsEnvironment(), out,
                new PrintStream(err, true, java.nio.charset.StandardCharsets.UTF_8));
        String progress = err.toString(java.nio.charset.StandardCharsets.UTF_8);
        progress.lines().reduce((a, b) -> b).ifPresent(last -> out.println("      " + last));
        if (exit != 0) {
            throw new IllegalStateException("restore-cdc " + args[0] + " exited " + exit + ":\n" + progress);
        }
    }

    private DeploymentValues demoValues() {
        return DeploymentValues.defaults()
                .with("queue.visibility_timeout_seconds", 5)
                .with("session.restore_poll_seconds", 1)
                .with("session.restore_timeout_seconds", 120)
                .with("session.caught_up_poll_seconds", 1)
                .with("session.drain_poll_seconds", 1)
                .with("session.caught_up_lag_seconds", 10)
                .with("session.max_session_seconds", 600)
                .with("session.cutover_quiet_reads", 3)
                .with("session.cutover_quiet_seconds", 3)
                .with("session.cutover_queue_settle_seconds", 2)
                .with("session.cutover_queue_reading_interval_seconds", 1)
                .with("session.cutover_poll_seconds", 1)
                .with("capture.maximum_batching_window_seconds", 0);
    }

    private void awaitShowing(String what, SessionWatch session, Traffic traffic, BooleanSupplier done) {
        Instant deadline = started.plus(options.timeout());
        Instant lastLine = Instant.EPOCH;
        while (!done.getAsBoolean()) {
            if (session.is(SessionStatus.FAILED)) {
                throw new IllegalStateException("the session FAILED: " + session.reason());
            }
            if (Instant.now().isAfter(deadline)) {
                throw new IllegalStateException("gave up waiting for: " + what + " (" + session.line(traffic) + ")");
            }
            if (Duration.between(lastLine, Instant.now()).toMillis() >= 1000) {
                out.println("      " + session.line(traffic));
                lastLine = Instant.now();
            }
            sleep(250);
        }
        phase(what + ": " + session.line(traffic));
    }

    private void sleepShowing(Duration duration, java.util.function.Supplier<String> line) {
        Instant end = Instant.now().plus(duration);
        while (Instant.now().isBefore(end)) {
            sleep(Math.min(1000, Duration.between(Instant.now(), end).toMillis()));
            out.println("      " + line.get());
        }
    }

    private void phase(String text) {
        out.printf("[%5.1fs] %s%n", Duration.between(started, Instant.now()).toMillis() / 1000.0, text);
    }

    private static void waitForNextSecond() {
        Instant now = Instant.now();
        sleep(Duration.between(now, now.truncatedTo(ChronoUnit.SECONDS).plusSeconds(1)).toMillis() + 20);
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(Math.max(0, millis));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /** Reads the session's progress from the control table and the queue, as `restore-cdc status` does. */
    static final class SessionWatch {
        private final LocalAws aws;
        private final Deployment deployment;

        SessionWatch(LocalAws aws, Deployment deployment) {
            this.aws = aws;
            this.deployment = deployment;
        }

        /** The demo's one session, read as every reader of the control table reads it; empty before the event. */
        Optional<SessionRecord> record() {
            return aws.clients().dynamo().query(b -> b.tableName(deployment.controlTableName()).consistentRead(true)
                            .keyConditionExpression("pk = :pk AND begins_with(sk, :session)")
                            .expressionAttributeValues(Map.of(":pk", AttributeValue.fromS(ControlTableKeys.tablePk(SOURCE)),
                                    ":session", AttributeValue.fromS(ControlTableKeys.SESSION_PREFIX))))
                    .items().stream().findFirst().map(item -> SessionRecord.fromValues(DynamoJson.toPlainItem(item)));
        }

        boolean is(SessionStatus status) {
            return record().map(SessionRecord::status).filter(status::equals).isPresent();
        }

        String reason() {
            return record().flatMap(SessionRecord::reason).orElse("(no reason recorded)");
        }

        long backlog() {
            Map<QueueAttributeName, String> attributes = aws.clients().sqs().getQueueAttributes(b -> b.queueUrl(deployment.queueUrl())
                    .attributeNames(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES,
                            QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE)).attributes();
            return Long.parseLong(attributes.get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES))
                    + Long.parseLong(attributes.get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE));
        }

        String line(Traffic traffic) {
            Optional<SessionRecord> s = record();
            SessionRecord.Counters c = s.map(SessionRecord::counters).orElse(SessionRecord.Counters.NONE);
            return String.format("phase %-10s captured %5d  skipped %4d  replayed %5d put / %4d del  backlog %4d  lag %s  writes %d",
                    s.map(r -> r.status().name()).orElse("-"), c.captured(), c.skippedWindow(), c.replayedPuts(),
                    c.replayedDeletes(), backlog(), s.flatMap(SessionRecord::captureLag)
                            .map(lag -> String.format("%.1fs", lag.toMillis() / 1000.0)).orElse("-"), traffic.writes());
        }
    }
}
