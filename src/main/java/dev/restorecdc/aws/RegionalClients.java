package dev.restorecdc.aws;

import dev.restorecdc.cdc.TableRefs;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.applicationautoscaling.ApplicationAutoScalingClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * The one home of "a client for the region of this table". A restore may create its table in another
 * region than the deployment's (the home region, where the functions run); the functions then name
 * that table by its ARN ({@code arn:aws:dynamodb:<region>:<account>:table/<name>}) and every call on it
 * must go to that region's endpoint ({@link TableRefs}): DynamoDB serves only the tables of the region a
 * request is sent to. A plain table name, or an ARN of the home region, is served by the home client, so a same-region
 * session uses exactly the clients it always did. Clients of other regions are built once per region
 * the way the home one is (region from the argument; credentials, {@code AWS_ENDPOINT_URL} and the rest
 * from the standard settings, or from the factory the caller hands in) and kept for the container's life.
 */
public final class RegionalClients {

    private final DynamoDbClient homeDynamo;
    private final Optional<Region> home;
    private final Function<Region, DynamoDbClient> dynamoFactory;
    private final Function<Region, ApplicationAutoScalingClient> autoscalingFactory;
    private final ApplicationAutoScalingClient homeAutoscaling;
    private final Map<Region, DynamoDbClient> dynamo = new ConcurrentHashMap<>();
    private final Map<Region, ApplicationAutoScalingClient> autoscaling = new ConcurrentHashMap<>();

    /**
     * @param homeDynamo         the client of the home region (the functions' injected one, the CLI's own)
     * @param homeAutoscaling    Application Auto Scaling in the home region; null where it is not used
     * @param dynamoFactory      builds a DynamoDB client for another region
     * @param autoscalingFactory builds an Application Auto Scaling client for another region; null where it is not used
     */
    public RegionalClients(DynamoDbClient homeDynamo, ApplicationAutoScalingClient homeAutoscaling,
                           Function<Region, DynamoDbClient> dynamoFactory,
                           Function<Region, ApplicationAutoScalingClient> autoscalingFactory) {
        this.homeDynamo = homeDynamo;
        this.homeAutoscaling = homeAutoscaling;
        this.home = Optional.ofNullable(homeDynamo.serviceClientConfiguration().region());
        this.dynamoFactory = dynamoFactory;
        this.autoscalingFactory = autoscalingFactory;
    }

    /**
     * Other regions' clients configured like the home ones (their endpoint override, e.g. an emulator's,
     * and credentials; as {@link DynamoStreamShards#like}), only the region differs.
     */
    public static RegionalClients like(DynamoDbClient homeDynamo, ApplicationAutoScalingClient homeAutoscaling) {
        return new RegionalClients(homeDynamo, homeAutoscaling,
                region -> {
                    var config = homeDynamo.serviceClientConfiguration();
                    var builder = DynamoDbClient.builder().httpClientBuilder(UrlConnectionHttpClient.builder())
                            .region(region).credentialsProvider(config.credentialsProvider());
                    config.endpointOverride().ifPresent(builder::endpointOverride);
                    return builder.build();
                },
                region -> {
                    var config = homeAutoscaling.serviceClientConfiguration();
                    var builder = ApplicationAutoScalingClient.builder().httpClientBuilder(UrlConnectionHttpClient.builder())
                            .region(region).credentialsProvider(config.credentialsProvider());
                    config.endpointOverride().ifPresent(builder::endpointOverride);
                    return builder.build();
                });
    }

    /** The DynamoDB client that serves this table: a name or a home-region ARN → the home client. */
    public DynamoDbClient dynamoFor(String tableOrArn) {
        return dynamo(TableRefs.regionOf(tableOrArn));
    }

    /** The DynamoDB client of a region; empty or the home region → the home client. */
    public DynamoDbClient dynamo(Optional<String> region) {
        return elsewhere(region).map(r -> dynamo.computeIfAbsent(r, dynamoFactory)).orElse(homeDynamo);
    }

    /** Application Auto Scaling where this table is (scalable targets are regional, like the table). */
    public ApplicationAutoScalingClient autoscalingFor(String tableOrArn) {
        return autoscaling(TableRefs.regionOf(tableOrArn));
    }

    /** Application Auto Scaling of a region; empty or the home region → the home client. */
    public ApplicationAutoScalingClient autoscaling(Optional<String> region) {
        return elsewhere(region).map(r -> autoscaling.computeIfAbsent(r, autoscalingFactory)).orElse(homeAutoscaling);
    }

    private Optional<Region> elsewhere(Optional<String> region) {
        return region.filter(r -> !r.isBlank()).map(Region::of).filter(r -> home.map(h -> !h.equals(r)).orElse(true));
    }
}
