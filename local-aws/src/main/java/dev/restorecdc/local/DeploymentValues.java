package dev.restorecdc.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The values Terraform reads from {@code config/deployment-defaults.json}, read from that same file,
 * plus per-test overrides (the local counterpart of Terraform's explicit variables) and extra
 * function environment. Immutable: every {@code with...} returns a copy.
 */
public final class DeploymentValues {

    public static final Path DEFAULTS = Emulator.projectRoot().resolve("config/deployment-defaults.json");
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Terraform variables with a computed default that the shared file does not hold. */
    private static final Set<String> TERRAFORM_ONLY = Set.of("target_table_pattern", "restore_regions");

    private final ObjectNode values;
    private final Set<String> overridden;
    private final Map<String, Map<String, String>> environment;

    private DeploymentValues(ObjectNode values, Set<String> overridden, Map<String, Map<String, String>> environment) {
        this.values = values;
        this.overridden = overridden;
        this.environment = environment;
    }

    public static DeploymentValues defaults() {
        try {
            JsonNode file = JSON.readTree(Files.readString(DEFAULTS));
            if (!file.isObject()) {
                throw new IllegalStateException(DEFAULTS + " must hold a JSON object");
            }
            return new DeploymentValues((ObjectNode) file, Set.of(), Map.of());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + DEFAULTS.toAbsolutePath(), e);
        }
    }

    /** Overrides one value, e.g. {@code with("queue.visibility_timeout_seconds", 2)}; the key must exist in the file. */
    public DeploymentValues with(String path, Object value) {
        ObjectNode copy = values.deepCopy();
        String[] parts = path.split("\\.");
        JsonNode parent = copy;
        if (path.startsWith("copy_settings.") && !copy.has("copy_settings")) {
            copy.putObject("copy_settings"); // Terraform defaults a missing section to all on
        }
        for (int i = 0; i < parts.length - 1; i++) {
            parent = parent.get(parts[i]);
            if (parent == null || !parent.isObject()) {
                throw new IllegalArgumentException("no section " + parts[i] + " in " + DEFAULTS + " for override " + path);
            }
        }
        String leaf = parts[parts.length - 1];
        if (!parent.has(leaf) && !TERRAFORM_ONLY.contains(path) && !path.startsWith("copy_settings.")) {
            throw new IllegalArgumentException("no value " + path + " in " + DEFAULTS + " (a typo would silently test the default)");
        }
        JsonNode replacement = JSON.valueToTree(value);
        JsonNode current = parent.get(leaf);
        if (current != null && !sameKind(current, replacement)) {
            throw new IllegalArgumentException(path + " is " + kind(current) + " in " + DEFAULTS + " (" + current
                    + "), not " + kind(replacement) + " (" + replacement + ")");
        }
        ((ObjectNode) parent).set(leaf, replacement);
        Set<String> paths = new HashSet<>(overridden);
        paths.add(path);
        return new DeploymentValues(copy, Set.copyOf(paths), environment);
    }

    /** Terraform's types: a number stays a number, a flag a flag, a section a section; null may unset text. */
    private static boolean sameKind(JsonNode current, JsonNode replacement) {
        return kind(current).equals(kind(replacement)) || (current.isTextual() && replacement.isNull())
                || (current.isNull() && (replacement.isTextual() || replacement.isNull()));
    }

    private static String kind(JsonNode node) {
        if (node.isNumber()) {
            return "a number";
        }
        if (node.isBoolean()) {
            return "true or false";
        }
        if (node.isObject()) {
            return "a section";
        }
        if (node.isArray()) {
            return "a list";
        }
        return node.isNull() ? "null" : "text";
    }

    /** Adds an environment variable to one function ({@code capture}, {@code replay} or {@code workflow}), e.g. CDC_TARGET_TABLE for static mode. */
    public DeploymentValues withEnvironment(String function, String name, String value) {
        if (!Set.of("capture", "replay", "workflow").contains(function)) {
            throw new IllegalArgumentException("function must be capture, replay or workflow, got " + function);
        }
        Map<String, Map<String, String>> copy = new HashMap<>();
        environment.forEach((f, vars) -> copy.put(f, new HashMap<>(vars)));
        copy.computeIfAbsent(function, f -> new HashMap<>()).put(name, value);
        copy.replaceAll((f, vars) -> Map.copyOf(vars));
        return new DeploymentValues(values, overridden, Map.copyOf(copy));
    }

    public Map<String, String> environment(String function) {
        return environment.getOrDefault(function, Map.of());
    }

    public boolean isOverridden(String path) {
        return overridden.contains(path);
    }

    public JsonNode node(String path) {
        JsonNode node = values.at("/" + path.replace('.', '/'));
        if (node.isMissingNode()) {
            throw new IllegalStateException("no value " + path + " in " + DEFAULTS);
        }
        return node;
    }

    public Optional<String> optionalText(String path) {
        JsonNode node = values.at("/" + path.replace('.', '/'));
        return node.isMissingNode() || node.isNull() ? Optional.empty() : Optional.of(node.asText());
    }

    public int integer(String path) {
        return node(path).asInt();
    }

    public String text(String path) {
        return node(path).asText();
    }

    public boolean flag(String path) {
        return node(path).asBoolean();
    }

    /**
     * Terraform's {@code restore_regions}: the other regions whose restores of the table are followed
     * (a list, or text with names separated by commas); none by default.
     */
    public java.util.List<String> restoreRegions() {
        JsonNode node = values.path("restore_regions");
        java.util.List<String> regions = new java.util.ArrayList<>();
        if (node.isArray()) {
            node.forEach(r -> regions.add(r.asText().trim()));
        } else if (node.isTextual()) {
            for (String r : node.asText().split("[,\\s]+")) {
                regions.add(r.trim());
            }
        }
        regions.removeIf(String::isBlank);
        return regions.stream().distinct().toList();
    }

    /** Terraform's rule: an unset copy setting is on ({@code try(local.shared.copy_settings[k], true)}). */
    public boolean copySetting(String name) {
        JsonNode node = values.at("/copy_settings/" + name);
        return node.isMissingNode() || node.asBoolean();
    }
}
