package dev.restorecdc.cli;

import dev.restorecdc.session.SessionStatus;
import dev.restorecdc.session.SessionRecord;
import dev.restorecdc.session.ControlTableKeys;
import software.amazon.awssdk.services.eventbridge.model.DescribeRuleResponse;
import software.amazon.awssdk.services.eventbridge.model.RuleState;
import software.amazon.awssdk.services.eventbridge.model.Target;
import software.amazon.awssdk.services.lambda.model.EventSourceMappingConfiguration;
import software.amazon.awssdk.services.sfn.model.StateMachineListItem;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;
import software.amazon.awssdk.services.sqs.model.QueueDoesNotExistException;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Doctor's checks of what Terraform deploys for the table, found by {@link DeploymentNames}: the
 * rule and state machine, the three functions, the two mappings (disabled while no session runs),
 * the queues, and no session lock left behind.
 */
final class DeploymentChecks {

    private static final String APPLY = "terraform apply -var table_name=";

    private final AwsClients aws;
    private final DeploymentNames names;
    private final String table;
    private final String apply;

    DeploymentChecks(AwsClients aws, DeploymentNames names, String table) {
        this.aws = aws;
        this.names = names;
        this.table = table;
        this.apply = APPLY + table;
    }

    Check rule(Optional<String> stateMachineArn) {
        DescribeRuleResponse rule;
        try {
            rule = aws.events().describeRule(r -> r.name(names.restoreRule()));
        } catch (software.amazon.awssdk.services.eventbridge.model.ResourceNotFoundException e) {
            return Check.fail("restore rule", names.restoreRule() + " does not exist", apply);
        }
        if (rule.state() != RuleState.ENABLED) {
            return Check.warn("restore rule", names.restoreRule() + " is " + rule.stateAsString() + ": restores start no session",
                    "aws events enable-rule --name " + names.restoreRule());
        }
        List<String> targets = aws.events().listTargetsByRule(r -> r.rule(names.restoreRule())).targets().stream()
                .map(Target::arn).toList();
        if (targets.isEmpty()) {
            return Check.fail("restore rule", names.restoreRule() + " has no target: restores start no session", apply);
        }
        if (stateMachineArn.isPresent() && !targets.contains(stateMachineArn.get())) {
            // Not a FAIL: the local emulator cannot target Step Functions and routes through a queue.
            return Check.warn("restore rule", names.restoreRule() + " targets " + String.join(", ", targets) + ", not "
                    + names.stateMachine(), apply + " (in AWS the rule targets the state machine)");
        }
        return Check.ok("restore rule", names.restoreRule() + " is ENABLED");
    }

    /**
     * Which restores are followed: this region's always; another region's only when the deployment lists
     * it (Terraform's restore_regions, the workflow function's CDC_RESTORE_REGIONS) and the forwarding
     * rule there sends its CloudTrail event home (the restore call, and so its event, happens in the
     * region the table is restored into). The trail must record those regions' management events.
     */
    /**
     * The regions other than {@code home} whose restores the deployment follows: the workflow
     * function's CDC_RESTORE_REGIONS; empty when there is none or no such function.
     */
    List<String> otherRestoreRegions(String home) {
        return restoreRegionsOf(home).orElse(List.of());
    }

    private Optional<List<String>> restoreRegionsOf(String home) {
        try {
            var variables = aws.lambda().getFunction(r -> r.functionName(names.workflowFunction())).configuration().environment();
            String value = variables == null || variables.variables() == null ? "" : variables.variables().getOrDefault("CDC_RESTORE_REGIONS", "");
            return Optional.of(java.util.Arrays.stream(value.split("[,\\s]+")).filter(r -> !r.isBlank() && !r.equals(home)).toList());
        } catch (software.amazon.awssdk.services.lambda.model.ResourceNotFoundException e) {
            return Optional.empty();
        }
    }

    Check restoreRegions(String home) {
        String name = "restore regions";
        Optional<List<String>> listed = restoreRegionsOf(home);
        if (listed.isEmpty()) {
            return Check.warn(name, "cannot tell (no " + names.workflowFunction() + "): restores into " + home + " are followed",
                    apply);
        }
        List<String> regions = listed.get();
        if (regions.isEmpty()) {
            return Check.ok(name, "restores into " + home + " are followed; a restore into ANOTHER region is NOT (its CloudTrail "
                    + "event and table are in that region): list the region in Terraform's restore_regions to follow it");
        }
        List<String> missing = new java.util.ArrayList<>();
        for (String region : regions) {
            try {
                var events = aws.events(software.amazon.awssdk.regions.Region.of(region));
                DescribeRuleResponse rule = events.describeRule(r -> r.name(names.forwardRule()));
                boolean forwardsHome = rule.state() == RuleState.ENABLED && events.listTargetsByRule(r -> r.rule(names.forwardRule()))
                        .targets().stream().anyMatch(t -> t.arn().contains(":events:" + home + ":") && t.arn().endsWith(":event-bus/default"));
                if (!forwardsHome) {
                    missing.add(region + " (" + names.forwardRule() + " is " + rule.stateAsString() + " or does not target " + home + ")");
                }
            } catch (software.amazon.awssdk.services.eventbridge.model.ResourceNotFoundException e) {
                missing.add(region + " (no rule " + names.forwardRule() + ")");
            }
        }
        if (!missing.isEmpty()) {
            return Check.fail(name, "restores there start no session: " + String.join(", ", missing), apply);
        }
        return Check.ok(name, "restores into " + home + " and " + String.join(", ", regions) + " are followed (forwarded to "
                + home + "); the trail must record management events in those regions too (a multi-region trail); a restore "
                + "into any other region is refused when its session registers");
    }

    /** The state machine's ARN, if it exists. */
    Optional<String> stateMachineArn() {
        for (StateMachineListItem item : aws.sfn().listStateMachinesPaginator(r -> { }).stateMachines()) {
            if (item.name().equals(names.stateMachine())) {
                return Optional.of(item.stateMachineArn());
            }
        }
        return Optional.empty();
    }

    Check stateMachine(Optional<String> arn) {
        return arn.map(a -> Check.ok("state machine", a))
                .orElseGet(() -> Check.fail("state machine", names.stateMachine() + " does not exist", apply));
    }

    Check function(String name) {
        try {
            String state = aws.lambda().getFunction(r -> r.functionName(name)).configuration().stateAsString();
            return Check.ok("function", name + (state == null ? "" : " (" + state + ")"));
        } catch (software.amazon.awssdk.services.lambda.model.ResourceNotFoundException e) {
            return Check.fail("function", name + " does not exist", apply);
        }
    }

    /**
     * The capture mapping must read the table's current stream; both mappings stay disabled while no
     * session runs (idle costs nothing and holds no stream reader) and are enabled while one does.
     */
    Check captureMapping(Optional<String> streamArn, Optional<SessionRecord> active) {
        Optional<EventSourceMappingConfiguration> mapping = mappings(names.captureFunction()).stream()
                .filter(m -> m.eventSourceArn() != null && m.eventSourceArn().contains(":table/" + table + "/stream/")).findFirst();
        if (mapping.isEmpty()) {
            return Check.fail("capture mapping", "no stream mapping of " + table + " to " + names.captureFunction(), apply);
        }
        if (streamArn.isPresent() && !streamArn.get().equals(mapping.get().eventSourceArn())) {
            return Check.fail("capture mapping", "reads " + mapping.get().eventSourceArn() + ", not the table's current stream "
                    + streamArn.get(), apply + " (re-creates the mapping on the current stream)");
        }
        return state("capture mapping", mapping.get(), active, List.of(SessionStatus.RESTORING, SessionStatus.CONFIGURING, SessionStatus.REPLAYING, SessionStatus.CAUGHT_UP));
    }

    Check replayMapping(Optional<SessionRecord> active) {
        Optional<EventSourceMappingConfiguration> mapping = mappings(names.replayFunction()).stream()
                .filter(m -> m.eventSourceArn() != null && m.eventSourceArn().endsWith(":" + names.queue())).findFirst();
        if (mapping.isEmpty()) {
            return Check.fail("replay mapping", "no mapping of " + names.queue() + " to " + names.replayFunction(), apply);
        }
        return state("replay mapping", mapping.get(), active, List.of(SessionStatus.REPLAYING, SessionStatus.CAUGHT_UP));
    }

    private List<EventSourceMappingConfiguration> mappings(String function) {
        try {
            return aws.lambda().listEventSourceMappings(r -> r.functionName(function)).eventSourceMappings();
        } catch (software.amazon.awssdk.services.lambda.model.ResourceNotFoundException e) {
            return List.of();
        }
    }

    /** {@code enabledIn}: the session statuses in which the session has this mapping enabled. */
    private Check state(String name, EventSourceMappingConfiguration mapping, Optional<SessionRecord> active,
                        List<SessionStatus> enabledIn) {
        String state = mapping.state();
        boolean enabled = "Enabled".equals(state) || "Enabling".equals(state);
        String what = mapping.uuid() + " is " + state;
        if (active.isEmpty() && enabled) {
            return Check.warn(name, what + " although no session runs",
                    "aws lambda update-event-source-mapping --uuid " + mapping.uuid() + " --no-enabled");
        }
        if (active.isPresent() && !enabled && enabledIn.contains(active.get().status())) {
            return Check.warn(name, what + " while session " + active.get().sessionId() + " is " + active.get().status(),
                    "restore-cdc status --table " + table + "; the session enables it (see the state machine's execution)");
        }
        return Check.ok(name, what + (active.isEmpty() ? " (idle)" : " (session " + active.get().sessionId() + ")"));
    }

    /**
     * SQS's largest message, which both queues must take: capture queues items of up to DynamoDB's
     * 400 KB, and a queue left at the Terraform provider's default (256 KiB) refuses the larger ones.
     */
    static final long REQUIRED_MESSAGE_SIZE = 1_048_576;

    Check queue(String name, boolean deadLetters) {
        String label = deadLetters ? "dead-letter queue" : "queue";
        try {
            String url = aws.sqs().getQueueUrl(r -> r.queueName(name)).queueUrl();
            var attributes = aws.sqs().getQueueAttributes(r -> r.queueUrl(url).attributeNames(
                    QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES, QueueAttributeName.MAXIMUM_MESSAGE_SIZE)).attributes();
            String size = attributes.get(QueueAttributeName.MAXIMUM_MESSAGE_SIZE);
            if (size != null && Long.parseLong(size) < REQUIRED_MESSAGE_SIZE) {
                return Check.fail(label, name + " takes messages of at most " + size + " bytes; items up to 400 KB need "
                        + REQUIRED_MESSAGE_SIZE + " (1 MiB), or SQS refuses their changes",
                        apply + " (sets max_message_size = 1048576; AWS provider >= 6.8.0), or aws sqs set-queue-attributes --queue-url "
                        + url + " --attributes MaximumMessageSize=" + REQUIRED_MESSAGE_SIZE);
            }
            if (!deadLetters) {
                return Check.ok(label, name);
            }
            String count = attributes.get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES);
            if (count != null && Long.parseLong(count) > 0) {
                return Check.warn(label, name + " holds " + count + " changes replay could not apply",
                        "restore-cdc repair --session <id> rewrites their items from the source and deletes them");
            }
            return Check.ok(label, name + " is empty");
        } catch (QueueDoesNotExistException e) {
            return Check.fail(label, name + " does not exist", apply);
        }
    }

    /** A lock whose session ended (or never existed) blocks every later restore of the table. */
    /**
     * The lock check: no lock, a lock of a running session (warn: restores are refused meanwhile), or
     * a lock nothing will release: its session has no record or has ended, the session's execution no
     * longer runs (stopped, failed outside its own cleanup), or the lock's expiry passed.
     *
     * @param expiresAt the lock's {@code lock_expires_at}, if it carries one
     * @param execution the status of the session's execution, if it was found
     */
    Check lock(ControlTableReader control, Optional<String> holder, Optional<SessionRecord> session, Optional<Instant> expiresAt,
            Optional<String> execution) {
        if (holder.isEmpty()) {
            return Check.ok("session lock", "no active session");
        }
        String delete = "aws dynamodb delete-item --table-name " + control.tableName()
                + " --key '{\"pk\":{\"S\":\"" + ControlTableKeys.tablePk(table) + "\"},\"sk\":{\"S\":\"" + ControlTableKeys.ACTIVE + "\"}}'";
        if (session.isEmpty()) {
            return Check.fail("session lock", "held by session " + holder.get() + ", which has no session record", delete);
        }
        String abort = "restore-cdc abort --session " + holder.get() + " --table " + table;
        if (session.get().terminal()) {
            return Check.fail("session lock", "left behind by session " + holder.get() + ", which is " + session.get().status()
                    + ": every new restore would be refused", abort + " (or " + delete + ")");
        }
        if (execution.isPresent() && !execution.get().equals("RUNNING")) {
            return Check.fail("session lock", "held by session " + holder.get() + " (" + session.get().status()
                    + "), whose execution is " + execution.get() + ": nothing will release the lock or disable the mappings",
                    abort);
        }
        if (expiresAt.isPresent() && expiresAt.get().isBefore(Instant.now())) {
            return Check.fail("session lock", "held by session " + holder.get() + " (" + session.get().status()
                    + "), whose lock expired at " + expiresAt.get() + ": the session cannot be running any more (the next "
                    + "restore takes the lock over, but the mappings may still be on)", abort);
        }
        return Check.warn("session lock", "session " + holder.get() + " is " + session.get().status()
                + expiresAt.map(at -> " (lock until " + at + ")").orElse("")
                + ": a new restore is refused until it ends", "restore-cdc status --table " + table
                + "; restore-cdc finish --session " + holder.get() + " once the cutover is done (restore-cdc abort --session "
                + holder.get() + " to give up)");
    }
}
