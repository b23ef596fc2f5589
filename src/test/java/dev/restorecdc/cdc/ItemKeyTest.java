package dev.restorecdc.cdc;

import org.junit.jupiter.api.Test;

import static dev.restorecdc.cdc.Changes.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ItemKeyTest {

    @Test
    void sameItemGivesSameGroupWhateverTheAttributeOrder() {
        ItemKey a = ItemKey.of(json("{\"pk\":{\"S\":\"user#1\"},\"sk\":{\"N\":\"42\"}}"));
        ItemKey b = ItemKey.of(json("{\"sk\":{\"N\":\"42\"},\"pk\":{\"S\":\"user#1\"}}"));

        assertThat(a).isEqualTo(b);
        assertThat(a.groupId()).isEqualTo(b.groupId());
    }

    @Test
    void numberSpellingsOfOneValueAreOneKey() {
        assertThat(ItemKey.of(json("{\"n\":{\"N\":\"1.50\"}}")).groupId())
                .isEqualTo(ItemKey.of(json("{\"n\":{\"N\":\"1.5\"}}")).groupId());
        assertThat(ItemKey.of(json("{\"n\":{\"N\":\"0.00\"}}")).canonical()).isEqualTo("n=N:0");
    }

    @Test
    void typeIsPartOfTheKey() {
        assertThat(ItemKey.of(json("{\"pk\":{\"S\":\"1\"}}")).groupId())
                .isNotEqualTo(ItemKey.of(json("{\"pk\":{\"N\":\"1\"}}")).groupId());
    }

    @Test
    void separatorsInValuesCannotFakeAnotherKey() {
        ItemKey twoAttributes = ItemKey.of(json("{\"a\":{\"S\":\"x\"},\"b\":{\"S\":\"y\"}}"));
        ItemKey oneAttribute = ItemKey.of(json("{\"a\":{\"S\":\"x|b=S:y\"}}"));

        assertThat(twoAttributes.groupId()).isNotEqualTo(oneAttribute.groupId());
    }

    @Test
    void groupIdFitsSqsLimits() {
        String group = ItemKey.of(json("{\"pk\":{\"B\":\"AAEC\"}}")).groupId();

        assertThat(group).hasSize(64).matches("[0-9a-f]+");
    }

    @Test
    void aKeyOfAnotherTypeIsRejectedNamingTheAttribute() {
        assertThatThrownBy(() -> ItemKey.of(json("{\"pk\":{\"BOOL\":true}}")))
                .isInstanceOf(MalformedChangeException.class)
                .hasMessageContaining("keys.pk");
    }
}
