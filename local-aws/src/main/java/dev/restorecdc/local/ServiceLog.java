package dev.restorecdc.local;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;

/** What the local services do, line by line, next to the functions' logs in target/local-lambda/. */
final class ServiceLog {

    private final Path file;

    ServiceLog(String name) {
        this.file = LambdaService.LOG_DIR.resolve(name + ".log");
    }

    synchronized void log(String line) {
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(file, Instant.now() + " " + line + System.lineSeparator(), StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            // A log that cannot be written must not stop event delivery.
            System.err.println(line);
        }
    }
}
