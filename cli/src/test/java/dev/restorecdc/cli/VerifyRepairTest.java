package dev.restorecdc.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.restorecdc.aws.DynamoJson;
import dev.restorecdc.cdc.ChangeCodec;
import dev.restorecdc.cdc.ChangeEvent;
import dev.restorecdc.cdc.EventName;
import dev.restorecdc.cdc.ItemKey;
import dev.restorecdc.cdc.QueuedChange;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;

class VerifyRepairTest {

    static CliHarness moto;
    static Fixtures fixtures;

    @BeforeAll
    static void startMoto() {
        moto = CliHarness.start();
        fixtures = new Fixtures(moto);
    }

    @AfterAll
    static void stopMoto() {
        moto.close();
    }

    /** A source table, its restored copy and a session whose key log names k1..k5. */
    record Planted(String source, String target, String control, String dlqUrl) {
    }

    static final ObjectNode K1 = Fixtures.key("k1", 1); // equal (numbers spelled differently)
    static final ObjectNode K2 = Fixtures.key("k2", 2); // missing in the target
    static final ObjectNode K3 = Fixtures.key("k3", 3); // extra in the target (deleted at the source)
    static final ObjectNode K4 = Fixtures.key("k4", 4); // different attribute n
    static final ObjectNode K5 = Fixtures.key("k5", 5); // deleted in both: equal
    static final ObjectNode K7 = Fixtures.key("k7", 7); // only a dead letter knows it

    static Planted plant(String source) {
        String target = source + "-restored";
        DeploymentNames names = DeploymentNames.forTable(source);
        fixtures.sourceTable(source, true, true);
        fixtures.sourceTable(target, true, false);
        fixtures.controlTable(names.controlTable());
        String dlq = fixtures.queues(names);
        fixtures.session(names.controlTable(), source, "s1", Map.of("status", Fixtures.s("CAUGHT_UP"),
                "target_table", Fixtures.s(target), "requested_at", Fixtures.s("2026-11-25T10:00:00.000Z")));
        for (ObjectNode key : new ObjectNode[] {K1, K2, K3, K4, K5}) {
            fixtures.keyLog(names.controlTable(), "s1", key);
        }
        fixtures.put(source, K1, Map.of("v", Fixtures.s("1"), "price", AttributeValue.fromN("1.50")));
        fixtures.put(target, K1, Map.of("v", Fixtures.s("1"), "price", AttributeValue.fromN("1.5")));
        fixtures.put(source, K2, Map.of("v", Fixtures.s("2")));
        fixtures.put(target, K3, Map.of("v", Fixtures.s("3")));
        fixtures.put(source, K4, Map.of("v", Fixtures.s("4"), "n", Fixtures.n(1)));
        fixtures.put(target, K4, Map.of("v", Fixtures.s("4"), "n", Fixtures.n(2)));
        fixtures.put(source, K7, Map.of("v", Fixtures.s("7")));
        return new Planted(source, target, names.controlTable(), dlq);
    }

    static void deadLetter(String dlqUrl, ObjectNode key, EventName event, String body) {
        String eventId = UUID.randomUUID().toString();
        ObjectNode image = key.deepCopy();
        image.putObject("v").put("S", "stale");
        String encoded = body != null ? body : new ChangeCodec(Fixtures.JSON).encode(new ChangeEvent(eventId, event, key,
                event.deletes() ? null : image, Instant.parse("2026-11-25T10:05:00Z"), "100" + eventId.hashCode(),
                "arn:aws:dynamodb:us-east-1:123456789012:table/x"));
        moto.aws.sqs().sendMessage(r -> r.queueUrl(dlqUrl).messageBody(encoded)
                .messageGroupId(ItemKey.of(key).groupId()).messageDeduplicationId(eventId));
    }

    static long messagesIn(String url) {
        Map<QueueAttributeName, String> a = moto.aws.sqs().getQueueAttributes(r -> r.queueUrl(url).attributeNames(
                QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES, QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE))
                .attributes();
        return Long.parseLong(a.get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES))
                + Long.parseLong(a.get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE));
    }

    @Test
    void verifyReportsPlantedMissingExtraAndDifferentItemsByKey() {
        Planted p = plant("shop");

        CliHarness.Run run = moto.run("verify", "--session", "s1", "--control-table", p.control(), "--recheck-delay", "0s");

        assertThat(run.exit()).as(run.err()).isEqualTo(1);
        assertThat(run.out()).contains("5 of 5 logged keys compared")
                .containsPattern("(?m)^missing +pk=S:k2\\|sk=N:2$")
                .containsPattern("(?m)^extra +pk=S:k3\\|sk=N:3$")
                .containsPattern("(?m)^different +pk=S:k4\\|sk=N:4  \\(attributes: n\\)$")
                .doesNotContain("k1").doesNotContain("k5")
                .contains("NOT EQUAL: 1 missing, 1 extra, 1 different");
        assertThat(run.err()).contains("verify [").contains("5/5");
    }

    /**
     * A restore into another region: the session names its target by ARN (target_table_arn), and
     * verify and repair read and write that region's table, not a table of the same name here.
     */
    @Test
    void verifyAndRepairWorkOnATargetInAnotherRegion() {
        String source = "globe";
        String target = source + "-restored";
        DeploymentNames names = DeploymentNames.forTable(source);
        fixtures.sourceTable(source, true, true);
        fixtures.controlTable(names.controlTable());
        fixtures.queues(names);
        var west = moto.aws.regional().dynamo(java.util.Optional.of("eu-west-1"));
        west.createTable(r -> r.tableName(target).billingMode(software.amazon.awssdk.services.dynamodb.model.BillingMode.PAY_PER_REQUEST)
                .attributeDefinitions(a -> a.attributeName("pk").attributeType("S"), a -> a.attributeName("sk").attributeType("N"))
                .keySchema(k -> k.attributeName("pk").keyType("HASH"), k -> k.attributeName("sk").keyType("RANGE")));
        fixtures.session(names.controlTable(), source, "s1", Map.of("status", Fixtures.s("CAUGHT_UP"),
                "target_table", Fixtures.s(target),
                "target_table_arn", Fixtures.s("arn:aws:dynamodb:eu-west-1:" + Fixtures.ACCOUNT + ":table/" + target),
                "requested_at", Fixtures.s("2026-11-25T10:00:00.000Z")));
        for (ObjectNode key : new ObjectNode[] {K1, K2, K4}) {
            fixtures.keyLog(names.controlTable(), "s1", key);
        }
        fixtures.put(source, K1, Map.of("v", Fixtures.s("1")));
        fixtures.put(source, K2, Map.of("v", Fixtures.s("2")));
        fixtures.put(source, K4, Map.of("v", Fixtures.s("4"), "n", Fixtures.n(1)));
        Map<String, AttributeValue> k1 = new java.util.HashMap<>(dev.restorecdc.aws.DynamoJson.toItem(K1));
        k1.put("v", Fixtures.s("1"));
        west.putItem(r -> r.tableName(target).item(k1));
        Map<String, AttributeValue> k4 = new java.util.HashMap<>(dev.restorecdc.aws.DynamoJson.toItem(K4));
        k4.putAll(Map.of("v", Fixtures.s("4"), "n", Fixtures.n(2)));
        west.putItem(r -> r.tableName(target).item(k4));

        CliHarness.Run verify = moto.run("verify", "--session", "s1", "--table", source, "--recheck-delay", "0s");

        assertThat(verify.exit()).as(verify.err()).isEqualTo(1);
        assertThat(verify.out()).contains("3 of 3 logged keys compared").contains("NOT EQUAL: 1 missing, 0 extra, 1 different");

        CliHarness.Run repair = moto.run("repair", "--session", "s1", "--table", source, "--recheck-delay", "0s");

        assertThat(repair.exit()).as(repair.out() + repair.err()).isZero();
        assertThat(west.getItem(r -> r.tableName(target).key(dev.restorecdc.aws.DynamoJson.toItem(K2)).consistentRead(true)).item())
                .as("written in eu-west-1").containsEntry("v", Fixtures.s("2"));
        assertThat(moto.run("verify", "--session", "s1", "--table", source).exit()).isZero();
        assertThat(moto.aws.dynamo().listTables().tableNames()).as("nothing made here").doesNotContain(target);
    }

    @Test
    void verifyJsonListsEachMismatchWithItsKey() throws Exception {
        Planted p = plant("shop-json");

        CliHarness.Run run = moto.run("verify", "--session", "s1", "--table", p.source(), "--recheck-delay", "0s", "--json");

        JsonNode report = Fixtures.JSON.readTree(run.out());
        assertThat(report.get("equal").asBoolean()).isFalse();
        assertThat(report.get("target_table").asText()).isEqualTo(p.target());
        assertThat(report.get("mismatches")).hasSize(3);
        JsonNode different = report.get("mismatches").get(2);
        assertThat(different.get("kind").asText()).isEqualTo("different");
        assertThat(different.get("key")).isEqualTo(K4);
        assertThat(different.get("attributes").get(0).asText()).isEqualTo("n");
    }

    @Test
    void aDifferenceGoneByTheRecheckDoesNotCount() {
        Planted p = plant("shop-live");
        AtomicBoolean fixed = new AtomicBoolean();
        ByteArrayOutputStream errBytes = new ByteArrayOutputStream();
        // Live traffic stand-in: the moment the first pass has compared all 5 keys, k4 catches up.
        PrintStream err = new PrintStream(errBytes, true, StandardCharsets.UTF_8) {
            @Override
            public void print(String s) {
                super.print(s);
                if (s.contains("] 5/5") && fixed.compareAndSet(false, true)) {
                    fixtures.put(p.target(), K4, Map.of("v", Fixtures.s("4"), "n", Fixtures.n(1)));
                }
            }
        };
        ByteArrayOutputStream out = new ByteArrayOutputStream();

        int exit = RestoreCdc.run(new String[] {"verify", "--session", "s1", "--table", p.source(), "--recheck-delay", "1s"},
                moto.env, new PrintStream(out, true, StandardCharsets.UTF_8), err);

        assertThat(fixed).isTrue();
        assertThat(exit).isEqualTo(1);
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("NOT EQUAL: 1 missing, 1 extra, 0 different")
                .doesNotContain("k4");
    }

    @Test
    void repairRewritesDifferingAndDeadLetteredKeysFromTheSourceAndEmptiesTheDlq() {
        Planted p = plant("cart");
        // K7: the record capture writes when SQS refuses a change for good (key and reason, no body).
        ItemKey k7 = ItemKey.of(K7);
        deadLetter(p.dlqUrl(), K7, EventName.INSERT, new ChangeCodec(Fixtures.JSON).refusedRecord(new QueuedChange(0, "1007",
                k7.groupId(), "e-k7", "x".repeat(10), k7, Instant.parse("2026-11-25T10:05:00Z")),
                "InvalidMessageContents: Invalid characters found"));
        deadLetter(p.dlqUrl(), K2, EventName.MODIFY, null);

        CliHarness.Run dryRun = moto.run("repair", "--session", "s1", "--table", p.source(), "--recheck-delay", "0s", "--dry-run");

        assertThat(dryRun.exit()).as(dryRun.err()).isZero();
        assertThat(dryRun.out()).contains("would put pk=S:k7|sk=N:7  (dead letter)").contains("would delete pk=S:k3|sk=N:3");
        assertThat(fixtures.get(p.target(), K7)).isNull();
        assertThat(messagesIn(p.dlqUrl())).isEqualTo(2);

        CliHarness.Run repair = moto.run("repair", "--session", "s1", "--table", p.source(), "--recheck-delay", "0s");

        assertThat(repair.exit()).as(repair.out() + repair.err()).isZero();
        assertThat(repair.out()).contains("rewrote 4 keys (3 puts, 1 deletes)").contains("deleted 2 dead letters");
        assertThat(messagesIn(p.dlqUrl())).isZero();
        assertThat(fixtures.get(p.target(), K7)).isEqualTo(fixtures.get(p.source(), K7));
        assertThat(fixtures.get(p.target(), K2)).isEqualTo(fixtures.get(p.source(), K2));
        assertThat(fixtures.get(p.target(), K3)).isNull();
        assertThat(fixtures.get(p.target(), K4).get("n")).isEqualTo(Fixtures.n(1));
        assertThat(moto.run("verify", "--session", "s1", "--table", p.source()).exit()).isZero();

        CliHarness.Run again = moto.run("repair", "--session", "s1", "--table", p.source(), "--recheck-delay", "0s");

        assertThat(again.exit()).isZero();
        assertThat(again.out()).contains("rewrote 0 keys");
    }

    @Test
    void repairLeavesAnUndecodableDeadLetterInTheQueueAndSaysSo() {
        Planted p = plant("basket");
        deadLetter(p.dlqUrl(), K7, EventName.INSERT, "{\"v\":9,\"garbage\":true}");

        CliHarness.Run run = moto.run("repair", "--session", "s1", "--table", p.source(), "--recheck-delay", "0s");

        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.out()).contains("undecodable dead letter").contains("schema version newer than")
                .contains("1 undecodable dead letters left for inspection");
        assertThat(messagesIn(p.dlqUrl())).isEqualTo(1);
        assertThat(DynamoJson.fromItem(fixtures.get(p.target(), K2)).get("v").get("S").asText()).isEqualTo("2");
    }

    @Test
    void sampleComparesOnlyThatManyKeys() {
        Planted p = plant("shop-sample");

        CliHarness.Run run = moto.run("verify", "--session", "s1", "--table", p.source(), "--sample", "2", "--recheck-delay", "0s");

        assertThat(run.out()).contains("2 of 5 logged keys compared");
        assertThat(run.err()).contains("2/2");
    }

    @Test
    void anUnknownSessionIsAClearError() {
        Planted p = plant("unknown-session");

        CliHarness.Run run = moto.run("verify", "--session", "nope", "--table", p.source());

        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.err()).contains("unknown session nope for table unknown-session in control table " + p.control());
    }

    /** An undo session whose replay only updated KU's stock, while the undone window set KU's price to 0 in the source. */
    static final ObjectNode KU = Fixtures.key("ku", 1);

    static Planted plantUndo(String source) {
        String target = source + "-restored";
        DeploymentNames names = DeploymentNames.forTable(source);
        fixtures.sourceTable(source, true, true);
        fixtures.sourceTable(target, true, false);
        fixtures.controlTable(names.controlTable());
        String dlq = fixtures.queues(names);
        fixtures.session(names.controlTable(), source, "u1", Map.of("status", Fixtures.s("CAUGHT_UP"),
                "target_table", Fixtures.s(target), "requested_at", Fixtures.s("2026-11-25T10:00:00.000Z"),
                "replay_semantics", Fixtures.s("change"), "conflicts", Fixtures.n(1)));
        String group = ItemKey.of(KU).groupId();
        moto.aws.dynamo().putItem(r -> r.tableName(names.controlTable()).item(Map.of(
                "pk", Fixtures.s(dev.restorecdc.session.ControlTableKeys.keyLogPk("u1", group)), "sk", Fixtures.s("KEY#" + group),
                "key", Fixtures.s(KU.toString()), "last_op", Fixtures.s("UPDATE"), "last_at", Fixtures.s("2026-11-25T10:01:00.000Z"),
                "attributes", AttributeValue.fromSs(java.util.List.of("stock")), "whole", AttributeValue.fromBool(false))));
        moto.aws.dynamo().putItem(r -> r.tableName(names.controlTable()).item(Map.of(
                "pk", Fixtures.s(dev.restorecdc.session.ControlTableKeys.conflictPk("u1")), "sk", Fixtures.s("KEY#" + group),
                "key", Fixtures.s(KU.toString()), "kind", Fixtures.s("modified_in_window"), "event_name", Fixtures.s("MODIFY"),
                "old_image_digest", Fixtures.s("a".repeat(64)), "target_digest", Fixtures.s("b".repeat(64)),
                "changed", AttributeValue.fromSs(java.util.List.of("stock")))));
        fixtures.put(source, KU, Map.of("price", Fixtures.n(0), "stock", Fixtures.n(9)));
        fixtures.put(target, KU, Map.of("price", Fixtures.n(5), "stock", Fixtures.n(10)));
        return new Planted(source, target, names.controlTable(), dlq);
    }

    @Test
    void anUndoIsVerifiedAndRepairedOnlyOnWhatItsReplayedChangesTouched() {
        Planted p = plantUndo("undo-shop");

        CliHarness.Run verify = moto.run("verify", "--session", "u1", "--table", p.source(), "--recheck-delay", "0s");
        assertThat(verify.exit()).isEqualTo(1);
        assertThat(verify.out()).containsPattern("(?m)^different +pk=S:ku\\|sk=N:1  \\(attributes: stock\\)$");

        CliHarness.Run repair = moto.run("repair", "--session", "u1", "--table", p.source(), "--recheck-delay", "0s");
        assertThat(repair.exit()).as(repair.out() + repair.err()).isZero();

        Map<String, AttributeValue> repaired = moto.aws.dynamo().getItem(r -> r.tableName(p.target())
                .key(dev.restorecdc.aws.DynamoJson.toItem(KU)).consistentRead(true)).item();
        assertThat(repaired.get("stock").n()).isEqualTo("9");
        assertThat(repaired.get("price").n()).as("only the undone window wrote price: never copied from the source").isEqualTo("5");
        assertThat(moto.run("verify", "--session", "u1", "--table", p.source(), "--recheck-delay", "0s").exit()).isZero();
    }

    @Test
    void conflictsListsEachKeyWithItsKindAndStatusCountsThem() throws Exception {
        Planted p = plantUndo("undo-conflicts");

        CliHarness.Run run = moto.run("conflicts", "--session", "u1", "--table", p.source(), "--json");

        assertThat(run.exit()).as(run.err()).isZero();
        JsonNode report = Fixtures.JSON.readTree(run.out());
        assertThat(report.get("conflicts")).singleElement().satisfies(entry -> {
            assertThat(entry.get("key")).isEqualTo(KU);
            assertThat(entry.get("kind").asText()).isEqualTo("modified_in_window");
            assertThat(entry.get("changed").get(0).asText()).isEqualTo("stock");
        });
        assertThat(moto.run("conflicts", "--session", "u1", "--table", p.source()).out())
                .contains("1 conflicts").containsPattern("pk=S:ku\\|sk=N:1 +modified_in_window +MODIFY +stock");
        JsonNode status = Fixtures.JSON.readTree(moto.run("status", "--table", p.source(), "--json").out());
        assertThat(status.at("/tables/0/sessions/0/counters/conflicts").asLong()).isEqualTo(1);
        assertThat(status.at("/tables/0/sessions/0/replay_semantics").asText()).isEqualTo("change");
    }
}
