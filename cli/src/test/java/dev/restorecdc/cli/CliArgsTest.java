package dev.restorecdc.cli;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CliArgsTest {

    @Test
    void readsOptionsWithSpaceOrEqualsAndSwitches() {
        CliArgs args = CliArgs.parse(new String[] {"verify", "--session", "s1", "--sample=5", "--json"});

        assertThat(args.command()).isEqualTo("verify");
        assertThat(args.required("session")).isEqualTo("s1");
        assertThat(args.positiveInt("sample")).contains(5);
        assertThat(args.has("json")).isTrue();
    }

    @Test
    void durationsTakeAUnitOrMeanSeconds() {
        CliArgs args = CliArgs.parse(new String[] {"finish", "--timeout", "5m", "--poll", "500ms", "--recheck-delay", "3"});

        assertThat(args.duration("timeout", Duration.ZERO)).isEqualTo(Duration.ofMinutes(5));
        assertThat(args.duration("poll", Duration.ZERO)).isEqualTo(Duration.ofMillis(500));
        assertThat(args.duration("recheck-delay", Duration.ZERO)).isEqualTo(Duration.ofSeconds(3));
    }

    @Test
    void anUnknownOptionIsAUsageErrorNamingIt() {
        CliArgs args = CliArgs.parse(new String[] {"status", "--tabel", "x"});

        assertThatThrownBy(() -> args.allowOnly(Set.of("table")))
                .isInstanceOfSatisfying(CliFailure.class, e -> assertThat(e.exitCode()).isEqualTo(CliFailure.USAGE))
                .hasMessageContaining("--tabel");
    }

    @Test
    void anOptionWithoutItsValueIsAUsageError() {
        assertThatThrownBy(() -> CliArgs.parse(new String[] {"verify", "--session", "--json"}))
                .hasMessageContaining("--session needs a value");
    }
}
