package dev.restorecdc.lambda;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.restorecdc.aws.DynamoJson;
import dev.restorecdc.cdc.Deadline;
import dev.restorecdc.cdc.IncomingChange;
import dev.restorecdc.cdc.ReplayService;
import dev.restorecdc.testing.ChangePathResource;
import dev.restorecdc.testing.Sessions;
import dev.restorecdc.local.StreamEvents;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import static dev.restorecdc.testing.ChangePathResource.CONTROL_TABLE;
import static dev.restorecdc.testing.ChangePathResource.SOURCE_TABLE;
import static dev.restorecdc.testing.ChangePathResource.TARGET_TABLE;
import static dev.restorecdc.local.StreamEvents.JSON;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.empty;

/**
 * Source changes → capture handler → FIFO queue → replay → restored table, which must then equal the
 * reference model the workload generator kept (the last change of every key).
 */
@QuarkusTest
@TestProfile(CaptureProfile.class)
@WithTestResource(ChangePathResource.class)
class RoundTripTest {

    private static final Instant START = Instant.parse("2026-11-25T12:00:00Z");

    @Inject
    ReplayService replay;

    @BeforeEach
    void clean() {
        ChangePathResource.reset();
        Sessions.activate(ChangePathResource.dynamo(), CONTROL_TABLE, SOURCE_TABLE, "s-round-trip", TARGET_TABLE, null, null);
    }

    @Test
    void mixedWorkloadOfManyInterleavedKeysReplaysToTheReference() {
        Random random = new Random(42);
        Map<String, ObjectNode> reference = new HashMap<>();
        List<ObjectNode> events = new ArrayList<>();
        StreamEvents batch = StreamEvents.builder();
        for (int i = 0; i < 600; i++) {
            String pk = "item#" + random.nextInt(40);
            Instant at = START.plusSeconds(i / 20);
            if (random.nextInt(5) == 0) {
                batch.delete(pk, at);
                reference.remove(pk);
            } else {
                ObjectNode image = richImage(random, i);
                batch.put(pk, image, at);
                ObjectNode full = image.deepCopy();
                full.putObject("pk").put("S", pk);
                reference.put(pk, full);
            }
            if (batch.size() == 100) {
                events.add(batch.build());
                batch = StreamEvents.builder();
            }
        }
        ObjectNode big = JSON.createObjectNode();
        big.putObject("blob").put("B", Base64.getEncoder().encodeToString(new byte[390 * 1024]));
        big.putObject("text").put("S", "x");
        batch.put("item#big", big, START.plusSeconds(40));
        ObjectNode bigFull = big.deepCopy();
        bigFull.putObject("pk").put("S", "item#big");
        reference.put("item#big", bigFull);
        events.add(batch.build());

        for (ObjectNode event : events) {
            CaptureHandlerTest.invoke(event).body("batchItemFailures", empty());
        }
        drainThroughReplay();

        Map<String, ObjectNode> restored = new HashMap<>();
        for (Map<String, AttributeValue> item : ChangePathResource.dynamo().scanPaginator(b -> b.tableName(TARGET_TABLE)).items()) {
            restored.put(item.get("pk").s(), DynamoJson.fromItem(item));
        }
        assertThat(restored.keySet()).containsExactlyInAnyOrderElementsOf(reference.keySet());
        reference.forEach((pk, expected) -> assertThat(restored.get(pk)).as(pk).isEqualTo(expected));
    }

    @Test
    void randomBinaryItemsUpTo390KbAndStringsSqsCannotCarryComeBackByteForByte() {
        Random random = new Random(7);
        Map<String, ObjectNode> reference = new HashMap<>();
        StreamEvents inserts = StreamEvents.builder();
        StreamEvents modifies = StreamEvents.builder();
        for (int kb : new int[] {200, 390}) {
            for (int version = 0; version < 2; version++) {
                byte[] bytes = new byte[kb * 1024];
                random.nextBytes(bytes); // incompressible, like encrypted or already-compressed data
                ObjectNode image = JSON.createObjectNode();
                image.putObject("blob").put("B", Base64.getEncoder().encodeToString(bytes));
                image.putObject("version").put("N", Integer.toString(version));
                (version == 0 ? inserts : modifies).put("binary#" + kb, image, START.plusSeconds(version));
                ObjectNode full = image.deepCopy();
                full.putObject("pk").put("S", "binary#" + kb);
                reference.put("binary#" + kb, full);
            }
        }
        ObjectNode strange = JSON.createObjectNode();
        strange.putObject("text").put("S", "noncharacters \uFFFE and \uFFFF, replacement \uFFFD, emoji \uD83D\uDE00");
        strange.putObject("set").putArray("SS").add("\uFFFF").add("\uFFFE\uFFFE");
        strange.putObject("name\uFFFF").put("S", "in an attribute name too");
        inserts.put("strange\uFFFE", strange, START);
        ObjectNode strangeFull = strange.deepCopy();
        strangeFull.putObject("pk").put("S", "strange\uFFFE");
        reference.put("strange\uFFFE", strangeFull);

        CaptureHandlerTest.invoke(inserts.build()).body("batchItemFailures", empty());
        CaptureHandlerTest.invoke(modifies.build()).body("batchItemFailures", empty());
        drainThroughReplay();

        Map<String, ObjectNode> restored = new HashMap<>();
        for (Map<String, AttributeValue> item : ChangePathResource.dynamo().scanPaginator(b -> b.tableName(TARGET_TABLE)).items()) {
            restored.put(item.get("pk").s(), DynamoJson.fromItem(item));
        }
        assertThat(restored.keySet()).containsExactlyInAnyOrderElementsOf(reference.keySet());
        reference.forEach((pk, expected) -> assertThat(restored.get(pk)).as(pk).isEqualTo(expected));
    }

    /** Plays the replay's event source mapping: batches of ≤ 10, delete what succeeded, the rest comes back. */
    private void drainThroughReplay() {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        int empty = 0;
        while (empty < 3 && System.nanoTime() < deadline) {
            List<Message> messages = Queue.receive(10);
            if (messages.isEmpty()) {
                empty++;
                continue;
            }
            empty = 0;
            List<IncomingChange> changes = messages.stream().map(m -> new IncomingChange(m.messageId(),
                    m.attributes().get(MessageSystemAttributeName.MESSAGE_GROUP_ID), m.body())).toList();
            Set<String> failed = new HashSet<>(replay.replay(changes, Deadline.after(Duration.ofSeconds(5))));
            Queue.delete(messages.stream().filter(m -> !failed.contains(m.messageId())).toList());
        }
    }

    private static ObjectNode richImage(Random random, int version) {
        ObjectNode image = JSON.createObjectNode();
        image.putObject("version").put("N", Integer.toString(version));
        image.putObject("name").put("S", "name-" + random.nextInt(1000) + " ünïcödé \"quoted\"");
        image.putObject("flag").put("BOOL", random.nextBoolean());
        image.putObject("nothing").put("NULL", true);
        byte[] bytes = new byte[8];
        random.nextBytes(bytes);
        image.putObject("raw").put("B", Base64.getEncoder().encodeToString(bytes));
        image.putObject("tags").putArray("SS").add("t" + random.nextInt(3)).add("u" + random.nextInt(3));
        image.putObject("amounts").putArray("NS").add("1.5").add(Integer.toString(random.nextInt(100) + 2));
        image.putObject("chunks").putArray("BS").add("AAE=").add("AgM=");
        ObjectNode map = image.putObject("meta").putObject("M");
        map.putObject("depth").put("N", "2");
        map.putObject("list").putArray("L").addObject().putObject("M").putObject("k").put("S", "v");
        image.putObject("steps").putArray("L").addObject().put("S", "step-" + version);
        return image;
    }
}
