package dev.restorecdc.local;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * local-aws/python-env, which `make test`, `make demo` and `bin/local-aws up` use: python3 itself
 * when it has the pinned packages (no network, no venv), else a project-local venv from the Python
 * package index. The index is not reachable here, so the second case is proven up to the install's
 * failure, which must name the missing packages.
 */
class PythonEnvTest {

    private static final Path SCRIPT = Emulator.projectRoot().resolve("local-aws/python-env");

    @Test
    void aPython3WithThePinnedPackagesIsUsedAsItIsAndNoVenvIsMade(@TempDir Path dir) throws Exception {
        Path venv = dir.resolve("venv");

        Result result = run(Map.of("RCDC_PYTHON_BASE", "python3", "RCDC_VENV", venv.toString()));

        assertThat(result.code()).as(result.err()).isZero();
        assertThat(Path.of(result.out().trim()).getFileName().toString()).startsWith("python3");
        assertThat(venv).doesNotExist();
    }

    @Test
    void aPythonWithoutThemTakesTheVenvPathAndItsFailureNamesTheMissingPackages(@TempDir Path dir) throws Exception {
        // A bare interpreter: a venv of python3 without moto or boto3 (and without pip, made offline).
        Path bare = dir.resolve("bare");
        Process make = new ProcessBuilder("python3", "-m", "venv", "--without-pip", bare.toString()).inheritIO().start();
        assertThat(make.waitFor()).isZero();
        Path venv = dir.resolve("project-venv");

        // An index that refuses at once, so the install fails as it does without network access.
        Result result = run(Map.of("RCDC_PYTHON_BASE", bare.resolve("bin/python").toString(), "RCDC_VENV", venv.toString(),
                "PIP_INDEX_URL", "http://127.0.0.1:9/simple", "PIP_RETRIES", "0", "PIP_TIMEOUT", "2"));

        assertThat(result.code()).isEqualTo(1);
        assertThat(result.out()).as("nothing usable printed").isEmpty();
        assertThat(result.err()).contains("installing them into " + venv)
                .contains("could not install").contains("moto[server]==5.2.1").contains("boto3==");
        assertThat(venv.resolve("bin/python")).as("the venv path was taken").exists();
    }

    private static Result run(Map<String, String> env) throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder("bash", SCRIPT.toString());
        builder.environment().putAll(env);
        Process process = builder.start();
        process.getOutputStream().close();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        return new Result(process.waitFor(), out, err);
    }

    private record Result(int code, String out, String err) {
    }
}
