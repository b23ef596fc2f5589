package dev.restorecdc.local;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

class LocalAwsCommandTest {

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... args) {
        return new LocalAwsCommand(new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8)).run(args);
    }

    @Test
    void anUnknownSettingIsAUsageErrorThatNamesIt() {
        assertThat(run("deploy", "--table", "orders", "--set", "session.caught_up_pol_seconds=1")).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("session.caught_up_pol_seconds");
        assertThat(out.size()).as("nothing on stdout").isZero();
    }

    @Test
    void aValueOfTheWrongKindIsAUsageErrorThatNamesTheKeyAndItsKind() {
        assertThat(run("deploy", "--table", "orders", "--set", "session.restore_poll_seconds=abc")).isEqualTo(2);
        assertThat(run("deploy", "--table", "orders", "--set", "session=1")).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8))
                .contains("session.restore_poll_seconds is a number").contains("session is a section");
    }

    @Test
    void deployWithoutATableOrAnUnknownCommandIsAUsageError() {
        assertThat(run("deploy")).isEqualTo(2);
        assertThat(run("start")).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("deploy needs --table T").contains("unknown command start");
    }

    @Test
    void aPortOutsideTheRangeIsAUsageError() {
        assertThat(run("up", "--port", "70000")).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("--port must be 0-65535");
    }

    @Test
    void setValuesAreJsonWhenTheyParseAndTextOtherwise() {
        assertThat(LocalAwsCommand.parseValue("1").toString()).isEqualTo("1");
        assertThat(LocalAwsCommand.parseValue("false").toString()).isEqualTo("false");
        assertThat(LocalAwsCommand.parseValue("[\"a\"]").toString()).isEqualTo("[\"a\"]");
        assertThat(LocalAwsCommand.parseValue("auto")).isEqualTo("auto");
        assertThat(LocalAwsCommand.parseValue("orders-restored-*")).isEqualTo("orders-restored-*");
    }
}
