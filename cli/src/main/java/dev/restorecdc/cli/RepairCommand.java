package dev.restorecdc.cli;

import dev.restorecdc.session.SessionRecord;
import dev.restorecdc.cdc.ChangeCodec;
import dev.restorecdc.cdc.ItemKey;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.sqs.model.Message;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code repair --session S [--dry-run]}: rewrites from the source every key of a dead-lettered
 * change and every key verify finds different, then deletes the dead letters it handled.
 * Idempotent: a second run finds nothing to do (or rewrites the same items to the same values).
 */
final class RepairCommand {

    static final Set<String> OPTIONS = Set.of("session", "table", "control-table", "name-prefix", "dry-run",
            "recheck-delay", "late", "force");

    private final CliContext cli;
    private final Set<String> handled = new HashSet<>();
    private final Map<ItemRewriter.Action, Integer> actions = new HashMap<>();
    private int failures;

    RepairCommand(CliContext cli) {
        this.cli = cli;
    }

    int run(CliArgs args) {
        args.allowOnly(OPTIONS);
        if (args.has("late")) {
            return new LateRepair(cli).run(args);
        }
        boolean dryRun = args.has("dry-run");
        SessionRecord session = cli.controlTable(args).session(args.required("session"), args.value("table"));
        VerifyCommand.refuseAfterCutover(session, args, "repair");
        VerifyCommand.Result verified = VerifyCommand.compare(cli, args, session);
        // A target in another region (named by its ARN) is written there, under its name.
        ItemRewriter rewriter = new ItemRewriter(cli.aws.dynamo(), cli.aws.regional().dynamoFor(verified.target()),
                session.sourceTable(), dev.restorecdc.cdc.TableRefs.nameOf(verified.target()));
        ChangeCodec codec = new ChangeCodec(cli.json);
        DeadLetters dlq = DeadLetters.open(cli.aws.sqs(), cli.names(args, session.sourceTable()).deadLetterQueue(), codec);
        String verb = dryRun ? "would " : "";

        ProgressBar progress = new ProgressBar(cli.err, "repair", dlq.approximateCount() + verified.mismatches().size());
        List<Message> undecodable = new ArrayList<>();
        List<Message> held = new ArrayList<>();
        int deleted = 0;
        for (List<DeadLetters.Letter> batch = dlq.receive(); !batch.isEmpty(); batch = dlq.receive()) {
            List<Message> done = new ArrayList<>();
            for (DeadLetters.Letter letter : batch) {
                if (letter.key() == null) {
                    undecodable.add(letter.message());
                    cli.out.println("undecodable dead letter " + letter.message().messageId() + " left in the queue: " + letter.problem());
                } else if (session.replaysChanges()) {
                    // An undo: rewrite only what the dead-lettered change did; without its delta the
                    // whole source item would bring back what the undone window wrote.
                    java.util.Optional<java.util.List<String>> touched = touchedBy(codec, letter);
                    if (touched.isEmpty()) {
                        undecodable.add(letter.message());
                        cli.out.println("dead letter " + letter.message().messageId() + " of key " + letter.key().canonical()
                                + " left in the queue: an undo session cannot tell which attributes it changed "
                                + "(no change delta); check the key by hand");
                    } else if (repairAttributes(rewriter, letter.key(), touched.get(), "dead letter", dryRun, verb)) {
                        done.add(letter.message());
                    } else {
                        held.add(letter.message());
                    }
                } else if (repair(rewriter, letter.key(), "dead letter", dryRun, verb)) {
                    done.add(letter.message());
                } else {
                    held.add(letter.message());
                }
                progress.advance(1);
            }
            if (dryRun) {
                held.addAll(done);
            } else {
                deleted += dlq.delete(done);
            }
        }
        for (Mismatch mismatch : verified.mismatches()) {
            if (mismatch.kind() == Mismatch.Kind.DIFFERENT && verified.comparer().limitOf(mismatch.key()).isPresent()) {
                // An undo's updated key: only the attributes replayed changes touched are the source's to give.
                repairAttributes(rewriter, mismatch.key(), mismatch.attributes(), "verify: different", dryRun, verb);
                progress.advance(1);
                continue;
            }
            repair(rewriter, mismatch.key(), "verify: " + mismatch.kind().name().toLowerCase(), dryRun, verb);
            progress.advance(1);
        }
        progress.finish();
        // Dead letters we looked at but did not delete become visible again for the next reader.
        held.addAll(undecodable);
        dlq.release(held);

        cli.out.println((dryRun ? "dry run: would rewrite " : "rewrote ") + handled.size() + " keys ("
                + actions.getOrDefault(ItemRewriter.Action.PUT, 0) + " puts, " + actions.getOrDefault(ItemRewriter.Action.DELETE, 0)
                + " deletes" + (actions.containsKey(ItemRewriter.Action.UPDATE)
                        ? ", " + actions.get(ItemRewriter.Action.UPDATE) + " attribute updates" : "") + ") from " + session.sourceTable() + " into " + verified.target()
                + (dryRun ? "" : "; deleted " + deleted + " dead letters")
                + (undecodable.isEmpty() ? "" : "; " + undecodable.size() + " undecodable dead letters left for inspection")
                + (failures == 0 ? "" : "; " + failures + " keys failed"));
        if (!dryRun && failures == 0 && undecodable.isEmpty()) {
            cli.out.println("run restore-cdc verify --session " + session.sessionId() + " to confirm");
        }
        return failures == 0 && undecodable.isEmpty() ? 0 : CliFailure.FAILED;
    }

    /**
     * What a dead-lettered change did, for an undo's repair: a MODIFY's set and removed attributes;
     * every attribute for an INSERT or REMOVE (the whole item); empty when the letter carries no
     * delta (a capture refusal record, a schema 1 body, a NEW_IMAGE stream).
     */
    private static java.util.Optional<java.util.List<String>> touchedBy(ChangeCodec codec, DeadLetters.Letter letter) {
        try {
            dev.restorecdc.cdc.ChangeEvent change = codec.decode(letter.message().body());
            if (change.delta() == null) {
                return java.util.Optional.empty();
            }
            if (change.eventName() != dev.restorecdc.cdc.EventName.MODIFY) {
                return java.util.Optional.of(List.of()); // empty list: the whole item
            }
            List<String> touched = new ArrayList<>(change.delta().changed());
            touched.addAll(change.delta().removed());
            return java.util.Optional.of(touched);
        } catch (RuntimeException notAChange) {
            return java.util.Optional.empty();
        }
    }

    /** An undo's repair of one key: these attributes only (an empty list: the whole item). */
    private boolean repairAttributes(ItemRewriter rewriter, ItemKey key, List<String> attributes, String why, boolean dryRun,
                                     String verb) {
        if (attributes.isEmpty()) {
            return repair(rewriter, key, why, dryRun, verb);
        }
        if (!handled.add(key.canonical() + " " + attributes)) {
            return true;
        }
        try {
            ItemRewriter.Action action = rewriter.rewriteAttributes(key.attributes(), attributes, dryRun);
            actions.merge(action, 1, Integer::sum);
            cli.out.println(verb + action.name().toLowerCase() + " " + key.canonical() + " " + attributes + "  (" + why + ")");
            return true;
        } catch (SdkException e) {
            failures++;
            cli.out.println("FAILED " + key.canonical() + "  (" + why + "): " + AwsErrors.describe(e, cli.aws));
            return false;
        }
    }

    /** Rewrites one key once per run; false when the rewrite failed (its dead letters stay). */
    private boolean repair(ItemRewriter rewriter, ItemKey key, String why, boolean dryRun, String verb) {
        if (!handled.add(key.canonical())) {
            return true;
        }
        try {
            ItemRewriter.Action action = rewriter.rewrite(key.attributes(), dryRun);
            actions.merge(action, 1, Integer::sum);
            cli.out.println(verb + action.name().toLowerCase() + " " + key.canonical() + "  (" + why + ")");
            return true;
        } catch (SdkException e) {
            failures++;
            handled.remove(key.canonical());
            cli.out.println("FAILED " + key.canonical() + "  (" + why + "): " + AwsErrors.describe(e, cli.aws));
            return false;
        }
    }
}
