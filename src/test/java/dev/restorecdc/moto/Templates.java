package dev.restorecdc.moto;

import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Renders the two Terraform templates the way {@code templatefile} does for them: each
 * {@code ${name}} is replaced by the given value (the state machine's by {@code jsonencode} of the
 * configuration). Neither file uses other template syntax, which {@link #render} checks.
 */
public final class Templates {

    public static final Path STATE_MACHINE = Path.of("src/main/statemachine/restore-session.asl.json");
    public static final Path PATTERN = Path.of("src/main/statemachine/restore-requested.pattern.json");

    private static final ObjectMapper JSON = new ObjectMapper();

    private Templates() {
    }

    public static String stateMachine(Map<String, Object> configuration) {
        try {
            return render(STATE_MACHINE, Map.of("configuration", JSON.writeValueAsString(configuration)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static String pattern(String sourceTableName, String sourceTableArn) {
        // The values sit inside JSON strings; table names and ARNs need no escaping.
        return render(PATTERN, Map.of("source_table_name", sourceTableName, "source_table_arn", sourceTableArn));
    }

    static String render(Path template, Map<String, String> values) {
        try {
            String text = Files.readString(template);
            for (Map.Entry<String, String> e : values.entrySet()) {
                String placeholder = "${" + e.getKey() + "}";
                if (!text.contains(placeholder)) {
                    throw new IllegalStateException(template + " has no " + placeholder);
                }
                text = text.replace(placeholder, e.getValue());
            }
            if (text.contains("${") || text.contains("%{")) {
                throw new IllegalStateException(template + " has template syntax left after rendering " + values.keySet());
            }
            JSON.readTree(text); // rendered, it must be JSON
            return text;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
