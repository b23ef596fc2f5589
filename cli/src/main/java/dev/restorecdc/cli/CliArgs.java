package dev.restorecdc.cli;

import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The command line: one subcommand, then {@code --name value} (or {@code --name=value}) options
 * and a few switches. Hand-written on purpose: the CLI runs on the Lambda artefact's classpath,
 * which carries no argument-parsing library, and five commands do not need one.
 */
public final class CliArgs {

    /** Options that take no value. */
    static final Set<String> SWITCHES = Set.of("json", "dry-run", "help", "late", "force");
    private static final Pattern DURATION = Pattern.compile("(\\d+)(ms|s|m|h)?");

    private final String command;
    private final Map<String, String> values;
    private final Set<String> switches;

    private CliArgs(String command, Map<String, String> values, Set<String> switches) {
        this.command = command;
        this.values = values;
        this.switches = switches;
    }

    public static CliArgs parse(String[] args) {
        String command = args.length == 0 ? "help" : args[0];
        Map<String, String> values = new HashMap<>();
        Set<String> switches = new HashSet<>();
        for (int i = 1; i < args.length; i++) {
            String arg = args[i];
            if (!arg.startsWith("--") || arg.length() == 2) {
                throw CliFailure.usage("unexpected argument '" + arg + "' (options start with --)");
            }
            String name = arg.substring(2);
            String value = null;
            int eq = name.indexOf('=');
            if (eq >= 0) {
                value = name.substring(eq + 1);
                name = name.substring(0, eq);
            }
            if (SWITCHES.contains(name)) {
                if (value != null) {
                    throw CliFailure.usage("--" + name + " takes no value");
                }
                switches.add(name);
                continue;
            }
            if (value == null) {
                if (i + 1 >= args.length || args[i + 1].startsWith("--")) {
                    throw CliFailure.usage("--" + name + " needs a value");
                }
                value = args[++i];
            }
            if (values.put(name, value) != null) {
                throw CliFailure.usage("--" + name + " given twice");
            }
        }
        return new CliArgs(command, values, switches);
    }

    public String command() {
        return command;
    }

    /** Refuses options the command does not know, so a typo never runs with a default silently. */
    public void allowOnly(Set<String> known) {
        Set<String> unknown = new TreeSet<>(values.keySet());
        unknown.addAll(switches);
        unknown.removeAll(known);
        unknown.remove("help");
        if (!unknown.isEmpty()) {
            throw CliFailure.usage(command + " does not know --" + String.join(", --", unknown)
                    + " (it knows --" + String.join(", --", new TreeSet<>(known)) + ")");
        }
    }

    public Optional<String> value(String name) {
        return Optional.ofNullable(values.get(name)).filter(v -> !v.isBlank());
    }

    public String required(String name) {
        return value(name).orElseThrow(() -> CliFailure.usage(command + " needs --" + name));
    }

    public boolean has(String name) {
        return switches.contains(name);
    }

    public Optional<Integer> positiveInt(String name) {
        return value(name).map(v -> {
            try {
                int n = Integer.parseInt(v);
                if (n > 0) {
                    return n;
                }
            } catch (NumberFormatException e) {
                // falls through to the error below
            }
            throw CliFailure.usage("--" + name + " must be a positive whole number, not '" + v + "'");
        });
    }

    /** A duration such as {@code 300s}, {@code 5m}, {@code 500ms} or plain seconds ({@code 300}). */
    public Duration duration(String name, Duration fallback) {
        return value(name).map(v -> parseDuration(name, v)).orElse(fallback);
    }

    static Duration parseDuration(String name, String text) {
        Matcher m = DURATION.matcher(text.trim());
        if (!m.matches()) {
            throw CliFailure.usage("--" + name + " must be a duration such as 300s, 5m or 500ms, not '" + text + "'");
        }
        long amount = Long.parseLong(m.group(1));
        String unit = m.group(2) == null ? "s" : m.group(2);
        return switch (unit) {
            case "ms" -> Duration.ofMillis(amount);
            case "m" -> Duration.ofMinutes(amount);
            case "h" -> Duration.ofHours(amount);
            default -> Duration.ofSeconds(amount);
        };
    }
}
