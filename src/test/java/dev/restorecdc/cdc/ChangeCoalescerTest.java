package dev.restorecdc.cdc;

import org.junit.jupiter.api.Test;

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
}
