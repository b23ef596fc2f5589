package dev.restorecdc.cdc;

import org.junit.jupiter.api.Test;

import static dev.restorecdc.cdc.Changes.item;
import static org.assertj.core.api.Assertions.assertThat;

class ChangeCoalescerTest {

    @Test
    void deleteAfterPutOfSameKeyInOneBatchLeavesNoItem() {
        ChangeCoalescer coalescer = new ChangeCoalescer();
        coalescer.add(Changes.put("a", 1, "v1"));
        coalescer.add(Changes.delete("a", 2));

        assertThat(coalescer.writes()).singleElement().satisfies(write -> assertThat(write.isDelete()).isTrue());
        assertThat(coalescer.folded()).isEqualTo(1);
    }

    @Test
    void lastPutWinsAndOtherKeysAreKept() {
        ChangeCoalescer coalescer = new ChangeCoalescer();
        coalescer.add(Changes.put("a", 1, "v1"));
        coalescer.add(Changes.put("b", 2, "b1"));
        coalescer.add(Changes.delete("a", 3));
        coalescer.add(Changes.put("a", 4, "v4"));

        assertThat(coalescer.writes()).hasSize(2);
        assertThat(coalescer.writes().get(0).image().get("value").get("S").asText()).isEqualTo("v4");
        assertThat(coalescer.last(ItemKey.of(Changes.key("a"))).sequenceNumber()).endsWith("4");
    }

    private static final ItemKey A = ItemKey.of(Changes.key("a"));

    @Test
    void changeReplayMergesUpdatesOfOneKeyInOrderALaterSetOrRemoveWinning() {
        ChangeCoalescer coalescer = new ChangeCoalescer(ReplaySemantics.CHANGE);
        // stock 10 -> 9 and note removed; then stock 9 -> 8, note set again, colour removed
        coalescer.add(Changes.modify("a", 1, item("a", "\"stock\":{\"N\":\"10\"},\"note\":{\"S\":\"t\"},\"colour\":{\"S\":\"r\"}"),
                item("a", "\"stock\":{\"N\":\"9\"},\"colour\":{\"S\":\"r\"}")));
        coalescer.add(Changes.modify("a", 2, item("a", "\"stock\":{\"N\":\"9\"},\"colour\":{\"S\":\"r\"}"),
                item("a", "\"stock\":{\"N\":\"8\"},\"note\":{\"S\":\"n\"}")));

        ItemWrite write = coalescer.writes().get(0);

        assertThat(write.isUpdate()).isTrue();
        assertThat(write.set()).isEqualTo(Changes.json("{\"stock\":{\"N\":\"8\"},\"note\":{\"S\":\"n\"}}"));
        assertThat(write.remove()).containsExactly("colour");
        assertThat(write.image()).as("the whole new image, put if the target lacks the item")
                .isEqualTo(item("a", "\"stock\":{\"N\":\"8\"},\"note\":{\"S\":\"n\"}"));
        assertThat(coalescer.first(A).sequenceNumber()).endsWith("1");
    }

    @Test
    void changeReplayAppliesAModifyOnTopOfAnInsertOfTheSameBatchAsOnePut() {
        ChangeCoalescer coalescer = new ChangeCoalescer(ReplaySemantics.CHANGE);
        coalescer.add(Changes.insert("a", 1, item("a", "\"v\":{\"S\":\"1\"},\"w\":{\"S\":\"1\"}")));
        coalescer.add(Changes.modify("a", 2, item("a", "\"v\":{\"S\":\"1\"},\"w\":{\"S\":\"1\"}"), item("a", "\"v\":{\"S\":\"2\"}")));

        assertThat(coalescer.writes()).singleElement().satisfies(write -> {
            assertThat(write.isUpdate()).isFalse();
            assertThat(write.image()).isEqualTo(item("a", "\"v\":{\"S\":\"2\"}"));
        });
    }

    @Test
    void changeReplayDeletesOnRemoveAndPutsAnInsertAfterIt() {
        ChangeCoalescer coalescer = new ChangeCoalescer(ReplaySemantics.CHANGE);
        coalescer.add(Changes.modify("a", 1, item("a", "\"v\":{\"S\":\"1\"}"), item("a", "\"v\":{\"S\":\"2\"}")));
        coalescer.add(Changes.remove("a", 2, item("a", "\"v\":{\"S\":\"2\"}")));
        assertThat(coalescer.writes().get(0).isDelete()).isTrue();

        coalescer.add(Changes.insert("a", 3, item("a", "\"x\":{\"S\":\"3\"}")));
        assertThat(coalescer.writes().get(0).image()).isEqualTo(item("a", "\"x\":{\"S\":\"3\"}"));
    }

    @Test
    void changeReplayPutsTheImageOfAModifyWithoutDelta() {
        ChangeCoalescer coalescer = new ChangeCoalescer(ReplaySemantics.CHANGE);
        coalescer.add(Changes.put("a", 1, "v1")); // a MODIFY as a NEW_IMAGE stream delivers it

        assertThat(coalescer.writes()).singleElement().satisfies(write -> {
            assertThat(write.isUpdate()).isFalse();
            assertThat(write.image().get("value").get("S").asText()).isEqualTo("v1");
        });
    }

    @Test
    void aChangeDeliveredTwiceInOneBatchMergesToTheSameWrite() {
        ChangeCoalescer coalescer = new ChangeCoalescer(ReplaySemantics.CHANGE);
        ChangeEvent change = Changes.modify("a", 1, item("a", "\"n\":{\"N\":\"1\"}"), item("a", "\"n\":{\"N\":\"2\"}"));
        coalescer.add(change);
        coalescer.add(change);

        assertThat(coalescer.writes()).singleElement().satisfies(write ->
                assertThat(write.set()).isEqualTo(Changes.json("{\"n\":{\"N\":\"2\"}}")));
    }
}
