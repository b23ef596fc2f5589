package dev.restorecdc.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.restorecdc.cdc.ItemKey;
import dev.restorecdc.session.SessionRecord;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * {@code conflicts --session S [--json]}: the keys an undo's change replay found also written in the
 * undone window (the restored item was not the one the replayed change was made to), one per key,
 * with the kind, the digests and the attribute names involved. Replay applied those changes anyway;
 * the list is what an operator checks by hand. Exit 0 whether or not there are conflicts.
 */
final class ConflictsCommand {

    static final Set<String> OPTIONS = Set.of("session", "table", "control-table", "name-prefix", "json");

    private final CliContext cli;

    ConflictsCommand(CliContext cli) {
        this.cli = cli;
    }

    int run(CliArgs args) {
        args.allowOnly(OPTIONS);
        ControlTableReader control = cli.controlTable(args);
        SessionRecord session = control.session(args.required("session"), args.value("table"));
        List<Map<String, AttributeValue>> conflicts = control.conflicts(session.sessionId());
        if (args.has("json")) {
            ObjectNode root = cli.json.createObjectNode();
            root.put("session_id", session.sessionId());
            root.put("source_table", session.sourceTable());
            root.put("replay_semantics", session.replaySemantics().orElse(null));
            root.put("count", conflicts.size());
            ArrayNode list = root.putArray("conflicts");
            for (Map<String, AttributeValue> item : conflicts) {
                ObjectNode entry = list.addObject();
                entry.set("key", control.keyOf(item));
                for (String field : List.of("kind", "event_name", "old_image_digest", "target_digest", "change_at", "recorded_at")) {
                    entry.put(field, text(item, field).orElse(null));
                }
                entry.set("changed", names(item, "changed"));
                entry.set("removed", names(item, "removed"));
            }
            cli.out.println(Json.write(cli.json, root));
            return 0;
        }
        cli.out.println("session " + session.sessionId() + " (" + session.status() + ", replays "
                + session.replaySemantics().orElse("images") + "): " + conflicts.size() + " conflicts");
        if (conflicts.isEmpty()) {
            return 0;
        }
        TextTable table = new TextTable("KEY", "KIND", "EVENT", "CHANGED", "REMOVED", "AT");
        for (Map<String, AttributeValue> item : conflicts) {
            table.add(ItemKey.of(control.keyOf(item)).canonical(), text(item, "kind").orElse("-"),
                    text(item, "event_name").orElse("-"), String.join(",", list(item, "changed")),
                    String.join(",", list(item, "removed")), text(item, "change_at").orElse("-"));
        }
        table.print(cli.out);
        cli.out.println("replay applied these changes on top of what the restore left; the undone window also wrote "
                + "these keys: check them by hand");
        return 0;
    }

    private static Optional<String> text(Map<String, AttributeValue> item, String name) {
        AttributeValue value = item.get(name);
        return value == null || value.s() == null ? Optional.empty() : Optional.of(value.s());
    }

    private static List<String> list(Map<String, AttributeValue> item, String name) {
        AttributeValue value = item.get(name);
        return value == null || !value.hasSs() ? List.of() : value.ss().stream().sorted().toList();
    }

    private ArrayNode names(Map<String, AttributeValue> item, String name) {
        ArrayNode array = cli.json.createArrayNode();
        list(item, name).forEach(array::add);
        return array;
    }
}
