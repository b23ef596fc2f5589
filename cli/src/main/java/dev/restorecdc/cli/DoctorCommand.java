package dev.restorecdc.cli;

import dev.restorecdc.session.SessionRecord;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import software.amazon.awssdk.awscore.exception.AwsServiceException;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/**
 * {@code doctor --table X}: will a restore of X be captured and replayed? One line per check with
 * its verdict and fix; exit 1 on any FAIL.
 */
final class DoctorCommand {

    static final Set<String> OPTIONS = Set.of("table", "control-table", "name-prefix", "json");

    private final CliContext cli;
    private final List<Check> checks = new ArrayList<>();

    DoctorCommand(CliContext cli) {
        this.cli = cli;
    }

    int run(CliArgs args) {
        args.allowOnly(OPTIONS);
        String table = args.required("table");
        String region = cli.aws.region().id();
        DeploymentNames names = cli.names(args, table);

        TableChecks source = new TableChecks(cli.aws.dynamo(), table);
        add("table", () -> source.exists(region));
        if (source.found()) {
            add("stream", source::stream);
            add("point-in-time recovery", source::pointInTimeRecovery);
            add(StreamConsumersCheck.NAME, () -> StreamConsumersCheck.run(cli.aws.dynamo(), cli.aws.lambda(), table,
                    names.captureFunction()));
        }
        DeploymentChecks deployment = new DeploymentChecks(cli.aws, names, table);
        add(TrailCheck.NAME, () -> new TrailCheck(cli.aws.cloudTrail(), region, deployment.otherRestoreRegions(region)).run());
        // The restore call and its CloudTrail event happen in the target's region; the rule lives here, and
        // only the regions of restore_regions forward their restores to it.
        add("restore regions", () -> deployment.restoreRegions(region));
        Optional<SessionRecord> active = lockCheck(args, deployment, table);
        Optional<String> stateMachine = guarded(deployment::stateMachineArn);
        add("state machine", () -> deployment.stateMachine(stateMachine));
        add("restore rule", () -> deployment.rule(stateMachine));
        for (String function : List.of(names.captureFunction(), names.replayFunction(), names.workflowFunction())) {
            add("function", () -> deployment.function(function));
        }
        add("capture mapping", () -> deployment.captureMapping(source.streamArn(), active));
        add("replay mapping", () -> deployment.replayMapping(active));
        add("queue", () -> deployment.queue(names.queue(), false));
        add("dead-letter queue", () -> deployment.queue(names.deadLetterQueue(), true));

        long failures = checks.stream().filter(c -> c.verdict() == Check.Verdict.FAIL).count();
        if (args.has("json")) {
            cli.out.println(json(table, region, names, failures));
        } else {
            print(table, region, names, failures);
        }
        return failures == 0 ? 0 : CliFailure.FAILED;
    }

    /** The lock check; returns the running session, which decides what state the mappings should be in. */
    private Optional<SessionRecord> lockCheck(CliArgs args, DeploymentChecks deployment, String table) {
        ControlTableReader control = cli.controlTable(args);
        try {
            Optional<String> holder = control.lockHolder(table);
            Optional<SessionRecord> session = Optional.empty();
            if (holder.isPresent()) {
                try {
                    session = Optional.of(control.session(holder.get(), Optional.of(table)));
                } catch (CliFailure unknown) {
                    // reported by the lock check below
                }
            }
            Optional<SessionRecord> found = session;
            Optional<java.time.Instant> expiresAt = control.lockExpiresAt(table);
            Optional<String> execution = found.filter(s -> !s.terminal()).flatMap(s -> guarded(() -> executionStatus(s, deployment)));
            add("session lock", () -> deployment.lock(control, holder, found, expiresAt, execution));
            return found.filter(s -> !s.terminal());
        } catch (CliFailure missing) {
            checks.add(Check.fail("control table", missing.getMessage(), "terraform apply -var table_name=" + table));
            return Optional.empty();
        } catch (AwsServiceException e) {
            checks.add(denied("session lock", e));
            return Optional.empty();
        }
    }

    /** The status of the session's execution: the one its record names, else the one named after it. */
    private Optional<String> executionStatus(SessionRecord session, DeploymentChecks deployment) {
        Optional<String> arn = session.executionArn().or(() -> deployment.stateMachineArn()
                .map(m -> m.replace(":stateMachine:", ":execution:") + ":" + session.sessionId()));
        if (arn.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(cli.aws.sfn().describeExecution(r -> r.executionArn(arn.get())).statusAsString());
        } catch (software.amazon.awssdk.services.sfn.model.ExecutionDoesNotExistException e) {
            return Optional.of("gone (" + arn.get() + " does not exist)");
        }
    }

    /** Runs one check; a check the caller may not perform is a warning naming the missing permission. */
    private void add(String name, Supplier<Check> check) {
        try {
            checks.add(check.get());
        } catch (AwsServiceException e) {
            checks.add(denied(name, e));
        }
    }

    private <T> Optional<T> guarded(Supplier<Optional<T>> lookup) {
        try {
            return lookup.get();
        } catch (AwsServiceException e) {
            return Optional.empty(); // the check that uses it reports the problem
        }
    }

    private Check denied(String name, AwsServiceException e) {
        if (AwsErrors.isAccessDenied(e)) {
            return Check.warn(name, "cannot check: no permission for " + AwsErrors.action(e),
                    "allow " + AwsErrors.action(e) + " to the identity running doctor");
        }
        return Check.warn(name, "cannot check: " + AwsErrors.describe(e, cli.aws), "");
    }

    private void print(String table, String region, DeploymentNames names, long failures) {
        cli.out.println("doctor: table " + table + " in " + region + ", deployment " + names.prefix());
        int width = checks.stream().mapToInt(c -> c.name().length()).max().orElse(10);
        for (Check check : checks) {
            cli.out.println(String.format("%-4s  %-" + width + "s  %s", check.verdict().label, check.name(), check.detail()));
            if (!check.fix().isEmpty()) {
                cli.out.println(" ".repeat(6 + width + 2) + "fix: " + check.fix());
            }
        }
        long warnings = checks.stream().filter(c -> c.verdict() == Check.Verdict.WARN).count();
        cli.out.println(failures + " FAIL, " + warnings + " warn, " + (checks.size() - failures - warnings) + " ok");
    }

    private String json(String table, String region, DeploymentNames names, long failures) {
        ObjectNode root = cli.json.createObjectNode();
        root.put("table", table);
        root.put("region", region);
        root.put("name_prefix", names.prefix());
        root.put("failures", failures);
        ArrayNode list = root.putArray("checks");
        for (Check check : checks) {
            list.addObject().put("check", check.name()).put("verdict", check.verdict().label)
                    .put("detail", check.detail()).put("fix", check.fix());
        }
        return Json.write(cli.json, root);
    }
}
