package dev.restorecdc.session;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TargetTablePatternTest {

    @Test
    void defaultPatternAllowsNamesStartingWithTheTableName() {
        TargetTablePattern pattern = new TargetTablePattern("orders*");

        assertThat(pattern.matches("orders-restored-2026-11-25")).isTrue();
        assertThat(pattern.matches("orders")).isTrue();
        assertThat(pattern.matches("customers-restored")).isFalse();
        assertThat(pattern.matches("my-orders")).isFalse();
    }

    @Test
    void patternCharactersOtherThanWildcardsAreLiteral() {
        TargetTablePattern pattern = new TargetTablePattern("orders.v?-*");

        assertThat(pattern.matches("orders.v2-copy")).isTrue();
        assertThat(pattern.matches("ordersXv2-copy")).isFalse();
    }

    @Test
    void targetOutsideThePatternIsRefusedNamingPatternAndTarget() {
        TargetTablePattern pattern = new TargetTablePattern("orders-restored-*");

        assertThatCode(() -> pattern.requireMatch("orders", "orders-restored-1")).doesNotThrowAnyException();
        assertThatThrownBy(() -> pattern.requireMatch("orders", "orders-copy"))
                .isInstanceOf(SessionRefusedException.class)
                .hasMessageContaining("orders-copy")
                .hasMessageContaining("'orders-restored-*'");
    }

    @Test
    void emptyPatternIsAConfigurationError() {
        assertThatThrownBy(() -> new TargetTablePattern(" ")).hasMessageContaining("target_table_pattern");
    }
}
