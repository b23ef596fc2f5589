package dev.restorecdc.local;

import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.core.client.builder.SdkSyncClientBuilder;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sqs.SqsClient;

import java.net.URI;
import java.util.List;

/**
 * SDK clients pointed at the emulator, set up by {@link Emulator#configure(AwsClientBuilder, URI)}: the fixed
 * test region and credentials, which the functions get too.
 */
public final class LocalClients implements AutoCloseable {

    public static final Region REGION = Region.of(Emulator.REGION);
    /** moto's default account; every ARN it hands out carries it. */
    public static final String ACCOUNT = "123456789012";
    public static final String ACCESS_KEY_ID = Emulator.ACCESS_KEY;
    public static final String SECRET_ACCESS_KEY = Emulator.SECRET_KEY;

    private final URI endpoint;
    private final DynamoDbClient dynamo;
    private final DynamoDbStreamsClient streams;
    private final SqsClient sqs;
    private final LambdaClient lambda;
    private final IamClient iam;
    private final SnsClient sns;
    private final EventBridgeClient events;
    private final SfnClient sfn;

    private final Region region;

    public LocalClients(URI endpoint) {
        this(endpoint, REGION);
    }

    /** Clients of another region of the same emulator (a restore into another region, its bus). */
    public LocalClients(URI endpoint, Region region) {
        this.endpoint = endpoint;
        this.region = region;
        this.dynamo = configure(DynamoDbClient.builder()).build();
        this.streams = configure(DynamoDbStreamsClient.builder()).build();
        this.sqs = configure(SqsClient.builder()).build();
        this.lambda = configure(LambdaClient.builder()).build();
        this.iam = configure(IamClient.builder()).build();
        this.sns = configure(SnsClient.builder()).build();
        this.events = configure(EventBridgeClient.builder()).build();
        this.sfn = configure(SfnClient.builder()).build();
    }

    private <B extends AwsClientBuilder<B, ?> & SdkSyncClientBuilder<B, ?>> B configure(B builder) {
        return Emulator.configure(builder, endpoint).region(region);
    }

    public Region region() {
        return region;
    }

    public URI endpoint() {
        return endpoint;
    }

    public DynamoDbClient dynamo() {
        return dynamo;
    }

    public DynamoDbStreamsClient streams() {
        return streams;
    }

    public SqsClient sqs() {
        return sqs;
    }

    public LambdaClient lambda() {
        return lambda;
    }

    public IamClient iam() {
        return iam;
    }

    public SnsClient sns() {
        return sns;
    }

    public EventBridgeClient events() {
        return events;
    }

    public SfnClient sfn() {
        return sfn;
    }

    @Override
    public void close() {
        for (AutoCloseable client : List.<AutoCloseable>of(dynamo, streams, sqs, lambda, iam, sns, events, sfn)) {
            try {
                client.close();
            } catch (Exception ignored) {
                // closing clients of a stopped emulator must not hide the test's own failure
            }
        }
    }
}
