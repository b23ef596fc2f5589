package dev.restorecdc.lambda;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ChangePathWiringTest {

    @Test
    void aNegativeDurationSettingIsRefusedNamingItsVariable() {
        assertThatThrownBy(() -> ChangePathWiring.notNegative(Duration.ofSeconds(-5), "CDC_COUNTERS_INTERVAL"))
                .hasMessageContaining("CDC_COUNTERS_INTERVAL").hasMessageContaining("PT-5S");
        assertThat(ChangePathWiring.notNegative(Duration.ZERO, "CDC_SESSION_REUSE")).isZero();
    }
}
