package dev.restorecdc.cli;

import dev.restorecdc.session.SessionStatus;
import dev.restorecdc.session.SessionRecord;
import software.amazon.awssdk.services.sfn.model.InvalidTokenException;
import software.amazon.awssdk.services.sfn.model.TaskDoesNotExistException;
import software.amazon.awssdk.services.sfn.model.TaskTimedOutException;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;

/**
 * {@code finish --session S}: the operator's "cutover done". Sends SendTaskSuccess with the task
 * token the session's wait step stored, then follows the session until the state machine has
 * disabled the mappings, drained the queue and marked it FINISHED.
 */
final class FinishCommand {

    static final Set<String> OPTIONS = Set.of("session", "table", "control-table", "name-prefix", "timeout", "poll");
    static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(300);
    static final Duration DEFAULT_POLL = Duration.ofSeconds(5);

    private final CliContext cli;

    FinishCommand(CliContext cli) {
        this.cli = cli;
    }

    int run(CliArgs args) {
        args.allowOnly(OPTIONS);
        Duration timeout = args.duration("timeout", DEFAULT_TIMEOUT);
        Duration poll = args.duration("poll", DEFAULT_POLL);
        ControlTableReader control = cli.controlTable(args);
        String sessionId = args.required("session");
        Optional<String> table = args.value("table");
        SessionRecord session = control.session(sessionId, table);
        table = Optional.of(session.sourceTable());

        switch (session.status()) {
            case FINISHED -> {
                cli.out.println("session " + sessionId + " is already FINISHED" + reason(session));
                return 0;
            }
            case FAILED -> throw new CliFailure("session " + sessionId + " FAILED" + reason(session) + ": nothing to finish");
            case EXPIRED -> throw new CliFailure("session " + sessionId + " EXPIRED" + reason(session) + ": nothing to finish");
            case ABORTED -> throw new CliFailure("session " + sessionId + " was ABORTED" + reason(session) + ": nothing to finish");
            case FINISHING -> cli.out.println("session " + sessionId + " is already FINISHING; waiting for it to end");
            case CUT_OVER -> signal(session, control);
            default -> {
                proveDrained(args, session, control, timeout);
                signal(session, control);
            }
        }

        Instant deadline = Instant.now().plus(timeout);
        while (true) {
            session = control.session(sessionId, table);
            switch (session.status()) {
                case FINISHED -> {
                    cli.out.println("session " + sessionId + " FINISHED" + reason(session)
                            + "; capture and replay are off and the table's lock is released");
                    LateWrites.print(cli.out, sessionId, LateWrites.read(cli.aws.dynamo(), control.tableName(), sessionId));
                    return 0;
                }
                case FAILED -> throw new CliFailure("session " + sessionId + " FAILED while finishing" + reason(session));
                case EXPIRED -> throw new CliFailure("session " + sessionId + " EXPIRED before the finish signal" + reason(session));
                case ABORTED -> throw new CliFailure("session " + sessionId + " was ABORTED while finishing" + reason(session));
                default -> {
                    if (!Instant.now().isBefore(deadline)) {
                        throw new CliFailure("timed out after " + timeout.toSeconds() + "s: session " + sessionId + " is still "
                                + session.status() + " (draining the queue can take longer; run finish again to keep "
                                + "waiting, or restore-cdc status)");
                    }
                    cli.sleep(poll);
                }
            }
        }
    }

    /**
     * Finishing without a cutover stops capture: first prove, as the cutover does, that capture has
     * drained every shard and the queue is empty, so no write already made to the source is left
     * behind. Needs the application's writes to the source stopped (or switched to the target).
     */
    private void proveDrained(CliArgs args, SessionRecord session, ControlTableReader control, Duration timeout) {
        if (session.taskToken().isEmpty() || session.cutoverSettings().isEmpty()) {
            return; // not waiting for the operator (signal says so), or deployed before the proof existed
        }
        DeploymentNames names = cli.names(args, session.sourceTable());
        String queueUrl = cli.aws.sqs().getQueueUrl(r -> r.queueName(names.queue())).queueUrl();
        cli.out.println("finish of session " + session.sessionId() + ": proving capture drained every shard and the queue is "
                + "empty before capture stops (writes to the source must have stopped)");
        new CutoverCommand(cli).prove(control, session, queueUrl, dev.restorecdc.session.CutoverSettings.from(session.cutoverSettings()),
                timeout, "finish");
    }

    private void signal(SessionRecord session, ControlTableReader control) {
        String token = session.taskToken().orElseThrow(() -> new CliFailure("session " + session.sessionId() + " is "
                + session.status() + " and not waiting for the operator yet (no task token): finish works once it has "
                + "caught up (restore-cdc status shows CAUGHT_UP)"));
        try {
            cli.aws.sfn().sendTaskSuccess(r -> r.taskToken(token).output("{\"finished_by\":\"operator\"}"));
            cli.out.println("sent the finish signal for session " + session.sessionId() + "; waiting for FINISHED");
        } catch (TaskTimedOutException | InvalidTokenException | TaskDoesNotExistException e) {
            SessionStatus now = control.session(session.sessionId(), Optional.of(session.sourceTable())).status();
            if (now == SessionStatus.FINISHING || now == SessionStatus.FINISHED || now == SessionStatus.EXPIRED) {
                return; // someone (or the maximum duration) finished it meanwhile: follow it to the end
            }
            throw new CliFailure("Step Functions no longer waits for session " + session.sessionId() + "'s token ("
                    + e.awsErrorDetails().errorCode() + "): the session may have ended by its maximum duration or "
                    + "its execution was stopped; restore-cdc status --table " + session.sourceTable() + " shows where it stands");
        }
    }

    private static String reason(SessionRecord session) {
        return session.reason().map(r -> " (" + r + ")").orElse("");
    }
}
