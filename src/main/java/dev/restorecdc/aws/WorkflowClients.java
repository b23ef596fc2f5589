package dev.restorecdc.aws;

import dev.restorecdc.session.SessionRecords;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.applicationautoscaling.ApplicationAutoScalingClient;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.sns.SnsClient;

/**
 * The workflow function's clients that have no Quarkus extension, the session store and the clock. Like the extension-made ones, they
 * take region, credentials and endpoint ({@code AWS_ENDPOINT_URL}) from the standard AWS settings.
 */
@ApplicationScoped
public class WorkflowClients {

    @Produces
    @ApplicationScoped
    LambdaClient lambda() {
        return LambdaClient.builder().httpClientBuilder(UrlConnectionHttpClient.builder()).build();
    }

    /** The cleanup's notification (a session ended from outside the state machine). */
    @Produces
    @ApplicationScoped
    SnsClient sns() {
        return SnsClient.builder().httpClientBuilder(UrlConnectionHttpClient.builder()).build();
    }

    @Produces
    @ApplicationScoped
    EventBridgeClient events() {
        return EventBridgeClient.builder().httpClientBuilder(UrlConnectionHttpClient.builder()).build();
    }

    @Produces
    @ApplicationScoped
    ApplicationAutoScalingClient autoscaling() {
        return ApplicationAutoScalingClient.builder().httpClientBuilder(UrlConnectionHttpClient.builder()).build();
    }

    /**
     * The clients of the regions a restore may create its table in (the deployment's restore_regions),
     * built like the home ones: the settings copy and the restored-table reads of a target elsewhere.
     */
    @Produces
    @Singleton
    RegionalClients regionalClients(DynamoDbClient dynamo, ApplicationAutoScalingClient autoscaling) {
        return RegionalClients.like(dynamo, autoscaling);
    }

    /** The regions besides the home one whose restores this deployment follows ({@code CDC_RESTORE_REGIONS}). */
    @Produces
    @Singleton
    dev.restorecdc.session.RestoreRegions restoreRegions(dev.restorecdc.config.CdcConfig config) {
        return dev.restorecdc.session.RestoreRegions.parse(config.restoreRegions());
    }

    /** The session steps' {@link SessionRecords}, one control table and source table per step's config. */
    @Produces
    @Singleton
    SessionRecords.Opener sessionRecords(DynamoDbClient dynamo) {
        return (controlTable, sourceTable) -> new SessionStore(dynamo, controlTable, sourceTable);
    }

    /** The caught-up check's view of the source's stream shards and capture's per-shard progress. */
    @Produces
    @Singleton
    dev.restorecdc.session.ShardView shardView(DynamoDbClient dynamo) {
        return new DynamoShardView(dynamo, DynamoStreamShards.like(dynamo));
    }

    @Produces
    @Singleton
    java.time.Clock clock() {
        return java.time.Clock.systemUTC();
    }
}
