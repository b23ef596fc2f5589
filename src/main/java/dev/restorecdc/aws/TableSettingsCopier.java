package dev.restorecdc.aws;

import dev.restorecdc.session.CopySettings;
import dev.restorecdc.session.SettingsCopier;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import software.amazon.awssdk.services.applicationautoscaling.ApplicationAutoScalingClient;
import software.amazon.awssdk.services.applicationautoscaling.model.ScalableTarget;
import software.amazon.awssdk.services.applicationautoscaling.model.ScalingPolicy;
import software.amazon.awssdk.services.applicationautoscaling.model.ServiceNamespace;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.ContinuousBackupsDescription;
import software.amazon.awssdk.services.dynamodb.model.PointInTimeRecoveryStatus;
import software.amazon.awssdk.services.dynamodb.model.PolicyNotFoundException;
import software.amazon.awssdk.services.dynamodb.model.StreamSpecification;
import software.amazon.awssdk.services.dynamodb.model.TableDescription;
import software.amazon.awssdk.services.dynamodb.model.TableStatus;
import software.amazon.awssdk.services.dynamodb.model.Tag;
import software.amazon.awssdk.services.dynamodb.model.TimeToLiveDescription;
import software.amazon.awssdk.services.dynamodb.model.TimeToLiveStatus;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Re-applies to the restored table what a PITR restore does not carry over (DESIGN.md step 4),
 * read from the source table: stream, TTL, PITR, tags, deletion protection, autoscaling (table and
 * indexes), resource policy. Each setting is switchable and idempotent: a setting the target already
 * has is left alone, so a retried step changes nothing twice. The result ({@code settings_applied})
 * says per setting what happened.
 */
@ApplicationScoped
public class TableSettingsCopier implements SettingsCopier {

    public static final String COPIED = "copied";
    public static final String ALREADY_SET = "already set";
    public static final String NOT_ON_SOURCE = "not set on source";
    public static final String SWITCHED_OFF = "not copied (copy_settings off)";

    private static final Duration ACTIVE_WAIT = Duration.ofSeconds(90);
    private static final Duration POLL_INTERVAL = Duration.ofSeconds(2);

    /** The source's region (the deployment's). */
    private final DynamoDbClient dynamo;
    private final ApplicationAutoScalingClient autoscaling;
    /** The target's region: the same clients, or another region's for a restore into another region. */
    private final DynamoDbClient dst;
    private final ApplicationAutoScalingClient dstAutoscaling;
    private final RegionalClients regions;
    private final Duration pollInterval;

    /** @param regions the deployment's clients and those of the regions restores may create their table in */
    @Inject
    public TableSettingsCopier(RegionalClients regions) {
        this(regions, regions.dynamo(java.util.Optional.empty()), regions.autoscaling(java.util.Optional.empty()), POLL_INTERVAL);
    }

    public TableSettingsCopier(DynamoDbClient dynamo, ApplicationAutoScalingClient autoscaling) {
        this(dynamo, autoscaling, POLL_INTERVAL);
    }

    /** @param pollInterval how often to look whether the target is ACTIVE again after an UpdateTable (at most 90 s) */
    public TableSettingsCopier(DynamoDbClient dynamo, ApplicationAutoScalingClient autoscaling, Duration pollInterval) {
        this(RegionalClients.like(dynamo, autoscaling), dynamo, autoscaling, pollInterval);
    }

    private TableSettingsCopier(RegionalClients regions, DynamoDbClient dst, ApplicationAutoScalingClient dstAutoscaling,
                                Duration pollInterval) {
        this.regions = regions;
        this.dynamo = regions.dynamo(java.util.Optional.empty());
        this.autoscaling = regions.autoscaling(java.util.Optional.empty());
        this.dst = dst;
        this.dstAutoscaling = dstAutoscaling;
        this.pollInterval = pollInterval;
    }

    /**
     * @param target the restored table: its name, or its ARN when it is in another region; the source
     *               is read in the deployment's region, the target written in its own
     */
    @Override
    public Map<String, String> copy(String source, String target, CopySettings settings) {
        if (dev.restorecdc.cdc.TableRefs.regionOf(target).isPresent()) {
            return new TableSettingsCopier(regions, regions.dynamoFor(target), regions.autoscalingFor(target), pollInterval)
                    .copyTo(source, dev.restorecdc.cdc.TableRefs.nameOf(target), settings);
        }
        return copyTo(source, target, settings);
    }

    private Map<String, String> copyTo(String source, String target, CopySettings settings) {
        Map<String, String> applied = new LinkedHashMap<>();
        TableDescription src = dynamo.describeTable(r -> r.tableName(source)).table();
        applied.put("stream", settings.stream() ? stream(src, target) : SWITCHED_OFF);
        applied.put("ttl", settings.ttl() ? ttl(source, target) : SWITCHED_OFF);
        applied.put("pitr", settings.pitr() ? pitr(source, target) : SWITCHED_OFF);
        applied.put("tags", settings.tags() ? tags(src, target) : SWITCHED_OFF);
        applied.put("deletion_protection", settings.deletionProtection() ? deletionProtection(src, target) : SWITCHED_OFF);
        applied.put("autoscaling", settings.autoscaling() ? autoscaling(source, target) : SWITCHED_OFF);
        applied.put("resource_policy", settings.resourcePolicy() ? resourcePolicy(src, target) : SWITCHED_OFF);
        return applied;
    }

    private String stream(TableDescription src, String target) {
        StreamSpecification wanted = src.streamSpecification();
        if (wanted == null || !Boolean.TRUE.equals(wanted.streamEnabled())) {
            return NOT_ON_SOURCE;
        }
        StreamSpecification has = describe(target).streamSpecification();
        if (has != null && Boolean.TRUE.equals(has.streamEnabled())) {
            if (has.streamViewType() == wanted.streamViewType()) {
                return ALREADY_SET;
            }
            throw new IllegalStateException("target " + target + " already has a stream with view type "
                    + has.streamViewType() + ", the source's is " + wanted.streamViewType() + "; not replaced");
        }
        dst.updateTable(r -> r.tableName(target).streamSpecification(StreamSpecification.builder()
                .streamEnabled(true).streamViewType(wanted.streamViewType()).build()));
        awaitActive(target);
        return COPIED + " (" + wanted.streamViewTypeAsString() + ")";
    }

    private String ttl(String source, String target) {
        TimeToLiveDescription wanted = dynamo.describeTimeToLive(r -> r.tableName(source)).timeToLiveDescription();
        if (wanted == null || wanted.timeToLiveStatus() != TimeToLiveStatus.ENABLED
                && wanted.timeToLiveStatus() != TimeToLiveStatus.ENABLING) {
            return NOT_ON_SOURCE;
        }
        TimeToLiveDescription has = dst.describeTimeToLive(r -> r.tableName(target)).timeToLiveDescription();
        if (has != null && wanted.attributeName().equals(has.attributeName())
                && (has.timeToLiveStatus() == TimeToLiveStatus.ENABLED || has.timeToLiveStatus() == TimeToLiveStatus.ENABLING)) {
            return ALREADY_SET;
        }
        dst.updateTimeToLive(r -> r.tableName(target)
                .timeToLiveSpecification(t -> t.enabled(true).attributeName(wanted.attributeName())));
        return COPIED + " (" + wanted.attributeName() + ")";
    }

    private String pitr(String source, String target) {
        ContinuousBackupsDescription wanted = dynamo.describeContinuousBackups(r -> r.tableName(source))
                .continuousBackupsDescription();
        if (!pitrOn(wanted)) {
            return NOT_ON_SOURCE;
        }
        if (pitrOn(dst.describeContinuousBackups(r -> r.tableName(target)).continuousBackupsDescription())) {
            return ALREADY_SET;
        }
        Integer days = wanted.pointInTimeRecoveryDescription().recoveryPeriodInDays();
        dst.updateContinuousBackups(r -> r.tableName(target).pointInTimeRecoverySpecification(p -> {
            p.pointInTimeRecoveryEnabled(true);
            if (days != null) {
                p.recoveryPeriodInDays(days);
            }
        }));
        return COPIED + (days != null ? " (" + days + " days)" : "");
    }

    private static boolean pitrOn(ContinuousBackupsDescription d) {
        return d != null && d.pointInTimeRecoveryDescription() != null
                && d.pointInTimeRecoveryDescription().pointInTimeRecoveryStatus() == PointInTimeRecoveryStatus.ENABLED;
    }

    private String tags(TableDescription src, String target) {
        Map<String, String> wanted = tagsOf(dynamo, src.tableArn()).entrySet().stream()
                .filter(e -> !e.getKey().startsWith("aws:")) // reserved for AWS; cannot be set
                .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
        if (wanted.isEmpty()) {
            return NOT_ON_SOURCE;
        }
        String targetArn = describe(target).tableArn();
        Map<String, String> has = tagsOf(dst, targetArn);
        List<Tag> missing = wanted.entrySet().stream()
                .filter(e -> !e.getValue().equals(has.get(e.getKey())))
                .map(e -> Tag.builder().key(e.getKey()).value(e.getValue()).build())
                .toList();
        if (missing.isEmpty()) {
            return ALREADY_SET;
        }
        dst.tagResource(r -> r.resourceArn(targetArn).tags(missing));
        return COPIED + " (" + missing.size() + " of " + wanted.size() + ")";
    }

    private static Map<String, String> tagsOf(DynamoDbClient dynamo, String arn) {
        Map<String, String> tags = new HashMap<>();
        String next = null;
        do {
            String token = next;
            var page = dynamo.listTagsOfResource(r -> r.resourceArn(arn).nextToken(token));
            page.tags().forEach(t -> tags.put(t.key(), t.value()));
            next = page.nextToken();
        } while (next != null);
        return tags;
    }

    private String deletionProtection(TableDescription src, String target) {
        if (!Boolean.TRUE.equals(src.deletionProtectionEnabled())) {
            return NOT_ON_SOURCE;
        }
        if (Boolean.TRUE.equals(describe(target).deletionProtectionEnabled())) {
            return ALREADY_SET;
        }
        awaitActive(target);
        dst.updateTable(r -> r.tableName(target).deletionProtectionEnabled(true));
        awaitActive(target);
        return COPIED;
    }

    /**
     * Scalable targets and scaling policies of the table and its indexes; the target's index must
     * exist under the same name (a restore keeps the indexes unless overridden).
     */
    private String autoscaling(String source, String target) {
        String prefix = "table/" + source;
        List<ScalableTarget> targets = new ArrayList<>();
        String next = null;
        do {
            String token = next;
            var page = autoscaling.describeScalableTargets(r -> r.serviceNamespace(ServiceNamespace.DYNAMODB).nextToken(token));
            page.scalableTargets().stream()
                    .filter(t -> t.resourceId().equals(prefix) || t.resourceId().startsWith(prefix + "/index/"))
                    .forEach(targets::add);
            next = page.nextToken();
        } while (next != null);
        if (targets.isEmpty()) {
            return NOT_ON_SOURCE;
        }
        TableDescription restored = describe(target);
        if (restored.billingModeSummary() != null
                && restored.billingModeSummary().billingMode() == BillingMode.PAY_PER_REQUEST) {
            // Restored with BillingModeOverride=PAY_PER_REQUEST: on-demand tables have no scalable capacity.
            return "not copied (target is on-demand)";
        }
        Set<String> indexes = restored.globalSecondaryIndexes().stream()
                .map(i -> i.indexName()).collect(Collectors.toSet());
        int copiedTargets = 0;
        int copiedPolicies = 0;
        List<String> skipped = new ArrayList<>();
        for (ScalableTarget t : targets) {
            String suffix = t.resourceId().substring(prefix.length());
            if (suffix.startsWith("/index/") && !indexes.contains(suffix.substring("/index/".length()))) {
                skipped.add(suffix.substring(1));
                continue;
            }
            String resourceId = "table/" + target + suffix;
            dstAutoscaling.registerScalableTarget(r -> r.serviceNamespace(ServiceNamespace.DYNAMODB)
                    .resourceId(resourceId).scalableDimension(t.scalableDimension())
                    .minCapacity(t.minCapacity()).maxCapacity(t.maxCapacity()));
            copiedTargets++;
            for (ScalingPolicy p : policies(t)) {
                dstAutoscaling.putScalingPolicy(r -> r.serviceNamespace(ServiceNamespace.DYNAMODB)
                        .resourceId(resourceId).scalableDimension(t.scalableDimension())
                        .policyName(p.policyName()).policyType(p.policyType())
                        .targetTrackingScalingPolicyConfiguration(p.targetTrackingScalingPolicyConfiguration())
                        .stepScalingPolicyConfiguration(p.stepScalingPolicyConfiguration()));
                copiedPolicies++;
            }
        }
        return COPIED + " (" + copiedTargets + " scalable targets, " + copiedPolicies + " policies"
                + (skipped.isEmpty() ? "" : "; no such index on target: " + String.join(", ", skipped)) + ")";
    }

    private List<ScalingPolicy> policies(ScalableTarget t) {
        List<ScalingPolicy> policies = new ArrayList<>();
        String next = null;
        do {
            String token = next;
            var page = autoscaling.describeScalingPolicies(r -> r.serviceNamespace(ServiceNamespace.DYNAMODB)
                    .resourceId(t.resourceId()).scalableDimension(t.scalableDimension()).nextToken(token));
            page.scalingPolicies().forEach(policies::add);
            next = page.nextToken();
        } while (next != null);
        return policies;
    }

    /**
     * The source's policy with the source table's ARN (and its index/stream sub-resources) turned
     * into the target's, so it grants on the target what it granted on the source.
     */
    private String resourcePolicy(TableDescription src, String target) {
        String policy;
        try {
            policy = dynamo.getResourcePolicy(r -> r.resourceArn(src.tableArn())).policy();
        } catch (PolicyNotFoundException none) {
            return NOT_ON_SOURCE;
        }
        if (policy == null || policy.isBlank()) {
            return NOT_ON_SOURCE;
        }
        String targetArn = describe(target).tableArn();
        String wanted = retarget(policy, src.tableArn(), targetArn);
        try {
            String has = dst.getResourcePolicy(r -> r.resourceArn(targetArn)).policy();
            if (wanted.equals(has)) {
                return ALREADY_SET;
            }
        } catch (PolicyNotFoundException none) {
            // put it below
        }
        dst.putResourcePolicy(r -> r.resourceArn(targetArn).policy(wanted));
        return COPIED;
    }

    /** Replaces the source ARN only where it is the whole table ARN or a prefix of a sub-resource. */
    static String retarget(String policy, String sourceArn, String targetArn) {
        return policy.replaceAll(Pattern.quote(sourceArn) + "(?=[\"/])", Matcher.quoteReplacement(targetArn));
    }

    /** The target (the only table described after the source's one read in copy). */
    private TableDescription describe(String table) {
        return dst.describeTable(r -> r.tableName(table)).table();
    }

    /** UpdateTable leaves the table UPDATING; the next UpdateTable waits until it is ACTIVE again. */
    private void awaitActive(String table) {
        long deadline = System.nanoTime() + ACTIVE_WAIT.toNanos();
        while (describe(table).tableStatus() != TableStatus.ACTIVE) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("table " + table + " is not ACTIVE after " + ACTIVE_WAIT.toSeconds()
                        + " s; the step is retried and continues where it stopped");
            }
            try {
                Thread.sleep(pollInterval.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for " + table, e);
            }
        }
    }
}
