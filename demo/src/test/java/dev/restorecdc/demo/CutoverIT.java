package dev.restorecdc.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.restorecdc.cdc.ChangeCodec;
import dev.restorecdc.cdc.ChangeEvent;
import dev.restorecdc.cdc.EventName;
import dev.restorecdc.cli.RestoreCdc;
import dev.restorecdc.local.Deployment;
import dev.restorecdc.local.DeploymentValues;
import dev.restorecdc.local.LambdaService;
import dev.restorecdc.local.LocalAws;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import java.util.zip.CRC32;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The cutover on the local AWS, the product's way, under live traffic: a real
 * RestoreTableToPointInTime starts the session (its CloudTrail event, the rule, the state machine),
 * writers keep writing, and the operator's commands are the CLI's own ({@code RestoreCdc.run}).
 */
class CutoverIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration PATIENCE = Duration.ofSeconds(240);
    private static LocalAws aws;

    @BeforeAll
    static void start() {
        aws = LocalAws.start();
    }

    @AfterAll
    static void stop() {
        aws.close();
    }

    /**
     * Writers write through the session; once CAUGHT_UP, with changes still in flight, writes stop,
     * cutover proves and returns, the application writes to the target at once (updates and deletes
     * of keys that still had changes in flight), a straggler writes to the source, and finish ends
     * it: the target equals the reference, nothing lost, nothing overwritten; the straggler is a late
     * write that repair --late copies where the target is unchanged and reports as a conflict where not.
     */
    @Test
    void cutoverUnderLiveTrafficLosesNothingOverwritesNothingAndListsLateWrites() throws Exception {
        Deployment d = deploy("orders", 10);
        String table = d.sourceTableName();
        for (int i = 0; i < 40; i++) {
            put(table, "k" + i, "v0");
        }
        Writers writers = new Writers(table, 40);
        writers.start();
        String sessionId = restore(d);

        await("CAUGHT_UP with a task token", () -> {
            Map<String, AttributeValue> s = session(d, sessionId);
            return "CAUGHT_UP".equals(text(s, "status")) && s.containsKey("task_token") ? s : null;
        });
        List<String> inFlight = writers.stop(); // keys written in the last moments: their changes are still on their way

        Cli cutover = cli("cutover", "--session", sessionId, "--table", table, "--timeout", "180s");
        assertThat(cutover.exit).as(cutover.toString()).isZero();
        assertThat(cutover.out).contains("CUT_OVER").contains("pause: ");
        System.out.println("CutoverIT live traffic: " + cutover.out);
        assertThat(mappingState(d.replayMappingUuid())).isEqualTo("Disabled");
        assertThat(mappingState(d.captureMappingUuid())).as("capture stays on after the cutover").isEqualTo("Enabled");

        // The application now writes to the target, at once: updates and deletes of keys that had changes in flight.
        String target = table + "-restored";
        Map<String, String> direct = new HashMap<>();
        for (int i = 0; i < inFlight.size(); i++) {
            String key = inFlight.get(i);
            if (i % 3 == 0) {
                delete(target, key);
                direct.put(key, null);
            } else {
                put(target, key, "app-" + i);
                direct.put(key, "app-" + i);
            }
        }
        Map<String, String> source = scan(table);
        Map<String, String> reference = new HashMap<>(source);
        reference.putAll(direct);
        reference.values().removeIf(v -> v == null);

        // A straggler writes to the source: one key the application did not touch, one it did. Both
        // exist in the source (a writer may have deleted an in-flight key there: a put would then be an
        // INSERT, not the MODIFY this checks).
        String untouched = reference.keySet().stream().filter(k -> !direct.containsKey(k)).findFirst().orElseThrow();
        String touched = direct.entrySet().stream().filter(e -> e.getValue() != null && source.containsKey(e.getKey()))
                .findFirst().orElseThrow().getKey();
        put(table, untouched, "straggler");
        put(table, touched, "straggler");
        Cli status = awaitCli("status lists both late writes", () -> cli("status", "--table", table),
                c -> c.out.contains("late writes of session " + sessionId + ": 2"));
        assertThat(status.out).contains("\"" + untouched + "\"").contains("\"" + touched + "\"");

        Cli repair = cli("repair", "--late", "--session", sessionId, "--table", table);
        assertThat(repair.exit).as("a conflict is reported: " + repair).isEqualTo(1);
        assertThat(repair.out).contains("applied MODIFY").contains("conflict: MODIFY").contains("applied 1, conflicts 1");
        reference.put(untouched, "straggler");
        assertThat(value(target, touched)).as("the application's write stays").isEqualTo(direct.get(touched));
        assertThat(cli("verify", "--session", sessionId, "--table", table).err).contains("refused").contains("--force");

        Cli finish = cli("finish", "--session", sessionId, "--table", table, "--timeout", "120s");
        assertThat(finish.exit).as(finish.toString()).isZero();
        assertThat(finish.out).contains("FINISHED").contains("late writes of session " + sessionId + ": 2");
        assertThat(mappingState(d.captureMappingUuid())).isEqualTo("Disabled");

        Map<String, String> actual = scan(target);
        List<String> lost = new ArrayList<>();
        List<String> overwritten = new ArrayList<>();
        reference.forEach((k, v) -> {
            if (!v.equals(actual.get(k))) {
                (direct.containsKey(k) ? overwritten : lost).add(k + ": expected " + v + ", target has " + actual.get(k));
            }
        });
        actual.keySet().stream().filter(k -> !reference.containsKey(k))
                .forEach(k -> (direct.containsKey(k) ? overwritten : lost).add(k + ": should be absent, target has " + actual.get(k)));
        assertThat(lost).as("lost").isEmpty();
        assertThat(overwritten).as("overwritten").isEmpty();
        assertThat(writers.written()).as("writes during the session").isGreaterThan(20);
    }

    /** Two child shards of a closed parent, one of them lagging: not caught up, and no cutover, until it drains. */
    @Test
    void aLaggingShardHoldsBackCaughtUpAndTheCutoverUntilItDrains() throws Exception {
        Deployment d = deploy("ledger", 5);
        String table = d.sourceTableName();
        put(table, "before-split", "1");
        JsonNode split = JSON.readTree(aws.emulator().splitStreamShards(table, 2)).get("split").get(0);
        String parent = split.get("parent").asText();
        String lagging = split.get("children").get(1).asText();
        String laggingKey = keyOnChild("lag", 1);
        String freshKey = keyOnChild("fresh", 0);
        aws.mappings().holdShard(lagging);
        String sessionId = restore(d);
        put(table, laggingKey, "1");
        put(table, freshKey, "1");

        Map<String, AttributeValue> behind = await("three caught-up checks naming the lagging shard", () -> {
            Map<String, AttributeValue> s = session(d, sessionId);
            String unmet = unmet(s);
            return s != null && unmet.contains(lagging) && checks(s) >= 3 ? s : null;
        });
        assertThat(text(behind, "status")).as("caught up never announced while a shard lags").isEqualTo("REPLAYING");
        assertThat(unmet(behind)).doesNotContain(parent);

        aws.mappings().releaseShard(lagging);
        await("CAUGHT_UP once the shard drained", () -> {
            Map<String, AttributeValue> s = session(d, sessionId);
            return "CAUGHT_UP".equals(text(s, "status")) && s.containsKey("task_token") ? s : null;
        });

        aws.mappings().holdShard(lagging);
        put(table, laggingKey, "last");
        CompletableFuture<Cli> cutover = CompletableFuture.supplyAsync(() ->
                cli("cutover", "--session", sessionId, "--table", table, "--timeout", "180s"));
        awaitTrue("cutover reports the lagging shard", () -> Cli.progress().contains(lagging + ": a change from"));
        assertThat(cutover).as("cutover does not return while the shard lags").isNotDone();
        aws.mappings().releaseShard(lagging);
        Cli done = cutover.get();
        assertThat(done.exit).as(done.toString()).isZero();
        assertThat(value(table + "-restored", laggingKey)).isEqualTo("last");
        assertThat(cli("finish", "--session", sessionId, "--table", table).exit).isZero();
    }

    /** Refusals and the timeout change nothing: wrong phase 3, a dead letter 3 naming its key, writes that never stop 4. */
    @Test
    void cutoverRefusesWrongPhaseAndDeadLettersAndTimesOutWhileWritesGoOn() throws Exception {
        Deployment d = deploy("stock", 10);
        String table = d.sourceTableName();
        put(table, "a", "1");
        String sessionId = restore(d);
        await("the session record", () -> session(d, sessionId));

        Cli early = cli("cutover", "--session", sessionId, "--table", table);
        assertThat(early.exit).as(early.toString()).isEqualTo(3);
        assertThat(early.err).contains("not CAUGHT_UP");

        await("CAUGHT_UP with a task token", () -> {
            Map<String, AttributeValue> s = session(d, sessionId);
            return "CAUGHT_UP".equals(text(s, "status")) && s.containsKey("task_token") ? s : null;
        });
        ChangeCodec codec = new ChangeCodec(JSON);
        ChangeEvent dead = new ChangeEvent("dead-1", EventName.MODIFY, (com.fasterxml.jackson.databind.node.ObjectNode)
                JSON.readTree("{\"pk\":{\"S\":\"poisoned\"}}"), (com.fasterxml.jackson.databind.node.ObjectNode)
                JSON.readTree("{\"pk\":{\"S\":\"poisoned\"},\"v\":{\"S\":\"x\"}}"), Instant.now(), "1", "arn:aws:dynamodb:us-east-1:123456789012:table/stock");
        aws.clients().sqs().sendMessage(r -> r.queueUrl(d.dlqUrl()).messageBody(codec.encode(dead)).messageGroupId("g")
                .messageDeduplicationId("dead-1"));
        Cli refused = cli("cutover", "--session", sessionId, "--table", table);
        assertThat(refused.exit).as(refused.toString()).isEqualTo(3);
        assertThat(refused.err).contains("dead-letter queue is not empty").contains("poisoned");
        aws.clients().sqs().purgeQueue(r -> r.queueUrl(d.dlqUrl()));

        Writers writers = new Writers(table, 10);
        writers.start();
        Cli timedOut = cli("cutover", "--session", sessionId, "--table", table, "--timeout", "10s");
        writers.stop();
        assertThat(timedOut.exit).as(timedOut.toString()).isEqualTo(4);
        assertThat(timedOut.err).contains("nothing changed");
        assertThat(text(session(d, sessionId), "status")).isEqualTo("CAUGHT_UP");
        assertThat(mappingState(d.replayMappingUuid())).isEqualTo("Enabled");
    }

    // --- the world

    private static Deployment deploy(String table, int lagSeconds) {
        aws.createSourceTable(table, "pk");
        DeploymentValues values = DeploymentValues.defaults()
                .with("queue.visibility_timeout_seconds", 5)
                .with("session.restore_poll_seconds", 1)
                .with("session.restore_timeout_seconds", 120)
                .with("session.caught_up_poll_seconds", 1)
                .with("session.caught_up_lag_seconds", lagSeconds)
                .with("session.drain_poll_seconds", 1)
                .with("session.max_session_seconds", 900)
                // The cutover's waits, shrunk for a test: K=3 reads over S=3 s, the queue read 2 s after the last send, 1 s apart.
                .with("session.cutover_quiet_reads", 3)
                .with("session.cutover_quiet_seconds", 3)
                .with("session.cutover_queue_settle_seconds", 2)
                .with("session.cutover_queue_reading_interval_seconds", 1)
                .with("session.cutover_poll_seconds", 1);
        for (String setting : new String[] {"stream", "ttl", "pitr", "tags", "deletion_protection", "autoscaling", "resource_policy"}) {
            values = values.with("copy_settings." + setting, false);
        }
        return aws.deploy(table, values);
    }

    /** The real restore call (latest restorable time: a copy that must lose nothing); its CloudTrail event starts the session. */
    private static String restore(Deployment d) {
        Instant requested = Instant.now();
        String table = d.sourceTableName();
        aws.clients().dynamo().restoreTableToPointInTime(r -> r.sourceTableName(table).targetTableName(table + "-restored")
                .useLatestRestorableTime(true));
        String execution = aws.awaitExecution(d, requested, Duration.ofSeconds(60));
        assertThat(execution).as("the restore's CloudTrail event started the session").isNotNull();
        return execution.substring(execution.lastIndexOf(':') + 1);
    }

    /** Keys whose hash routes them to child {@code child} of the emulator's split (crc32 of the key, as its patch does). */
    private static String keyOnChild(String prefix, int child) {
        for (int i = 0; ; i++) {
            CRC32 crc = new CRC32();
            crc.update((prefix + i).getBytes(StandardCharsets.UTF_8));
            if (crc.getValue() % 2 == child) {
                return prefix + i;
            }
        }
    }

    /** Writers of the application: puts, updates and deletes over a key space, until stopped. */
    private static final class Writers {
        private final String table;
        private final int keys;
        private final AtomicBoolean running = new AtomicBoolean(true);
        private final List<String> recent = new ArrayList<>();
        private int written;
        private Thread thread;

        Writers(String table, int keys) {
            this.table = table;
            this.keys = keys;
        }

        void start() {
            thread = new Thread(() -> {
                while (running.get()) {
                    String key = "k" + ThreadLocalRandom.current().nextInt(keys);
                    if (ThreadLocalRandom.current().nextInt(10) == 0) {
                        delete(table, key);
                    } else {
                        put(table, key, "w" + written);
                    }
                    synchronized (recent) {
                        recent.add(key);
                        if (recent.size() > 8) {
                            recent.remove(0);
                        }
                        written++;
                    }
                    try {
                        Thread.sleep(50); // the application's pace, not a wait for a condition
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }, "writers-" + table);
            thread.start();
        }

        /** Stops writing; returns the keys written last (distinct). */
        List<String> stop() throws InterruptedException {
            running.set(false);
            thread.join();
            synchronized (recent) {
                return recent.stream().distinct().toList();
            }
        }

        int written() {
            synchronized (recent) {
                return written;
            }
        }
    }

    // --- the CLI, in process

    record Cli(int exit, String out, String err) {
        private static final StringBuffer PROGRESS = new StringBuffer();

        static String progress() {
            return PROGRESS.toString();
        }

        @Override
        public String toString() {
            return "exit " + exit + "\nstdout:\n" + out + "\nstderr:\n" + err;
        }
    }

    private static Cli cli(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream errStream = new PrintStream(new java.io.OutputStream() {
            @Override
            public void write(int b) {
                err.write(b);
                Cli.PROGRESS.append((char) b);
            }
        }, true, StandardCharsets.UTF_8);
        int exit = RestoreCdc.run(args, aws.emulator().awsEnvironment(), new PrintStream(out, true, StandardCharsets.UTF_8), errStream);
        return new Cli(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private static Cli awaitCli(String what, Supplier<Cli> run, java.util.function.Predicate<Cli> done) throws InterruptedException {
        Instant deadline = Instant.now().plus(PATIENCE);
        Cli last = null;
        while (Instant.now().isBefore(deadline)) {
            last = run.get();
            if (done.test(last)) {
                return last;
            }
            Thread.sleep(500);
        }
        throw new AssertionError("timed out waiting until " + what + "; last: " + last);
    }

    // --- reads and writes

    private static Map<String, AttributeValue> session(Deployment d, String sessionId) {
        Map<String, AttributeValue> item = aws.clients().dynamo().getItem(r -> r.tableName(d.controlTableName()).consistentRead(true).key(Map.of(
                "pk", AttributeValue.fromS("TABLE#" + d.sourceTableName()), "sk", AttributeValue.fromS("SESSION#" + sessionId)))).item();
        return item == null || item.isEmpty() ? null : item;
    }

    private static String unmet(Map<String, AttributeValue> session) {
        AttributeValue figures = session == null ? null : session.get("caught_up_figures");
        return figures == null || !figures.hasM() || figures.m().get("unmet") == null ? "" : figures.m().get("unmet").toString();
    }

    /** How many distinct caught-up checks (by their checked_at) were seen naming the same unmet conditions. */
    private static int checks(Map<String, AttributeValue> session) {
        AttributeValue figures = session == null ? null : session.get("caught_up_figures");
        if (figures == null || !figures.hasM() || figures.m().get("checked_at") == null) {
            return 0;
        }
        CHECKS.add(figures.m().get("checked_at").s());
        return CHECKS.size();
    }

    private static final java.util.Set<String> CHECKS = java.util.concurrent.ConcurrentHashMap.newKeySet();

    private static String text(Map<String, AttributeValue> item, String name) {
        return item == null || item.get(name) == null ? null : item.get(name).s();
    }

    private static String mappingState(String uuid) {
        return aws.clients().lambda().getEventSourceMapping(r -> r.uuid(uuid)).state();
    }

    private static void put(String table, String pk, String value) {
        aws.clients().dynamo().putItem(r -> r.tableName(table).item(Map.of("pk", AttributeValue.fromS(pk), "v", AttributeValue.fromS(value))));
    }

    private static void delete(String table, String pk) {
        aws.clients().dynamo().deleteItem(r -> r.tableName(table).key(Map.of("pk", AttributeValue.fromS(pk))));
    }

    private static String value(String table, String pk) {
        Map<String, AttributeValue> item = aws.clients().dynamo().getItem(r -> r.tableName(table).consistentRead(true)
                .key(Map.of("pk", AttributeValue.fromS(pk)))).item();
        return item == null || item.isEmpty() ? null : item.get("v").s();
    }

    private static Map<String, String> scan(String table) {
        Map<String, String> items = new TreeMap<>();
        aws.clients().dynamo().scanPaginator(r -> r.tableName(table).consistentRead(true)).items()
                .forEach(item -> items.put(item.get("pk").s(), item.get("v") == null ? null : item.get("v").s()));
        return items;
    }

    private static Map<String, AttributeValue> await(String what, Supplier<Map<String, AttributeValue>> probe) throws InterruptedException {
        Instant deadline = Instant.now().plus(PATIENCE);
        while (Instant.now().isBefore(deadline)) {
            Map<String, AttributeValue> found = probe.get();
            if (found != null) {
                return found;
            }
            Thread.sleep(500);
        }
        throw new AssertionError("timed out waiting for " + what + "; logs in " + LambdaService.LOG_DIR);
    }

    private static void awaitTrue(String what, Supplier<Boolean> probe) throws InterruptedException {
        await(what, () -> probe.get() ? Map.of() : null);
    }
}
