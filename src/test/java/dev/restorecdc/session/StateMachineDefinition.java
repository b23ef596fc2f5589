package dev.restorecdc.session;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The restore session's state machine as a JSON tree, for tests that check it statically (names,
 * retries, catch paths, IAM). The one template variable, {@code ${configuration}}, is the
 * {@code Result} of a Pass state, so an empty object stands in for it: no check here reads it.
 */
final class StateMachineDefinition {

    static final Path FILE = Path.of("src/main/statemachine/restore-session.asl.json");
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One state with its name (unique in the machine: ASL requires it, nested states included). */
    record State(String name, JsonNode node) {
        String type() {
            return node.path("Type").asText();
        }

        String resource() {
            return node.path("Resource").asText();
        }

        boolean isTask() {
            return "Task".equals(type());
        }

        /** Every state this one can go to: Next, Default, Choices' Next, Catch's Next. */
        List<String> successors() {
            List<String> next = new ArrayList<>();
            if (node.hasNonNull("Next")) {
                next.add(node.get("Next").asText());
            }
            if (node.hasNonNull("Default")) {
                next.add(node.get("Default").asText());
            }
            node.path("Choices").forEach(c -> next.add(c.path("Next").asText()));
            node.path("Catch").forEach(c -> next.add(c.path("Next").asText()));
            return next;
        }
    }

    private final JsonNode root;
    private final Map<String, State> states = new LinkedHashMap<>();

    private StateMachineDefinition(JsonNode root) {
        this.root = root;
        collect(root.path("States"));
    }

    static StateMachineDefinition load() {
        try {
            String text = Files.readString(FILE).replace("${configuration}", "{}");
            return new StateMachineDefinition(JSON.readTree(text));
        } catch (IOException e) {
            throw new UncheckedIOException("reading " + FILE, e);
        }
    }

    JsonNode root() {
        return root;
    }

    /** Top-level states and those of Parallel branches and Map processors, by name. */
    Map<String, State> states() {
        return states;
    }

    List<State> tasks() {
        return states.values().stream().filter(State::isTask).toList();
    }

    State state(String name) {
        State state = states.get(name);
        if (state == null) {
            throw new IllegalArgumentException("no state " + name + " in " + FILE);
        }
        return state;
    }

    private void collect(JsonNode statesNode) {
        statesNode.fields().forEachRemaining(e -> {
            states.put(e.getKey(), new State(e.getKey(), e.getValue()));
            e.getValue().path("Branches").forEach(b -> collect(b.path("States")));
            JsonNode processor = e.getValue().has("ItemProcessor") ? e.getValue().get("ItemProcessor") : e.getValue().path("Iterator");
            collect(processor.path("States"));
        });
    }
}
