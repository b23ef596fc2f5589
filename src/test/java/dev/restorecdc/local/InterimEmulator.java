package dev.restorecdc.local;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Stand-in until the emulator branch's {@code Emulator} harness is merged: starts
 * {@code local/emulator.py} (path from -Drcdc.emulator-script) with the given environment and
 * waits for its {@code EMULATOR READY <url>} line.
 */
final class InterimEmulator implements AutoCloseable {

    private final Process process;
    private final URI endpoint;

    private InterimEmulator(Process process, URI endpoint) {
        this.process = process;
        this.endpoint = endpoint;
    }

    static InterimEmulator start(Map<String, String> environment) {
        String script = System.getProperty("rcdc.emulator-script", "local/emulator.py");
        try {
            ProcessBuilder builder = new ProcessBuilder("python3", script)
                    .redirectError(new File(LambdaService.LOG_DIR.toFile(), "emulator.log"));
            builder.environment().putAll(environment);
            Process process = builder.start();
            BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
            String line = CompletableFuture.supplyAsync(() -> {
                try {
                    String l;
                    while ((l = out.readLine()) != null) {
                        if (l.startsWith("EMULATOR READY ")) {
                            return l;
                        }
                    }
                    return null;
                } catch (IOException e) {
                    return null;
                }
            }).get(60, TimeUnit.SECONDS);
            if (line == null) {
                process.destroyForcibly();
                throw new IllegalStateException(script + " ended without EMULATOR READY; see target/local-lambda/emulator.log");
            }
            return new InterimEmulator(process, URI.create(line.substring("EMULATOR READY ".length()).trim()));
        } catch (Exception e) {
            throw new IllegalStateException("cannot start " + script, e);
        }
    }

    URI endpoint() {
        return endpoint;
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }
}
