package dev.restorecdc.cdc;

import org.junit.jupiter.api.Test;

import static dev.restorecdc.cdc.Changes.item;
import static dev.restorecdc.cdc.Changes.json;
import static org.assertj.core.api.Assertions.assertThat;

class CanonicalFormTest {

    @Test
    void digestComparesNumbersByValueSetsUnorderedAndAttributesInAnyOrder() {
        String a = CanonicalForm.digest(item("k", "\"n\":{\"N\":\"1.50\"},\"tags\":{\"SS\":[\"b\",\"a\"]},"
                + "\"nums\":{\"NS\":[\"10\",\"2.0\"]},\"m\":{\"M\":{\"y\":{\"N\":\"0.0\"},\"x\":{\"BOOL\":true}}}"));
        String b = CanonicalForm.digest(json("{\"m\":{\"M\":{\"x\":{\"BOOL\":true},\"y\":{\"N\":\"0\"}}},"
                + "\"nums\":{\"NS\":[\"2\",\"1E+1\"]},\"tags\":{\"SS\":[\"a\",\"b\"]},\"n\":{\"N\":\"1.5\"},\"pk\":{\"S\":\"k\"}}"));

        assertThat(a).isEqualTo(b).hasSize(64);
    }

    @Test
    void digestTellsListOrderTypesAndAbsenceApart() {
        String list = CanonicalForm.digest(item("k", "\"l\":{\"L\":[{\"S\":\"a\"},{\"S\":\"b\"}]}"));
        String reversed = CanonicalForm.digest(item("k", "\"l\":{\"L\":[{\"S\":\"b\"},{\"S\":\"a\"}]}"));
        String number = CanonicalForm.digest(item("k", "\"v\":{\"N\":\"1\"}"));
        String text = CanonicalForm.digest(item("k", "\"v\":{\"S\":\"1\"}"));

        assertThat(list).isNotEqualTo(reversed);
        assertThat(number).isNotEqualTo(text);
        assertThat(CanonicalForm.digest(null)).isEqualTo(CanonicalForm.ABSENT).isNotEqualTo(CanonicalForm.digest(item("k", "")));
    }

    @Test
    void aSetElementCannotFakeTwoElements() {
        String one = CanonicalForm.value("s", json("{\"SS\":[\"a1:b\"]}"));
        String two = CanonicalForm.value("s", json("{\"SS\":[\"a\",\"b\"]}"));

        assertThat(one).isNotEqualTo(two);
    }

    @Test
    void itemKeysKeepTheirCanonicalFormAndGroupId() {
        ItemKey key = ItemKey.of(json("{\"sk\":{\"N\":\"1.0\"},\"pk\":{\"S\":\"a|b\"}}"));

        assertThat(key.canonical()).isEqualTo("pk=S:a\\|b|sk=N:1");
        assertThat(key.groupId()).isEqualTo(CanonicalForm.sha256Hex("pk=S:a\\|b|sk=N:1"));
    }
}
