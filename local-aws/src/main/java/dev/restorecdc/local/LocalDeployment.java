package dev.restorecdc.local;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.TableDescription;
import software.amazon.awssdk.services.lambda.model.EventSourcePosition;
import software.amazon.awssdk.services.lambda.model.FunctionResponseType;
import software.amazon.awssdk.services.lambda.model.Runtime;
import software.amazon.awssdk.services.iam.model.NoSuchEntityException;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;
import software.amazon.awssdk.services.sqs.model.QueueNameExistsException;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * Creates on the emulator what {@code terraform/} creates in AWS, with Terraform's names and the
 * values of {@code config/deployment-defaults.json}: changes queue + DLQ, control table, the three
 * functions, both mappings (disabled), topic, rule with the rendered pattern, state machine rendered
 * from the template, the rule targeting it. The source table must exist with a stream and PITR, as
 * Terraform requires. Deploying again is safe: what exists is brought up to the values, nothing is
 * created twice, and the mappings' enabled state is left alone (Terraform ignores it too).
 */
public final class LocalDeployment {

    /** What Terraform's jvm runtime sets: the function's handler is Quarkus' stream handler. */
    public static final String JVM_HANDLER = "io.quarkus.amazon.lambda.runtime.QuarkusStreamHandler::handleRequest";
    private static final String EVENT_BUS = "default";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final LocalClients aws;
    private final DeploymentValues values;

    private LocalDeployment(LocalClients aws, DeploymentValues values) {
        this.aws = aws;
        this.values = values;
    }

    public static Deployment deploy(LocalClients aws, String sourceTableName, DeploymentValues values) {
        return new LocalDeployment(aws, values).deploy(sourceTableName);
    }

    /** Terraform's default name_prefix: "rcdc-" + the table name cut to 43 (dots → dashes) + "-" + 6 hex of its SHA-1. */
    public static String namePrefix(String tableName) {
        String cut = tableName.replace('.', '-');
        cut = cut.substring(0, Math.min(43, cut.length()));
        try {
            byte[] sha1 = MessageDigest.getInstance("SHA-1").digest(tableName.getBytes(StandardCharsets.UTF_8));
            return "rcdc-" + cut + "-" + HexFormat.of().formatHex(sha1).substring(0, 6);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private Deployment deploy(String sourceTableName) {
        TableDescription source;
        try {
            source = aws.dynamo().describeTable(r -> r.tableName(sourceTableName)).table();
        } catch (software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException absent) {
            throw new DeploymentRefusedException("Table " + sourceTableName + " does not exist in " + LocalClients.REGION
                    + ": create it (with a stream and point-in-time recovery) before deploying for it");
        }
        // The refusals of Terraform's plan (terraform/main.tf, the table's postconditions), word for word.
        if (source.latestStreamArn() == null || source.streamSpecification() == null
                || !Boolean.TRUE.equals(source.streamSpecification().streamEnabled())) {
            throw new DeploymentRefusedException("Table " + sourceTableName + " has no stream. Enable one first: aws dynamodb update-table --table-name "
                    + sourceTableName + " --stream-specification StreamEnabled=true,StreamViewType=NEW_AND_OLD_IMAGES");
        }
        String viewType = source.streamSpecification().streamViewTypeAsString();
        if (!"NEW_IMAGE".equals(viewType) && !"NEW_AND_OLD_IMAGES".equals(viewType)) {
            throw new DeploymentRefusedException("Table " + sourceTableName + "'s stream view type is " + viewType
                    + "; capture needs NEW_IMAGE or NEW_AND_OLD_IMAGES (a view type cannot be changed: disable the stream and enable it again with NEW_AND_OLD_IMAGES).");
        }
        String pitr = aws.dynamo().describeContinuousBackups(r -> r.tableName(sourceTableName)).continuousBackupsDescription()
                .pointInTimeRecoveryDescription().pointInTimeRecoveryStatusAsString();
        if (!"ENABLED".equals(pitr)) {
            throw new DeploymentRefusedException("Table " + sourceTableName + " has point-in-time recovery off, so it cannot be restored to a point in time. "
                    + "Turn it on: aws dynamodb update-continuous-backups --table-name " + sourceTableName
                    + " --point-in-time-recovery-specification PointInTimeRecoveryEnabled=true");
        }
        String prefix = namePrefix(sourceTableName);

        String dlqUrl = queue(prefix + "-changes-dlq.fifo", fifoAttributes(values.integer("queue.dlq_message_retention_seconds")));
        String dlqArn = queueArn(dlqUrl);
        Map<QueueAttributeName, String> queueAttributes = fifoAttributes(values.integer("queue.message_retention_seconds"));
        queueAttributes.put(QueueAttributeName.VISIBILITY_TIMEOUT, String.valueOf(visibilityTimeoutSeconds()));
        queueAttributes.put(QueueAttributeName.REDRIVE_POLICY, JSON.createObjectNode()
                .put("deadLetterTargetArn", dlqArn)
                .put("maxReceiveCount", values.integer("queue.max_receive_count")).toString());
        String queueUrl = queue(prefix + "-changes.fifo", queueAttributes);
        String queueArn = queueArn(queueUrl);

        String controlTable = prefix + "-control";
        createControlTable(controlTable);

        String role = role(prefix + "-functions", "lambda.amazonaws.com");
        List<String> restoreRegions = values.restoreRegions().stream()
                .filter(r -> !r.equals(aws.region().id())).toList();
        Map<String, String> shared = new LinkedHashMap<>(Map.of(
                "CDC_SOURCE_TABLE", sourceTableName,
                "CDC_SESSION_TABLE", controlTable,
                "CDC_QUEUE_URL", queueUrl,
                "CDC_DLQ_URL", dlqUrl,
                // Terraform's jvm runtime: C1 only, for short-lived JVMs.
                "JAVA_TOOL_OPTIONS", "-XX:+TieredCompilation -XX:TieredStopAtLevel=1"));
        if (!restoreRegions.isEmpty()) {
            shared.put("CDC_RESTORE_REGIONS", String.join(",", restoreRegions)); // as Terraform: only with restore_regions
        }
        function(prefix + "-capture", "capture", role, shared);
        function(prefix + "-replay", "replay", role, shared);
        String workflowArn = function(prefix + "-workflow", "workflow", role, shared);

        // Declared disabled; on a second deploy the state is left alone (Terraform ignores `enabled`).
        String captureUuid = mapping(prefix + "-capture", source.latestStreamArn(), false).orElseGet(() ->
                aws.lambda().createEventSourceMapping(r -> r
                        .functionName(prefix + "-capture")
                        .eventSourceArn(source.latestStreamArn())
                        .enabled(false)
                        .startingPosition(EventSourcePosition.fromValue(values.text("capture.starting_position")))
                        .batchSize(values.integer("capture.batch_size"))
                        .maximumBatchingWindowInSeconds(values.integer("capture.maximum_batching_window_seconds"))
                        .parallelizationFactor(values.integer("capture.parallelization_factor"))
                        .tumblingWindowInSeconds(values.integer("capture.tumbling_window_in_seconds"))
                        .bisectBatchOnFunctionError(values.flag("capture.bisect_batch_on_function_error"))
                        .maximumRetryAttempts(values.integer("capture.maximum_retry_attempts"))
                        .maximumRecordAgeInSeconds(values.integer("capture.maximum_record_age_seconds"))
                        .functionResponseTypes(responseTypes("capture.function_response_types"))).uuid());
        String replayUuid = mapping(prefix + "-replay", queueArn, true).orElseGet(() ->
                aws.lambda().createEventSourceMapping(r -> r
                        .functionName(prefix + "-replay")
                        .eventSourceArn(queueArn)
                        .enabled(false)
                        .batchSize(values.integer("replay.batch_size"))
                        .scalingConfig(s -> s.maximumConcurrency(values.integer("replay.maximum_concurrency")))
                        .functionResponseTypes(responseTypes("replay.function_response_types"))).uuid());

        String topicArn = aws.sns().createTopic(r -> r.name(prefix + "-notify")).topicArn();

        ObjectNode configuration = configuration(sourceTableName, source.tableArn(), controlTable, queueUrl, dlqUrl,
                captureUuid, replayUuid, workflowArn, topicArn);
        String definition = TerraformTemplate.stateMachine(configuration);
        String sfnRole = role(prefix + "-session", "states.amazonaws.com");
        String stateMachineArn = stateMachine(prefix + "-session", definition, sfnRole);

        String ruleName = prefix + "-restore";
        String pattern;
        try {
            // Terraform normalises the rendered pattern with jsonencode(jsondecode(...)).
            pattern = JSON.writeValueAsString(JSON.readTree(TerraformTemplate.restoreRequestedPattern(
                    sourceTableName, source.tableArn())));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String renderedPattern = pattern;
        String eventsRole = role(prefix + "-events", "events.amazonaws.com");
        aws.events().putRule(r -> r.name(ruleName).eventBusName(EVENT_BUS).eventPattern(renderedPattern)
                .description("Successful RestoreTableToPointInTime of " + sourceTableName));
        aws.events().putTargets(r -> r.rule(ruleName).eventBusName(EVENT_BUS)
                .targets(t -> t.id("restore-session").arn(stateMachineArn).roleArn(eventsRole)));

        // Restores called in restore_regions: a rule there forwards them to this region's bus, where the
        // rule above starts the session (terraform/modules/workflow, forward_restore).
        Map<String, String> forwardRules = new LinkedHashMap<>();
        if (!restoreRegions.isEmpty()) {
            String forwardRole = role(prefix + "-forward", "events.amazonaws.com");
            String homeBus = "arn:aws:events:" + aws.region().id() + ":" + LocalClients.ACCOUNT + ":event-bus/" + EVENT_BUS;
            String forwardPattern = compactJson(TerraformTemplate.restoreRequestedElsewherePattern(source.tableArn()));
            for (String region : restoreRegions) {
                try (LocalClients there = new LocalClients(aws.endpoint(), software.amazon.awssdk.regions.Region.of(region))) {
                    there.events().putRule(r -> r.name(prefix + "-restore-fwd").eventBusName(EVENT_BUS).eventPattern(forwardPattern)
                            .description("Successful RestoreTableToPointInTime of " + source.tableArn() + " called in " + region
                                    + ", forwarded to " + aws.region().id()));
                    there.events().putTargets(r -> r.rule(prefix + "-restore-fwd").eventBusName(EVENT_BUS)
                            .targets(t -> t.id("home-bus").arn(homeBus).roleArn(forwardRole)));
                }
                forwardRules.put(region, prefix + "-restore-fwd");
            }
        }

        // The cleanup from outside the state machine: its executions that end FAILED, TIMED_OUT or
        // ABORTED invoke the workflow function's cleanup (terraform/modules/workflow, session_ended).
        String endedRule = prefix + "-session-ended";
        aws.events().putRule(r -> r.name(endedRule).eventBusName(EVENT_BUS)
                .eventPattern(compactJson(TerraformTemplate.sessionEndedPattern(stateMachineArn)))
                .description("Restore session executions of " + sourceTableName + " that ended FAILED, TIMED_OUT or ABORTED"));
        String inputTemplate = TerraformTemplate.sessionEndedInputTemplate(configuration);
        aws.events().putTargets(r -> r.rule(endedRule).eventBusName(EVENT_BUS).targets(t -> t.id("cleanup").arn(workflowArn)
                .inputTransformer(i -> i.inputPathsMap(Map.of("detail", "$.detail")).inputTemplate(inputTemplate))));

        return new Deployment(prefix, sourceTableName, source.tableArn(), source.latestStreamArn(),
                queueUrl, queueArn, dlqUrl, dlqArn, controlTable,
                prefix + "-capture", prefix + "-replay", prefix + "-workflow", workflowArn,
                captureUuid, replayUuid, topicArn, ruleName, EVENT_BUS, stateMachineArn, configuration, Map.copyOf(forwardRules));
    }

    private static String compactJson(String json) {
        try {
            return JSON.writeValueAsString(JSON.readTree(json));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** CreateQueue, or SetQueueAttributes when the queue exists with other attributes (a second deploy). */
    private String queue(String name, Map<QueueAttributeName, String> attributes) {
        try {
            return aws.sqs().createQueue(r -> r.queueName(name).attributes(attributes)).queueUrl();
        } catch (QueueNameExistsException exists) {
            String url = aws.sqs().getQueueUrl(r -> r.queueName(name)).queueUrl();
            Map<QueueAttributeName, String> settable = new HashMap<>(attributes);
            settable.remove(QueueAttributeName.FIFO_QUEUE);
            aws.sqs().setQueueAttributes(r -> r.queueUrl(url).attributes(settable));
            return url;
        }
    }

    private String role(String name, String service) {
        try {
            return aws.iam().getRole(r -> r.roleName(name)).role().arn();
        } catch (NoSuchEntityException absent) {
            return aws.iam().createRole(r -> r.roleName(name).assumeRolePolicyDocument(trustPolicy(service))).role().arn();
        }
    }

    /** The UUID of the function's mapping on this source, its settings brought up to date; empty when it has none. */
    private java.util.Optional<String> mapping(String function, String sourceArn, boolean queue) {
        return aws.lambda().listEventSourceMappings(r -> r.functionName(function)).eventSourceMappings().stream()
                .filter(m -> sourceArn.equals(m.eventSourceArn()))
                .findFirst()
                .map(m -> {
                    if (queue) {
                        aws.lambda().updateEventSourceMapping(r -> r.uuid(m.uuid()).batchSize(values.integer("replay.batch_size"))
                                .scalingConfig(s -> s.maximumConcurrency(values.integer("replay.maximum_concurrency"))));
                    } else {
                        aws.lambda().updateEventSourceMapping(r -> r.uuid(m.uuid()).batchSize(values.integer("capture.batch_size"))
                                .parallelizationFactor(values.integer("capture.parallelization_factor"))
                                .tumblingWindowInSeconds(values.integer("capture.tumbling_window_in_seconds")));
                    }
                    return m.uuid();
                });
    }

    private String stateMachine(String name, String definition, String role) {
        return aws.sfn().listStateMachines().stateMachines().stream()
                .filter(m -> m.name().equals(name))
                .findFirst()
                .map(m -> {
                    aws.sfn().updateStateMachine(r -> r.stateMachineArn(m.stateMachineArn()).definition(definition).roleArn(role));
                    return m.stateMachineArn();
                })
                .orElseGet(() -> aws.sfn().createStateMachine(r -> r.name(name).definition(definition).roleArn(role)).stateMachineArn());
    }

    /** Terraform: an explicit value wins; otherwise the larger of the shared value and 6 × the replay timeout. */
    private int visibilityTimeoutSeconds() {
        int shared = values.integer("queue.visibility_timeout_seconds");
        return values.isOverridden("queue.visibility_timeout_seconds") ? shared
                : Math.max(shared, 6 * values.integer("replay.timeout_seconds"));
    }

    private Map<QueueAttributeName, String> fifoAttributes(int retentionSeconds) {
        Map<QueueAttributeName, String> attributes = new HashMap<>();
        attributes.put(QueueAttributeName.FIFO_QUEUE, "true");
        attributes.put(QueueAttributeName.CONTENT_BASED_DEDUPLICATION, String.valueOf(values.flag("queue.content_based_deduplication")));
        attributes.put(QueueAttributeName.DEDUPLICATION_SCOPE, values.text("queue.deduplication_scope"));
        attributes.put(QueueAttributeName.FIFO_THROUGHPUT_LIMIT, values.text("queue.fifo_throughput_limit"));
        attributes.put(QueueAttributeName.MESSAGE_RETENTION_PERIOD, String.valueOf(retentionSeconds));
        // Terraform sets it explicitly on both queues (the provider's default is 256 KiB).
        attributes.put(QueueAttributeName.MAXIMUM_MESSAGE_SIZE, String.valueOf(values.integer("queue.max_message_size")));
        return attributes;
    }

    private String queueArn(String queueUrl) {
        return aws.sqs().getQueueAttributes(r -> r.queueUrl(queueUrl).attributeNames(QueueAttributeName.QUEUE_ARN))
                .attributes().get(QueueAttributeName.QUEUE_ARN);
    }

    private void createControlTable(String name) {
        if (aws.dynamo().listTables().tableNames().contains(name)) {
            return;
        }
        aws.dynamo().createTable(r -> r.tableName(name)
                .billingMode(BillingMode.PAY_PER_REQUEST)
                .attributeDefinitions(
                        AttributeDefinition.builder().attributeName("pk").attributeType(ScalarAttributeType.S).build(),
                        AttributeDefinition.builder().attributeName("sk").attributeType(ScalarAttributeType.S).build())
                .keySchema(
                        KeySchemaElement.builder().attributeName("pk").keyType(KeyType.HASH).build(),
                        KeySchemaElement.builder().attributeName("sk").keyType(KeyType.RANGE).build()));
        aws.dynamo().updateTimeToLive(r -> r.tableName(name).timeToLiveSpecification(t -> t.attributeName("expires_at").enabled(true)));
        aws.dynamo().updateContinuousBackups(r -> r.tableName(name)
                .pointInTimeRecoverySpecification(p -> p.pointInTimeRecoveryEnabled(true)));
    }

    /** CreateFunction, or UpdateFunctionConfiguration of the existing one (a second deploy). */
    private String function(String name, String handler, String role, Map<String, String> shared) {
        Map<String, String> environment = new LinkedHashMap<>(shared);
        environment.put("QUARKUS_LAMBDA_HANDLER", handler);
        environment.putAll(values.environment(handler));
        try {
            String arn = aws.lambda().getFunction(r -> r.functionName(name)).configuration().functionArn();
            aws.lambda().updateFunctionConfiguration(r -> r.functionName(name)
                    .memorySize(values.integer(handler + ".memory_mb"))
                    .timeout(values.integer(handler + ".timeout_seconds"))
                    .environment(e -> e.variables(environment)));
            return arn;
        } catch (software.amazon.awssdk.services.lambda.model.ResourceNotFoundException absent) {
            // created below
        }
        return aws.lambda().createFunction(r -> r.functionName(name)
                .runtime(Runtime.JAVA21)
                .handler(JVM_HANDLER)
                .role(role)
                .memorySize(values.integer(handler + ".memory_mb"))
                .timeout(values.integer(handler + ".timeout_seconds"))
                .environment(e -> e.variables(environment))
                // moto stores the code and never runs it; LambdaService runs bin/lambda-runtime instead.
                .code(c -> c.zipFile(SdkBytes.fromByteArray(placeholderZip())))).functionArn();
    }

    private List<FunctionResponseType> responseTypes(String path) {
        List<FunctionResponseType> types = new ArrayList<>();
        values.node(path).forEach(t -> types.add(FunctionResponseType.fromValue(t.asText())));
        return types;
    }

    /** The Configuration state's Result: exactly DESIGN.md's keys, as Terraform's workflow module builds it. */
    private ObjectNode configuration(String sourceTable, String sourceTableArn, String controlTable, String queueUrl,
            String dlqUrl, String captureUuid, String replayUuid, String workflowArn, String topicArn) {
        ObjectNode c = JSON.createObjectNode();
        c.put("source_table_name", sourceTable);
        c.put("source_table_arn", sourceTableArn);
        c.put("control_table_name", controlTable);
        c.put("queue_url", queueUrl);
        c.put("dlq_url", dlqUrl);
        c.put("capture_mapping_uuid", captureUuid);
        c.put("replay_mapping_uuid", replayUuid);
        c.put("workflow_function_arn", workflowArn);
        c.put("sns_topic_arn", topicArn);
        c.put("event_bus_name", EVENT_BUS);
        c.put("replay_from_mode", values.text("session.replay_from_mode"));
        c.put("replay_semantics", values.text("session.replay_semantics"));
        c.put("target_table_pattern", values.optionalText("target_table_pattern").orElse(sourceTable + "-restored*")); // Terraform's default
        ObjectNode copy = c.putObject("copy_settings");
        for (String setting : List.of("stream", "ttl", "pitr", "tags", "deletion_protection", "autoscaling", "resource_policy")) {
            copy.put(setting, values.copySetting(setting));
        }
        for (String duration : List.of("restore_poll_seconds", "restore_timeout_seconds", "caught_up_poll_seconds",
                "caught_up_backlog", "caught_up_lag_seconds", "max_session_seconds", "drain_poll_seconds",
                "cutover_quiet_reads", "cutover_quiet_seconds", "cutover_queue_settle_seconds",
                "cutover_queue_reading_interval_seconds", "cutover_poll_seconds")) {
            c.put(duration, values.integer("session." + duration));
        }
        return c;
    }

    private static String trustPolicy(String service) {
        return "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":{\"Service\":\""
                + service + "\"},\"Action\":\"sts:AssumeRole\"}]}";
    }

    private static byte[] placeholderZip() {
        try (ByteArrayOutputStream bytes = new ByteArrayOutputStream(); ZipOutputStream zip = new ZipOutputStream(bytes)) {
            zip.putNextEntry(new ZipEntry("README"));
            zip.write("local deployment: the code runs from dist/function-jvm.zip via bin/lambda-runtime\n".getBytes(StandardCharsets.UTF_8));
            zip.closeEntry();
            zip.finish();
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
