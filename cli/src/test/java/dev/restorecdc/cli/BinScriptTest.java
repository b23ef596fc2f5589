package dev.restorecdc.cli;

import dev.restorecdc.local.Emulator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class BinScriptTest {

    @Test
    void withoutAPackagedArtefactTheScriptBuildsNothingAndNamesTheMakeTarget(@TempDir Path checkout) throws Exception {
        Path bin = Files.createDirectories(checkout.resolve("bin"));
        Path script = Files.copy(Emulator.projectRoot().resolve("bin/restore-cdc"), bin.resolve("restore-cdc"));

        Process process = new ProcessBuilder("bash", script.toString(), "status").redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

        assertThat(process.waitFor()).isEqualTo(2);
        assertThat(output).contains("no packaged CLI").contains("make build");
        assertThat(checkout.resolve("target")).doesNotExist();
        assertThat(Files.isExecutable(Emulator.projectRoot().resolve("bin/restore-cdc"))).as("bin/restore-cdc is executable").isTrue();
    }
}
