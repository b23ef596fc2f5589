package dev.restorecdc.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.restorecdc.aws.DynamoStreamShards;
import dev.restorecdc.aws.ShardProgressTable;
import dev.restorecdc.cdc.ChangeCodec;
import dev.restorecdc.cdc.ShardProgress;
import dev.restorecdc.session.CutoverSettings;
import dev.restorecdc.session.SessionRecord;
import dev.restorecdc.session.SessionStatus;
import software.amazon.awssdk.services.lambda.model.EventSourceMappingConfiguration;
import software.amazon.awssdk.services.sfn.model.InvalidTokenException;
import software.amazon.awssdk.services.sfn.model.TaskDoesNotExistException;
import software.amazon.awssdk.services.sfn.model.TaskTimedOutException;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * {@code cutover --session S [--timeout 15m]}: after the operator stopped the application's writes
 * to the source, proves that everything written reached the target (every shard drained by capture,
 * the queue empty on settled readings, the DLQ empty), then signals the session, which records
 * CUT_OVER and stops replay. Exit 0: switch the application now; 3: refused, nothing changed;
 * 4: timed out, nothing changed, safe to run again.
 */
final class CutoverCommand {

    static final Set<String> OPTIONS = Set.of("session", "table", "control-table", "name-prefix", "timeout");
    static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(15);
    /** How long the state machine may take from the signal to CUT_OVER with replay off. */
    static final Duration SIGNAL_GRACE = Duration.ofMinutes(2);

    private final CliContext cli;
    private final Clock clock = Clock.systemUTC();

    CutoverCommand(CliContext cli) {
        this.cli = cli;
    }

    int run(CliArgs args) {
        args.allowOnly(OPTIONS);
        Duration timeout = args.duration("timeout", DEFAULT_TIMEOUT);
        ControlTableReader control = cli.controlTable(args);
        String sessionId = args.required("session");
        SessionRecord session = control.session(sessionId, args.value("table"));
        Optional<String> table = Optional.of(session.sourceTable());
        if (session.status() == SessionStatus.CUT_OVER) {
            cli.out.println("session " + sessionId + " is already CUT_OVER at " + session.cutOverAt().map(Object::toString).orElse("?")
                    + ": nothing to do (restore-cdc finish ends it)");
            return 0;
        }
        if (session.status() != SessionStatus.CAUGHT_UP) {
            throw new CliFailure("session " + sessionId + " is " + session.status() + ", not CAUGHT_UP: the cutover is refused, "
                    + "nothing changed (restore-cdc status --table " + session.sourceTable() + " shows why)", CliFailure.REFUSED);
        }
        String token = session.taskToken().orElseThrow(() -> new CliFailure("session " + sessionId
                + " is CAUGHT_UP but not waiting for the operator yet (no task token); run cutover again in a moment",
                CliFailure.REFUSED));
        Map<String, Object> stored = session.cutoverSettings();
        if (stored.isEmpty()) {
            throw new CliFailure("session " + sessionId + " has no cutover_settings (deployed before the cutover existed): "
                    + "deploy again, or use finish", CliFailure.REFUSED);
        }
        CutoverSettings settings = CutoverSettings.from(stored);
        DeploymentNames names = cli.names(args, session.sourceTable());
        requireShardProgress(names, session.sourceTable());
        String queueUrl = cli.aws.sqs().getQueueUrl(r -> r.queueName(names.queue())).queueUrl();
        DeadLetters dlq = DeadLetters.open(cli.aws.sqs(), names.deadLetterQueue(), new ChangeCodec(cli.json));
        refuseNonEmptyDlq(dlq, sessionId);

        cli.out.println("cutover of session " + sessionId + ": proving that every change written to " + session.sourceTable()
                + " reached " + session.targetTable().orElse("the target") + " (writes to the source must have stopped)");
        CutoverProof proof = prove(control, session, queueUrl, settings, timeout, "cutover");
        refuseNonEmptyDlq(dlq, sessionId);
        Map<String, ShardProgress> proven = proof.positions();

        ObjectNode signal = cli.json.createObjectNode().put("decision", "cutover").put("finished_by", "operator");
        signal.set("proof", cli.json.valueToTree(proof.figures()));
        try {
            cli.aws.sfn().sendTaskSuccess(r -> r.taskToken(token).output(signal.toString()));
        } catch (TaskTimedOutException | InvalidTokenException | TaskDoesNotExistException e) {
            throw new CliFailure("Step Functions no longer waits for session " + sessionId + "'s token ("
                    + e.awsErrorDetails().errorCode() + "): it may have ended by its maximum duration; restore-cdc status "
                    + "--table " + session.sourceTable() + " shows where it stands");
        }
        cli.err.println("cutover: proven; signalled the session, waiting for CUT_OVER with replay off");
        Instant signalDeadline = clock.instant().plus(SIGNAL_GRACE);
        while (true) {
            SessionRecord now = control.session(sessionId, table);
            if (now.status() == SessionStatus.CUT_OVER && now.taskToken().isPresent()) {
                Instant returned = clock.instant();
                cli.out.println("session " + sessionId + " CUT_OVER at " + now.cutOverAt().map(Object::toString).orElse("?")
                        + "; replay is off. Switch the application to " + now.targetTable().orElse("the target") + " now.");
                proof.newestWrite().ifPresentOrElse(
                        newest -> cli.out.println("pause: " + Duration.between(newest, returned).toMillis() / 1000.0
                                + " s (newest source write seen at " + newest + ", cutover returned at " + returned + ")"),
                        () -> cli.out.println("pause: no source write seen in the stream's retention"));
                warnIfWritesContinued(proven, ShardProgressTable.read(cli.aws.dynamo(), control.tableName(), sessionId));
                return 0;
            }
            if (now.terminal()) {
                throw new CliFailure("session " + sessionId + " is " + now.status() + " after the cutover signal"
                        + now.reason().map(r -> " (" + r + ")").orElse(""));
            }
            if (!clock.instant().isBefore(signalDeadline)) {
                throw new CliFailure("signalled, but session " + sessionId + " is still " + now.status() + " after "
                        + SIGNAL_GRACE.toSeconds() + " s; restore-cdc status shows where it stands");
            }
            cli.sleep(Duration.ofSeconds(1));
        }
    }

    /**
     * Runs the proof until it holds, showing progress on stderr; times out with exit 4 (nothing changed).
     */
    CutoverProof prove(ControlTableReader control, SessionRecord session, String queueUrl, CutoverSettings settings,
            Duration timeout, String command) {
        Instant deadline = clock.instant().plus(timeout);
        CutoverProof proof = proof(control, session, queueUrl, settings);
        Instant lastShown = Instant.MIN;
        while (!proof.step()) {
            Instant now = clock.instant();
            if (!now.isBefore(deadline)) {
                throw new CliFailure(command + " timed out after " + timeout.toSeconds() + " s without proof (" + proof.progress()
                        + "); nothing changed: the session is still " + session.status() + ". Are the source's writes "
                        + "stopped? Run " + command + " again when they are.", CliFailure.TIMED_OUT);
            }
            if (!now.isBefore(lastShown.plus(settings.poll()))) {
                cli.err.println(command + ": " + proof.progress());
                lastShown = now;
            }
            cli.sleep(settings.readInterval());
        }
        return proof;
    }

    private CutoverProof proof(ControlTableReader control, SessionRecord session, String queueUrl, CutoverSettings settings) {
        var stream = new DynamoStreamShards(cli.aws.streams(), DynamoStreamShards.streamArn(cli.aws.dynamo(), session.sourceTable()));
        Instant floor = session.captureFloor().orElse(Instant.EPOCH);
        return new CutoverProof(stream, () -> ShardProgressTable.read(cli.aws.dynamo(), control.tableName(), session.sessionId()),
                () -> queueReading(queueUrl), settings, floor, clock);
    }

    CutoverProof.QueueReading queueReading(String queueUrl) {
        Map<QueueAttributeName, String> a = cli.aws.sqs().getQueueAttributes(r -> r.queueUrl(queueUrl).attributeNames(
                QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES, QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE,
                QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_DELAYED)).attributes();
        return new CutoverProof.QueueReading(count(a, QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES),
                count(a, QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE),
                count(a, QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_DELAYED));
    }

    private static long count(Map<QueueAttributeName, String> attributes, QueueAttributeName name) {
        String value = attributes.get(name);
        return value == null ? 0 : Long.parseLong(value);
    }

    /** Per-shard progress exists only with one batch per shard and a tumbling window (events name their shard). */
    private void requireShardProgress(DeploymentNames names, String sourceTable) {
        List<EventSourceMappingConfiguration> mappings = cli.aws.lambda()
                .listEventSourceMappings(r -> r.functionName(names.captureFunction())).eventSourceMappings();
        if (mappings.isEmpty()) {
            throw new CliFailure("no capture mapping for " + names.captureFunction() + ": is the deployment applied?", CliFailure.REFUSED);
        }
        EventSourceMappingConfiguration capture = mappings.get(0);
        Integer window = capture.tumblingWindowInSeconds();
        Integer parallel = capture.parallelizationFactor();
        if (window == null || window < 1 || (parallel != null && parallel != 1)) {
            throw new CliFailure("the capture mapping of " + sourceTable + " has tumbling window " + window + " and parallelization "
                    + "factor " + parallel + ": capture records per-shard progress only with a tumbling window and one batch "
                    + "per shard (deploy the current Terraform); the cutover cannot be proven", CliFailure.REFUSED);
        }
    }

    private void refuseNonEmptyDlq(DeadLetters dlq, String sessionId) {
        StringBuilder keys = new StringBuilder();
        List<software.amazon.awssdk.services.sqs.model.Message> held = new java.util.ArrayList<>();
        for (List<DeadLetters.Letter> batch = dlq.receive(); !batch.isEmpty(); batch = dlq.receive()) {
            for (DeadLetters.Letter letter : batch) {
                held.add(letter.message());
                keys.append("\n  ").append(letter.key() != null ? letter.key().toString() : "undecodable: " + letter.problem());
            }
        }
        dlq.release(held);
        long counted = dlq.approximateCount();
        if (held.isEmpty() && counted == 0) {
            return;
        }
        throw new CliFailure("the dead-letter queue is not empty (" + Math.max(held.size(), counted) + " messages): these changes "
                + "are not in the target; the cutover is refused, nothing changed (restore-cdc repair --session " + sessionId
                + " rewrites their keys, then run cutover again):" + (keys.length() == 0 ? " (held by another reader)" : keys),
                CliFailure.REFUSED);
    }

    /** Writes that reached the source after the proof (writes not stopped): name the shards that moved on. */
    private void warnIfWritesContinued(Map<String, ShardProgress> proven, Map<String, ShardProgress> after) {
        after.forEach((shard, now) -> {
            ShardProgress then = proven.get(shard);
            if (then == null || !ShardProgress.atOrAfter(then.sequenceNumber(), now.sequenceNumber())) {
                cli.err.println("WARNING: shard " + shard + " got changes after the proof (newest at " + now.newestAt()
                        + "): writes to the source did not stop; changes recorded after CUT_OVER are listed as late writes "
                        + "by restore-cdc status");
            }
        });
    }
}
