package dev.restorecdc.demo;

import dev.restorecdc.local.Emulator;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class VerificationTest {

    private static Map<String, AttributeValue> item(String pk, String value, List<String> tags) {
        return Map.of("pk", AttributeValue.fromS(pk), "value", AttributeValue.fromS(value), "tags", AttributeValue.fromSs(tags));
    }

    private static Traffic.KeyModel expect(Map<String, AttributeValue> atT, Map<String, AttributeValue> current, boolean sinceR) {
        Traffic.KeyModel model = new Traffic.KeyModel();
        model.atRestorePoint = atT;
        model.current = current;
        model.writtenSinceRequest = sinceR;
        model.replayed = sinceR ? current : atT; // whole-item writes: replay leaves the current item
        return model;
    }

    @Test
    void theModelOfAnUndoKeepsWhatOnlyTheUndoneWindowTouchedAndAppliesWhatLaterWritesDid() {
        Map<String, AttributeValue> atT = Map.of("pk", AttributeValue.fromS("k"), "price", AttributeValue.fromN("5"),
                "stock", AttributeValue.fromN("10"), "note", AttributeValue.fromS("t"));
        Map<String, AttributeValue> atR = Map.of("pk", AttributeValue.fromS("k"), "price", AttributeValue.fromN("0"),
                "stock", AttributeValue.fromN("10"), "note", AttributeValue.fromS("t"));
        Map<String, AttributeValue> afterSale = Map.of("pk", AttributeValue.fromS("k"), "price", AttributeValue.fromN("0"),
                "stock", AttributeValue.fromN("9"));

        assertThat(Traffic.applyChange(atT, atR, afterSale)).isEqualTo(Map.of("pk", AttributeValue.fromS("k"),
                "price", AttributeValue.fromN("5"), "stock", AttributeValue.fromN("9")));
        assertThat(Traffic.applyChange(null, atR, afterSale)).as("an item the restore lacks gets the whole new item").isEqualTo(afterSale);
        assertThat(Traffic.applyChange(atT, atR, null)).isNull();
    }

    @Test
    void reportsMissingExtraAndDifferentKeysAndIgnoresSetOrder() {
        try (Emulator emulator = Emulator.start(); DynamoDbClient dynamo = emulator.dynamo()) {
            dynamo.createTable(b -> b.tableName("restored").billingMode("PAY_PER_REQUEST")
                    .attributeDefinitions(a -> a.attributeName("pk").attributeType(ScalarAttributeType.S))
                    .keySchema(k -> k.attributeName("pk").keyType(KeyType.HASH)));
            dynamo.putItem(b -> b.tableName("restored").item(item("same", "v", List.of("b", "a"))));
            dynamo.putItem(b -> b.tableName("restored").item(item("bad-write-replayed", "bad", List.of("x"))));
            dynamo.putItem(b -> b.tableName("restored").item(item("deleted-since-R", "v", List.of("x"))));
            dynamo.putItem(b -> b.tableName("restored").item(item("stray", "v", List.of("x"))));

            Map<String, Traffic.KeyModel> model = Map.of(
                    "same", expect(item("same", "v", List.of("a", "b")), null, false),
                    "bad-write-replayed", expect(item("bad-write-replayed", "good", List.of("x")), item("bad-write-replayed", "bad", List.of("x")), false),
                    "deleted-since-R", expect(item("deleted-since-R", "v", List.of("x")), null, true),
                    "written-since-R", expect(null, item("written-since-R", "new", List.of("y")), true));

            Verification.Report report = Verification.compare(dynamo, "restored", model);

            assertThat(report.missing()).containsExactly("written-since-R");
            assertThat(report.extra()).containsExactlyInAnyOrder("deleted-since-R", "stray");
            assertThat(report.different()).containsExactly("bad-write-replayed");
            assertThat(report.clean()).isFalse();
        }
    }
}
