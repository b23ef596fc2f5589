package dev.restorecdc.local;

import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Renders a Terraform {@code templatefile} template the way Terraform does for the project's two
 * templates: {@code ${name}} becomes the variable's value, {@code $${} and {@code %%{} are the
 * escapes for a literal {@code ${} and {@code %{}. An unknown variable or a directive fails, as
 * Terraform would fail (or render something else), so a template change cannot pass locally only.
 */
public final class TerraformTemplate {

    /** The restore session's state machine; its one variable is {@code configuration}. */
    public static final Path STATE_MACHINE = Emulator.projectRoot().resolve("src/main/statemachine/restore-session.asl.json");
    /** The EventBridge pattern of a restore request; variables {@code source_table_name}, {@code source_table_arn}. */
    public static final Path RESTORE_REQUESTED_PATTERN = Emulator.projectRoot().resolve("src/main/statemachine/restore-requested.pattern.json");

    /**
     * The pattern of the rules that forward restores called in another region (restore_regions); variable
     * {@code source_table_arn}: there a restore names its source by ARN only.
     */
    public static final Path RESTORE_REQUESTED_ELSEWHERE_PATTERN = Emulator.projectRoot().resolve("src/main/statemachine/restore-requested-elsewhere.pattern.json");

    /** The pattern of the cleanup rule: this state machine's executions that ended FAILED, TIMED_OUT or ABORTED; variable {@code state_machine_arn}. */
    public static final Path SESSION_ENDED_PATTERN = Emulator.projectRoot().resolve("src/main/statemachine/session-ended.pattern.json");
    /**
     * The cleanup rule's InputTemplate (EventBridge's, with its {@code <detail>} placeholder, so not JSON
     * until EventBridge fills it in); variable {@code configuration}, as the state machine's.
     */
    public static final Path SESSION_ENDED_INPUT = Emulator.projectRoot().resolve("src/main/statemachine/session-ended.input-template.json");

    private static final ObjectMapper JSON = new ObjectMapper();

    private TerraformTemplate() {
    }

    /** The state machine as Terraform renders it: {@code configuration} is {@code jsonencode} of the object. */
    public static String stateMachine(Object configuration) {
        try {
            return renderJson(STATE_MACHINE, Map.of("configuration", JSON.writeValueAsString(configuration)));
        } catch (IOException e) {
            throw new UncheckedIOException("encoding the state machine configuration", e);
        }
    }

    /** The restore-requested pattern for one table (table names and ARNs need no JSON escaping). */
    public static String restoreRequestedPattern(String sourceTableName, String sourceTableArn) {
        return renderJson(RESTORE_REQUESTED_PATTERN, Map.of("source_table_name", sourceTableName, "source_table_arn", sourceTableArn));
    }

    /** The forwarding rules' pattern for one table. */
    public static String restoreRequestedElsewherePattern(String sourceTableArn) {
        return renderJson(RESTORE_REQUESTED_ELSEWHERE_PATTERN, Map.of("source_table_arn", sourceTableArn));
    }

    /** The cleanup rule's pattern for one state machine. */
    public static String sessionEndedPattern(String stateMachineArn) {
        return renderJson(SESSION_ENDED_PATTERN, Map.of("state_machine_arn", stateMachineArn));
    }

    /** The cleanup rule target's InputTemplate: {@code configuration} is {@code jsonencode} of the state machine's object. */
    public static String sessionEndedInputTemplate(Object configuration) {
        try {
            return render(SESSION_ENDED_INPUT.toString(), Files.readString(SESSION_ENDED_INPUT).strip(),
                    Map.of("configuration", JSON.writeValueAsString(configuration)));
        } catch (IOException e) {
            throw new UncheckedIOException("rendering " + SESSION_ENDED_INPUT, e);
        }
    }

    /** Renders and checks that the result is JSON (the JSON templates). */
    public static String renderJson(Path template, Map<String, String> variables) {
        try {
            String rendered = render(template.toString(), Files.readString(template), variables);
            JSON.readTree(rendered);
            return rendered;
        } catch (IOException e) {
            throw new UncheckedIOException("rendering " + template, e);
        }
    }

    static String render(String name, String text, Map<String, String> variables) {
        StringBuilder out = new StringBuilder(text.length());
        int i = 0;
        while (i < text.length()) {
            if (text.startsWith("$${", i)) {
                out.append("${");
                i += 3;
            } else if (text.startsWith("%%{", i)) {
                out.append("%{");
                i += 3;
            } else if (text.startsWith("${", i)) {
                int end = text.indexOf('}', i);
                String variable = end < 0 ? "" : text.substring(i + 2, end).trim();
                if (!variables.containsKey(variable)) {
                    throw new IllegalArgumentException(name + ": template expression ${" + variable + "} is not one of " + variables.keySet());
                }
                out.append(variables.get(variable));
                i = end + 1;
            } else if (text.startsWith("%{", i)) {
                throw new IllegalArgumentException(name + ": template directives (%{...}) are not supported by the local renderer");
            } else {
                out.append(text.charAt(i++));
            }
        }
        return out.toString();
    }
}
