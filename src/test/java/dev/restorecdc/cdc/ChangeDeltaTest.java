package dev.restorecdc.cdc;

import org.junit.jupiter.api.Test;

import static dev.restorecdc.cdc.Changes.item;
import static org.assertj.core.api.Assertions.assertThat;

/** What capture computes from a stream record's old and new images. */
class ChangeDeltaTest {

    @Test
    void anUpdateWithSetRemoveAndAddOnNumbersAndSetsNamesExactlyTheAttributesItTouched() {
        // UpdateItem SET price = :p, colour = :c REMOVE note ADD stock :minus1, tags :c (numbers, sets)
        var before = item("k", "\"price\":{\"N\":\"5.0\"},\"stock\":{\"N\":\"10\"},\"tags\":{\"SS\":[\"a\",\"b\"]},"
                + "\"note\":{\"S\":\"t\"},\"nums\":{\"NS\":[\"1\",\"2\"]}");
        var after = item("k", "\"price\":{\"N\":\"5\"},\"stock\":{\"N\":\"9\"},\"tags\":{\"SS\":[\"b\",\"a\",\"c\"]},"
                + "\"colour\":{\"S\":\"red\"},\"nums\":{\"NS\":[\"2\",\"1\"]}");

        ChangeDelta delta = ChangeDelta.of(EventName.MODIFY, before, after);

        assertThat(delta.changed()).as("5.0 -> 5 is no change; a reordered set is no change")
                .containsExactly("colour", "stock", "tags");
        assertThat(delta.removed()).containsExactly("note");
        assertThat(delta.oldImageDigest()).isEqualTo(CanonicalForm.digest(before));
    }

    @Test
    void anInsertSetsEveryAttributeOfAnAbsentItem() {
        ChangeDelta delta = ChangeDelta.of(EventName.INSERT, null, item("k", "\"v\":{\"S\":\"x\"}"));

        assertThat(delta.changed()).containsExactly("pk", "v");
        assertThat(delta.oldImageDigest()).isEqualTo(CanonicalForm.ABSENT);
    }

    @Test
    void aRemoveRemovesEveryAttributeOfItsOldImage() {
        var before = item("k", "\"v\":{\"S\":\"x\"}");

        ChangeDelta delta = ChangeDelta.of(EventName.REMOVE, before, null);

        assertThat(delta.removed()).containsExactly("pk", "v");
        assertThat(delta.oldImageDigest()).isEqualTo(CanonicalForm.digest(before));
    }

    @Test
    void aNewImageStreamGivesModifiesAndRemovesNoDelta() {
        assertThat(ChangeDelta.of(EventName.MODIFY, null, item("k", "\"v\":{\"S\":\"x\"}"))).isNull();
        assertThat(ChangeDelta.of(EventName.REMOVE, null, null)).isNull();
    }
}
