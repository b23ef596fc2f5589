package dev.restorecdc.session;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TargetTablePatternTest {

    @Test
    void defaultPatternAllowsRestoredNamesOnlyNotOtherTablesNamedAfterTheSource() {
        TargetTablePattern pattern = new TargetTablePattern(TargetTablePattern.defaultFor("orders"));

        assertThat(pattern.toString()).isEqualTo("orders-restored*");
        assertThat(pattern.matches("orders-restored-2026-11-25")).isTrue();
        assertThat(pattern.matches("orders-restored")).isTrue();
        assertThat(pattern.matches("orders")).isFalse();
        assertThat(pattern.matches("orders-ledger")).isFalse();
        assertThat(pattern.matches("customers-restored")).isFalse();
        assertThat(pattern.matches("my-orders-restored")).isFalse();
        assertThat(TargetTablePattern.coversOtherTablesOf(pattern.toString(), "orders")).isFalse();
    }

    @Test
    void aPatternThatIsTheTableNameAndAWildcardCoversTheAccountsOtherTables() {
        assertThat(TargetTablePattern.coversOtherTablesOf("orders*", "orders")).isTrue();
        assertThat(TargetTablePattern.coversOtherTablesOf("orders-*", "orders")).isTrue();
        assertThat(TargetTablePattern.coversOtherTablesOf("orders_?*", "orders")).isTrue();
        assertThat(TargetTablePattern.coversOtherTablesOf("ord*", "orders")).isTrue();
        assertThat(TargetTablePattern.coversOtherTablesOf("orders-copy-*", "orders")).isFalse();
        assertThat(TargetTablePattern.coversOtherTablesOf("restores-of-orders-*", "orders")).isFalse();
        assertThat(TargetTablePattern.coversOtherTablesOf("orders-restored-exact", "orders")).isFalse();
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
    void theRefusalIsEmptyForAMatchAndExplainsAMiss() {
        TargetTablePattern pattern = new TargetTablePattern("orders-restored*");

        assertThat(pattern.refusal("orders", "orders-restored-1")).isEmpty();
        assertThat(pattern.refusal("orders", "orders-ledger")).get().asString()
                .contains("orders-ledger is outside target_table_pattern 'orders-restored*'");
    }

    @Test
    void emptyPatternIsAConfigurationError() {
        assertThatThrownBy(() -> new TargetTablePattern(" ")).hasMessageContaining("target_table_pattern");
    }
}
