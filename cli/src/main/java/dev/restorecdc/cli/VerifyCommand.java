package dev.restorecdc.cli;

import dev.restorecdc.session.SessionRecord;
import dev.restorecdc.session.SessionStatus;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.Set;

import dev.restorecdc.cdc.ItemKey;

/**
 * {@code verify --session S}: for every key the replay touched (the session's key log), the target
 * item must equal the source item; for an undo replayed as changes, a key the replay only updated
 * is compared on the attributes its changes set or removed. Exit 0 only when all compared keys are equal.
 */
final class VerifyCommand {

    static final Set<String> OPTIONS = Set.of("session", "table", "control-table", "name-prefix", "sample",
            "recheck-delay", "json", "force");
    static final Duration DEFAULT_RECHECK_DELAY = Duration.ofSeconds(2);

    private final CliContext cli;

    VerifyCommand(CliContext cli) {
        this.cli = cli;
    }

    int run(CliArgs args) {
        args.allowOnly(OPTIONS);
        SessionRecord session = cli.controlTable(args).session(args.required("session"), args.value("table"));
        refuseAfterCutover(session, args, "verify");
        Result result = compare(cli, args, session);
        if (args.has("json")) {
            cli.out.println(result.toJson(cli));
        } else {
            result.print(cli);
        }
        return result.mismatches().isEmpty() ? 0 : CliFailure.FAILED;
    }

    /**
     * After the cutover the target is the application's table: its items differ from the source by
     * design, and rewriting them from the source would overwrite the application's writes.
     */
    static void refuseAfterCutover(SessionRecord session, CliArgs args, String command) {
        boolean cutOver = session.status() == SessionStatus.CUT_OVER || session.cutOverAt().isPresent();
        if (cutOver && !args.has("force")) {
            throw new CliFailure(command + " refused: session " + session.sessionId() + " was cut over at "
                    + session.cutOverAt().map(Object::toString).orElse("?") + "; the target is live now, so it differs from "
                    + "the source by design" + (command.equals("repair") ? " and rewriting keys from the source would "
                    + "overwrite the application's writes (repair --late applies late writes safely)" : "")
                    + ". --force does it anyway.", CliFailure.REFUSED);
        }
    }

    /** The comparison verify reports and repair acts on. */
    static Result compare(CliContext cli, CliArgs args, SessionRecord session) {
        String target = session.replayTarget().orElseThrow(() -> new CliFailure("session " + session.sessionId()
                + " has no target table yet (status " + session.status() + "): nothing to verify"));
        TableComparer comparer = new TableComparer(cli, session.sourceTable(), target);
        comparer.requireTables();
        List<ControlTableReader.LoggedKey> logged = cli.controlTable(args).keyLogEntries(session.sessionId());
        if (session.replaysChanges()) {
            // An undo: compare only what replayed changes set or removed; attributes only the undone
            // window touched keep the restore's value and differ from the source on purpose.
            logged.forEach(entry -> entry.attributes().ifPresent(names ->
                    comparer.limit(ItemKey.of(entry.key()), names)));
        }
        List<ObjectNode> keys = logged.stream().map(ControlTableReader.LoggedKey::key).toList();
        int inLog = keys.size();
        Integer sample = args.positiveInt("sample").orElse(null);
        if (sample != null && sample < keys.size()) {
            keys = new ArrayList<>(keys);
            Collections.shuffle(keys, new Random());
            keys = keys.subList(0, sample);
        }
        ProgressBar progress = new ProgressBar(cli.err, "verify", keys.size());
        List<Mismatch> mismatches = comparer.compare(keys,
                args.duration("recheck-delay", DEFAULT_RECHECK_DELAY), progress);
        progress.finish();
        return new Result(session, target, inLog, keys.size(), mismatches, comparer);
    }

    /** @param comparer what each key was compared on (repair of an undo rewrites only that) */
    record Result(SessionRecord session, String target, int keysInLog, int keysCompared, List<Mismatch> mismatches,
                  TableComparer comparer) {

        long count(Mismatch.Kind kind) {
            return mismatches.stream().filter(m -> m.kind() == kind).count();
        }

        void print(CliContext cli) {
            cli.out.println("session " + session.sessionId() + " (" + session.status() + "): source " + session.sourceTable()
                    + " -> target " + target + "; " + keysCompared + " of " + keysInLog + " logged keys compared");
            mismatches.forEach(m -> cli.out.println(m.describe()));
            if (keysInLog == 0) {
                cli.out.println("EQUAL (vacuously): the key log is empty; the replay has written no item yet");
            } else if (mismatches.isEmpty()) {
                cli.out.println("EQUAL: every compared key holds the same item in source and target");
            } else {
                cli.out.println("NOT EQUAL: " + count(Mismatch.Kind.MISSING) + " missing, " + count(Mismatch.Kind.EXTRA)
                        + " extra, " + count(Mismatch.Kind.DIFFERENT) + " different; "
                        + "restore-cdc repair --session " + session.sessionId() + " rewrites them from the source");
            }
        }

        String toJson(CliContext cli) {
            ObjectNode root = cli.json.createObjectNode();
            root.put("session_id", session.sessionId());
            root.put("status", session.status().name());
            root.put("source_table", session.sourceTable());
            root.put("target_table", target);
            root.put("keys_in_log", keysInLog);
            root.put("keys_compared", keysCompared);
            root.put("equal", mismatches.isEmpty());
            ArrayNode list = root.putArray("mismatches");
            for (Mismatch m : mismatches) {
                ObjectNode entry = list.addObject();
                entry.put("kind", m.kind().name().toLowerCase());
                entry.set("key", m.key().attributes());
                entry.put("key_text", m.key().canonical());
                ArrayNode attributes = entry.putArray("attributes");
                m.attributes().forEach(attributes::add);
            }
            return Json.write(cli.json, root);
        }
    }
}
