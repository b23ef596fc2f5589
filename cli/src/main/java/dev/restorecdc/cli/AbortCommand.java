package dev.restorecdc.cli;

import dev.restorecdc.aws.SessionStore;
import dev.restorecdc.session.MappingSwitch;
import dev.restorecdc.session.SessionAbort;
import dev.restorecdc.session.SessionRecord;
import dev.restorecdc.session.SessionStatus;
import software.amazon.awssdk.services.lambda.model.EventSourceMappingConfiguration;
import software.amazon.awssdk.services.sfn.model.ExecutionDoesNotExistException;
import software.amazon.awssdk.services.sfn.model.ExecutionStatus;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * {@code abort --session S [--reason R]}: ends a session by hand, whatever state it (or its execution)
 * is in. Marks it ABORTED with the reason (first, so the cleanup the stopped execution triggers keeps
 * the operator's reason), stops its execution if it still runs, disables both mappings unless another
 * session holds the table's lock, and releases the lock if it is this session's. Every part is safe
 * to repeat: aborting an ended session only releases a lock it left behind.
 */
final class AbortCommand {

    static final Set<String> OPTIONS = Set.of("session", "reason", "table", "control-table", "name-prefix");

    private final CliContext cli;

    AbortCommand(CliContext cli) {
        this.cli = cli;
    }

    int run(CliArgs args) {
        args.allowOnly(OPTIONS);
        String sessionId = args.required("session");
        String reason = "aborted by the operator: " + args.value("reason").orElse("restore-cdc abort");
        ControlTableReader control = cli.controlTable(args);
        SessionRecord session = control.session(sessionId, args.value("table"));
        String table = session.sourceTable();
        DeploymentNames names = cli.names(args, table);
        SessionStore store = new SessionStore(cli.aws.dynamo(), control.tableName(), table);
        Instant now = Instant.now();

        if (!session.terminal()) {
            store.updateStatus(sessionId, SessionStatus.ABORTED, Map.of(SessionRecord.REASON, reason), now);
            cli.out.println("session " + sessionId + " (" + table + ") was " + session.status() + "; marked ABORTED (" + reason + ")");
        } else {
            cli.out.println("session " + sessionId + " (" + table + ") had already ended " + session.status()
                    + session.reason().map(r -> " (" + r + ")").orElse("") + "; making sure nothing is left behind");
        }
        stopExecution(session, names);

        String capture = mapping(names.captureFunction());
        String replay = mapping(names.replayFunction());
        MappingSwitch lambda = uuid -> cli.aws.lambda().updateEventSourceMapping(r -> r.uuid(uuid).enabled(false));
        SessionAbort.Outcome outcome = SessionAbort.end(store, lambda, capture, replay, sessionId, SessionStatus.ABORTED, reason, now);
        cli.out.println(outcome.mappingsDisabled()
                ? "disabled the capture mapping (" + capture + ") and the replay mapping (" + replay + ")"
                : outcome.lockHolder().map(h -> "left the mappings alone: they belong to session " + h + ", which holds the lock")
                        .orElse("left the mappings alone: the lock is free, so no session runs them (ended sessions disable them)"));
        if (outcome.lockReleased()) {
            cli.out.println("released the lock of table " + table + ": the next restore starts a session");
        } else {
            cli.out.println(outcome.lockHolder().map(h -> "the lock of table " + table + " is held by session " + h)
                    .orElse("the lock of table " + table + " was already free"));
        }
        cli.out.println("session " + sessionId + " is " + store.session(sessionId).map(SessionRecord::status).orElse(SessionStatus.ABORTED)
                + "; the queue is kept for inspection (restore-cdc status --table " + table + ")");
        return 0;
    }

    /** Stops the session's execution (the one the record names, else one named after the session) if it still runs. */
    private void stopExecution(SessionRecord session, DeploymentNames names) {
        Optional<String> arn = session.executionArn().or(() -> stateMachineArn(names)
                .map(m -> m.replace(":stateMachine:", ":execution:") + ":" + session.sessionId()));
        if (arn.isEmpty()) {
            cli.out.println("no execution recorded for session " + session.sessionId() + " and no state machine "
                    + names.stateMachine() + ": nothing to stop");
            return;
        }
        try {
            ExecutionStatus status = cli.aws.sfn().describeExecution(r -> r.executionArn(arn.get())).status();
            if (status != ExecutionStatus.RUNNING) {
                cli.out.println("execution " + arn.get() + " is " + status + ": nothing to stop");
                return;
            }
            cli.aws.sfn().stopExecution(r -> r.executionArn(arn.get()).error("SessionAborted")
                    .cause("restore-cdc abort: " + session.sessionId()));
            cli.out.println("stopped execution " + arn.get());
        } catch (ExecutionDoesNotExistException e) {
            cli.out.println("execution " + arn.get() + " does not exist: nothing to stop");
        }
    }

    private Optional<String> stateMachineArn(DeploymentNames names) {
        return cli.aws.sfn().listStateMachines().stateMachines().stream().filter(m -> m.name().equals(names.stateMachine()))
                .map(m -> m.stateMachineArn()).findFirst();
    }

    private String mapping(String function) {
        List<EventSourceMappingConfiguration> mappings = cli.aws.lambda()
                .listEventSourceMappings(r -> r.functionName(function)).eventSourceMappings();
        if (mappings.size() != 1) {
            throw new CliFailure("function " + function + " has " + mappings.size() + " event source mappings, expected 1: "
                    + "is this the deployment of the session's table? (--name-prefix when Terraform was given one)");
        }
        return mappings.get(0).uuid();
    }
}
