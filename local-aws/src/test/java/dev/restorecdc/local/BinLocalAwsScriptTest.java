package dev.restorecdc.local;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class BinLocalAwsScriptTest {

    @Test
    void withoutABuildTheScriptBuildsNothingExitsTwoAndNamesTheMakeTarget(@TempDir Path checkout) throws Exception {
        Path bin = Files.createDirectories(checkout.resolve("bin"));
        Path script = Files.copy(Emulator.projectRoot().resolve("bin/local-aws"), bin.resolve("local-aws"));

        Process process = new ProcessBuilder("bash", script.toString(), "up").redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

        assertThat(process.waitFor()).isEqualTo(2);
        assertThat(output).contains("not built").contains("make build");
        assertThat(checkout.resolve("local-aws/target")).doesNotExist();
        assertThat(Files.isExecutable(Emulator.projectRoot().resolve("bin/local-aws"))).as("bin/local-aws is executable").isTrue();
    }
}
