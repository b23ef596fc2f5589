package dev.restorecdc.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.restorecdc.cli.RestoreCdc;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.StreamViewType;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Undo restores end to end on the local AWS: the application writes (puts, deletes and UpdateItem
 * SET / REMOVE / ADD on numbers and sets), bad writes happen between T and R, the operator restores
 * to T at R (the real RestoreTableToPointInTime, whose CloudTrail event starts the session), and the
 * application goes on writing partial updates. Replay must keep what the bad writes did out of the
 * restored table while applying every later write, and report the keys both wrote.
 *
 * <p>No write falls within a second of T or R: stream times have one-second precision, and the
 * replay window includes the whole second of R.
 */
class UndoReplayIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration PATIENCE = Duration.ofSeconds(180);
    private static LocalAws aws;

    @BeforeAll
    static void start() {
        aws = LocalAws.start();
    }

    @AfterAll
    static void stop() {
        aws.close();
    }

    /** The keys whose item at R differs from their item at T and that the application writes again after R. */
    private static final Set<String> CONFLICTING = Set.of("k1", "k2", "k3", "k4", "k9", "k10");

    @Test
    void anUndoKeepsWhatOnlyTheBadWritesTouchedAtItsValueAtTAndAppliesEveryLaterWrite() throws Exception {
        Deployment d = deploy("undo", true);
        Instant t = goodHistoryThenBadWrites("undo");

        String session = restore(d, "undo", t);
        Instant last = writesAfterTheRestore("undo");
        awaitReplayed(d, session, last);

        Map<String, Map<String, AttributeValue>> target = scan("undo-restored");
        // Attributes only the bad writes touched hold their value at T; attributes later writes touched hold the later value.
        assertThat(target.get("k1")).isEqualTo(item("k1", "price", n("5"), "stock", n("9"), "note", s("t"),
                "tags", ss("a", "b", "x", "c")));
        assertThat(target.get("k2")).isEqualTo(item("k2", "price", n("5"), "colour", s("red")));
        assertThat(target.get("k5")).isEqualTo(item("k5", "price", n("5"), "stock", n("15"), "kg", n("1.5")));
        assertThat(target.get("k8")).as("only bad writes: the value at T").isEqualTo(item("k8", "price", n("5")));
        assertThat(target.get("k10")).isEqualTo(item("k10", "nums", ns("1", "2", "3")));
        // Keys the window created or deleted follow the rules: an INSERT puts, a MODIFY of an item the
        // restore lacks puts the whole new image, a REMOVE deletes.
        assertThat(target.get("k3")).isEqualTo(item("k3", "v", s("new")));
        assertThat(target.get("k4")).isEqualTo(item("k4", "v", s("good"), "price", n("0")));
        assertThat(target).doesNotContainKeys("k6", "k9");
        assertThat(target.get("k7")).isEqualTo(item("k7", "v", s("later"), "a", n("1")));

        Cli conflicts = cli("conflicts", "--session", session, "--table", "undo", "--json");
        assertThat(conflicts.exit()).isZero();
        Set<String> conflicted = new TreeSet<>();
        Map<String, String> kinds = new HashMap<>();
        for (JsonNode entry : JSON.readTree(conflicts.out()).get("conflicts")) {
            String pk = entry.get("key").get("pk").get("S").asText();
            conflicted.add(pk);
            kinds.put(pk, entry.get("kind").asText());
        }
        assertThat(conflicted).isEqualTo(new TreeSet<>(CONFLICTING));
        assertThat(kinds).containsEntry("k3", "deleted_in_window").containsEntry("k4", "created_in_window")
                .containsEntry("k9", "created_in_window").containsEntry("k1", "modified_in_window");

        Cli verify = cli("verify", "--session", session, "--table", "undo", "--recheck-delay", "0s");
        assertThat(verify.exit()).as(verify.out() + verify.err()).isZero();

        JsonNode status = JSON.readTree(cli("status", "--table", "undo", "--json").out()).at("/tables/0/sessions/0");
        assertThat(status.get("replay_semantics").asText()).isEqualTo("change");
        assertThat(status.at("/counters/conflicts").asLong()).isEqualTo(CONFLICTING.size());
        stopMappings(d);
    }

    @Test
    void aCopySessionOnTheSameTrafficEndsWithTheTargetEqualToTheSource() throws Exception {
        Deployment d = deploy("copy", true);
        goodHistoryThenBadWrites("copy");

        Instant requested = Instant.now();
        aws.clients().dynamo().restoreTableToPointInTime(r -> r.sourceTableName("copy").targetTableName("copy-restored")
                .useLatestRestorableTime(true));
        String session = sessionOf(d, requested);
        Instant last = writesAfterTheRestore("copy");
        awaitReplayed(d, session, last);

        assertThat(scan("copy-restored")).isEqualTo(scan("copy"));
        assertThat(text(record(d, session), "replay_semantics")).isEqualTo("image");
        stopMappings(d);
    }

    @Test
    void anUndoOnANewImageStreamFallsBackToImagesAndSaysSo() throws Exception {
        Deployment d = deploy("newimage", false);
        Instant t = goodHistoryThenBadWrites("newimage");

        String session = restore(d, "newimage", t);
        Map<String, AttributeValue> settled = await("replay semantics settled", () -> {
            Map<String, AttributeValue> r = record(d, session);
            return r != null && r.containsKey("replay_semantics") ? r : null;
        });

        assertThat(text(settled, "replay_semantics")).isEqualTo("image");
        assertThat(text(settled, "replay_semantics_note")).contains("NEW_IMAGE");
        JsonNode status = JSON.readTree(cli("status", "--table", "newimage", "--json").out()).at("/tables/0/sessions/0");
        assertThat(status.get("replay_semantics").asText()).isEqualTo("image");
        assertThat(status.get("replay_semantics_note").asText()).contains("NEW_IMAGE");
        assertThat(cli("status", "--table", "newimage").out()).contains("NOTE: change replay needs the stream's old images");
        stopMappings(d);
    }

    // ---- the traffic ----

    /** Items as they are at T, then T, then the bad writes of the window [T, R). Returns T. */
    private static Instant goodHistoryThenBadWrites(String table) {
        put(table, item("k1", "price", n("5"), "stock", n("10"), "note", s("t"), "tags", ss("a", "b")));
        put(table, item("k2", "price", n("5"), "stock", n("10")));
        put(table, item("k3", "v", s("t")));
        put(table, item("k5", "price", n("5"), "stock", n("10")));
        put(table, item("k6", "v", s("t")));
        put(table, item("k8", "price", n("5")));
        put(table, item("k10", "nums", ns("1", "2")));
        Instant t = clockPast(Instant.now().plusMillis(1100));
        clockPast(t.plusMillis(1100));
        // The bad writes the restore is meant to undo.
        update(table, "k1", "SET price = :zero, note = :bad ADD tags :x", Map.of(":zero", n("0"), ":bad", s("bad"), ":x", ss("x")));
        update(table, "k2", "SET price = :zero", Map.of(":zero", n("0")));
        delete(table, "k3");
        put(table, item("k4", "v", s("bad"), "price", n("0")));
        update(table, "k8", "SET price = :zero", Map.of(":zero", n("0")));
        put(table, item("k9", "v", s("bad")));
        update(table, "k10", "SET flagged = :bad", Map.of(":bad", s("bad")));
        clockPast(Instant.now().plusMillis(1100));
        return t;
    }

    /** The application's writes after R: partial updates, puts and deletes. Returns when the last one was made. */
    private static Instant writesAfterTheRestore(String table) {
        clockPast(Instant.now().plusMillis(1100));
        update(table, "k1", "ADD stock :minus1, tags :c", Map.of(":minus1", n("-1"), ":c", ss("c")));
        update(table, "k2", "SET colour = :red REMOVE stock", Map.of(":red", s("red")));
        put(table, item("k3", "v", s("new")));
        update(table, "k4", "SET v = :good", Map.of(":good", s("good")));
        update(table, "k5", "ADD stock :five SET kg = :w", Map.of(":five", n("5"), ":w", n("1.50")));
        delete(table, "k6");
        put(table, item("k7", "v", s("later")));
        update(table, "k7", "SET a = :one", Map.of(":one", n("1")));
        delete(table, "k9");
        update(table, "k10", "ADD nums :three", Map.of(":three", ns("3")));
        return Instant.now();
    }

    // ---- the session ----

    private static String restore(Deployment d, String table, Instant t) {
        Instant requested = Instant.now();
        aws.clients().dynamo().restoreTableToPointInTime(r -> r.sourceTableName(table).targetTableName(table + "-restored")
                .restoreDateTime(t));
        return sessionOf(d, requested);
    }

    private static String sessionOf(Deployment d, Instant requested) {
        String execution = aws.awaitExecution(d, requested, Duration.ofSeconds(30));
        assertThat(execution).as("the restore's CloudTrail event started the session").isNotNull();
        return execution.substring(execution.lastIndexOf(':') + 1);
    }

    /** Replay has written a change at least as new as {@code last}, and the queue holds nothing more. */
    private static void awaitReplayed(Deployment d, String session, Instant last) {
        Instant second = last.truncatedTo(ChronoUnit.SECONDS);
        await("replay reached the last write and the queue is empty", () -> {
            Map<String, AttributeValue> r = record(d, session);
            String newest = text(r, "replay_newest_at");
            if (newest == null || Instant.parse(newest).isBefore(second)) {
                return null;
            }
            Map<QueueAttributeName, String> depth = aws.clients().sqs().getQueueAttributes(q -> q.queueUrl(d.queueUrl())
                    .attributeNames(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES,
                            QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE)).attributes();
            return depth.values().stream().allMatch("0"::equals) ? r : null;
        });
    }

    private static Deployment deploy(String table, boolean oldImages) {
        if (oldImages) {
            aws.createSourceTable(table, "pk");
        } else {
            aws.clients().dynamo().createTable(r -> r.tableName(table).billingMode(BillingMode.PAY_PER_REQUEST)
                    .attributeDefinitions(AttributeDefinition.builder().attributeName("pk").attributeType(ScalarAttributeType.S).build())
                    .keySchema(KeySchemaElement.builder().attributeName("pk").keyType(KeyType.HASH).build())
                    .streamSpecification(s -> s.streamEnabled(true).streamViewType(StreamViewType.NEW_IMAGE)));
            aws.clients().dynamo().updateContinuousBackups(r -> r.tableName(table)
                    .pointInTimeRecoverySpecification(p -> p.pointInTimeRecoveryEnabled(true)));
        }
        DeploymentValues values = DeploymentValues.defaults()
                .with("queue.visibility_timeout_seconds", 2)
                .with("session.restore_poll_seconds", 1)
                .with("session.restore_timeout_seconds", 120)
                .with("session.caught_up_poll_seconds", 1)
                .with("session.drain_poll_seconds", 1)
                .with("session.max_session_seconds", 600);
        for (String setting : new String[] {"stream", "ttl", "pitr", "tags", "deletion_protection", "autoscaling", "resource_policy"}) {
            values = values.with("copy_settings." + setting, false);
        }
        return aws.deploy(table, values);
    }

    private static void stopMappings(Deployment d) {
        aws.clients().lambda().updateEventSourceMapping(r -> r.uuid(d.captureMappingUuid()).enabled(false));
        aws.clients().lambda().updateEventSourceMapping(r -> r.uuid(d.replayMappingUuid()).enabled(false));
    }

    private static Map<String, AttributeValue> record(Deployment d, String session) {
        Map<String, AttributeValue> item = aws.clients().dynamo().getItem(r -> r.tableName(d.controlTableName()).consistentRead(true)
                .key(Map.of("pk", AttributeValue.fromS("TABLE#" + d.sourceTableName()), "sk", AttributeValue.fromS("SESSION#" + session))))
                .item();
        return item == null || item.isEmpty() ? null : item;
    }

    // ---- the CLI, in process ----

    private record Cli(int exit, String out, String err) {
    }

    private static Cli cli(String... args) {
        Map<String, String> env = Map.of("AWS_REGION", LocalClients.REGION.id(),
                "AWS_ENDPOINT_URL", aws.clients().endpoint().toString(),
                "AWS_ACCESS_KEY_ID", "test", "AWS_SECRET_ACCESS_KEY", "test");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = RestoreCdc.run(args, env, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Cli(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    // ---- DynamoDB ----

    private static void put(String table, Map<String, AttributeValue> item) {
        aws.clients().dynamo().putItem(r -> r.tableName(table).item(item));
    }

    private static void update(String table, String pk, String expression, Map<String, AttributeValue> values) {
        aws.clients().dynamo().updateItem(r -> r.tableName(table).key(Map.of("pk", s(pk)))
                .updateExpression(expression).expressionAttributeValues(values));
    }

    private static void delete(String table, String pk) {
        aws.clients().dynamo().deleteItem(r -> r.tableName(table).key(Map.of("pk", s(pk))));
    }

    /** Every item of a table by pk, values normalised (sets sorted, numbers by value) so equal items compare equal. */
    private static Map<String, Map<String, AttributeValue>> scan(String table) {
        Map<String, Map<String, AttributeValue>> items = new TreeMap<>();
        aws.clients().dynamo().scanPaginator(r -> r.tableName(table).consistentRead(true)).items()
                .forEach(item -> items.put(item.get("pk").s(), normal(item)));
        return items;
    }

    private static Map<String, AttributeValue> item(String pk, Object... nameValues) {
        Map<String, AttributeValue> item = new HashMap<>();
        item.put("pk", s(pk));
        for (int i = 0; i < nameValues.length; i += 2) {
            item.put((String) nameValues[i], (AttributeValue) nameValues[i + 1]);
        }
        return normal(item);
    }

    private static Map<String, AttributeValue> normal(Map<String, AttributeValue> item) {
        Map<String, AttributeValue> normal = new TreeMap<>();
        item.forEach((name, value) -> normal.put(name, switch (value.type()) {
            case N -> n(value.n());
            case SS -> AttributeValue.fromSs(value.ss().stream().sorted().toList());
            case NS -> AttributeValue.fromNs(value.ns().stream().map(v -> new java.math.BigDecimal(v).stripTrailingZeros()
                    .toPlainString()).sorted().toList());
            default -> value;
        }));
        return normal;
    }

    private static AttributeValue s(String value) {
        return AttributeValue.fromS(value);
    }

    private static AttributeValue n(String value) {
        return AttributeValue.fromN(new java.math.BigDecimal(value).stripTrailingZeros().toPlainString());
    }

    private static AttributeValue ss(String... values) {
        return AttributeValue.fromSs(List.of(values));
    }

    private static AttributeValue ns(String... values) {
        return AttributeValue.fromNs(List.of(values));
    }

    private static String text(Map<String, AttributeValue> item, String name) {
        return item == null || item.get(name) == null ? null : item.get(name).s();
    }

    // ---- waiting on conditions ----

    /** Waits until the clock has passed {@code instant} (stream times have one-second precision); returns it. */
    private static Instant clockPast(Instant instant) {
        await("the clock to pass " + instant, () -> Instant.now().isAfter(instant) ? instant : null);
        return instant;
    }

    private static <T> T await(String what, Supplier<T> probe) {
        Instant deadline = Instant.now().plus(PATIENCE);
        while (Instant.now().isBefore(deadline)) {
            T found = probe.get();
            if (found != null) {
                return found;
            }
            if (!MappingWorker.sleep(Duration.ofMillis(100))) {
                break;
            }
        }
        throw new AssertionError("timed out waiting for " + what + "; logs in " + LambdaService.LOG_DIR);
    }
}
