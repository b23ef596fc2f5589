package dev.restorecdc.cli;

import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.awscore.client.builder.AwsSyncClientBuilder;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.regions.providers.DefaultAwsRegionProviderChain;
import software.amazon.awssdk.services.cloudtrail.CloudTrailClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.core.exception.SdkClientException;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The SDK clients, built from the environment the way the SDK itself reads it (AWS_REGION,
 * AWS_ENDPOINT_URL, the default credentials chain) but from a map, so tests point the CLI at the
 * emulator without touching the process environment. One URL-connection HTTP client serves them
 * all: it is the one the Lambda artefact already carries.
 */
public final class AwsClients implements AutoCloseable {

    private final Map<String, String> env;
    private final SdkHttpClient http = UrlConnectionHttpClient.create();
    private final List<AutoCloseable> opened = new ArrayList<>();
    private Region region;
    private DynamoDbClient dynamo;
    private SqsClient sqs;
    private LambdaClient lambda;
    private SfnClient sfn;
    private EventBridgeClient events;
    private CloudTrailClient cloudTrail;
    private software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient streams;
    private dev.restorecdc.aws.RegionalClients regional;

    public AwsClients(Map<String, String> env) {
        this.env = env;
    }

    public Region region() {
        if (region == null) {
            region = Optional.ofNullable(env.get("AWS_REGION")).or(() -> Optional.ofNullable(env.get("AWS_DEFAULT_REGION")))
                    .filter(r -> !r.isBlank()).map(Region::of).orElseGet(AwsClients::regionFromChain);
        }
        return region;
    }

    /** Where requests go: the emulator's (or any) endpoint from AWS_ENDPOINT_URL, else AWS's own. */
    public Optional<URI> endpoint() {
        return Optional.ofNullable(env.get("AWS_ENDPOINT_URL")).filter(e -> !e.isBlank()).map(URI::create);
    }

    public DynamoDbClient dynamo() {
        return dynamo != null ? dynamo : (dynamo = build(DynamoDbClient.builder()));
    }

    public SqsClient sqs() {
        return sqs != null ? sqs : (sqs = build(SqsClient.builder()));
    }

    public LambdaClient lambda() {
        return lambda != null ? lambda : (lambda = build(LambdaClient.builder()));
    }

    public SfnClient sfn() {
        return sfn != null ? sfn : (sfn = build(SfnClient.builder()));
    }

    public EventBridgeClient events() {
        return events != null ? events : (events = build(EventBridgeClient.builder()));
    }

    public software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient streams() {
        return streams != null ? streams : (streams = build(software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient.builder()));
    }

    public CloudTrailClient cloudTrail() {
        return cloudTrail != null ? cloudTrail : (cloudTrail = build(CloudTrailClient.builder()));
    }

    /**
     * The clients of other regions, built as these are (endpoint, credentials), for a session whose
     * restore created its table in another region: its target is named by ARN and read there
     * (the functions' {@link dev.restorecdc.aws.RegionalClients}, one home for both).
     */
    public dev.restorecdc.aws.RegionalClients regional() {
        if (regional == null) {
            regional = new dev.restorecdc.aws.RegionalClients(dynamo(), null,
                    r -> build(DynamoDbClient.builder(), r), r -> {
                        throw new UnsupportedOperationException("the CLI does not scale tables");
                    });
        }
        return regional;
    }

    /** EventBridge of another region (the forwarding rules of restore_regions). */
    public EventBridgeClient events(Region other) {
        return other.equals(region()) ? events() : build(EventBridgeClient.builder(), other);
    }

    private <B extends AwsClientBuilder<B, C> & AwsSyncClientBuilder<B, C>, C extends AutoCloseable> C build(B builder) {
        return build(builder, region());
    }

    private <B extends AwsClientBuilder<B, C> & AwsSyncClientBuilder<B, C>, C extends AutoCloseable> C build(B builder, Region in) {
        builder.httpClient(http).region(in).credentialsProvider(credentials())
                .overrideConfiguration(o -> o.addExecutionInterceptor(new FailedCallRecorder()));
        endpoint().ifPresent(builder::endpointOverride);
        C client = builder.build();
        opened.add(client);
        return client;
    }

    private AwsCredentialsProvider credentials() {
        String key = env.get("AWS_ACCESS_KEY_ID");
        String secret = env.get("AWS_SECRET_ACCESS_KEY");
        if (key == null || secret == null) {
            return DefaultCredentialsProvider.builder().build();
        }
        String token = env.get("AWS_SESSION_TOKEN");
        return StaticCredentialsProvider.create(token == null
                ? AwsBasicCredentials.create(key, secret) : AwsSessionCredentials.create(key, secret, token));
    }

    private static Region regionFromChain() {
        try {
            return new DefaultAwsRegionProviderChain().getRegion();
        } catch (SdkClientException e) {
            throw new CliFailure("no AWS region: set AWS_REGION (or a region in your AWS profile)");
        }
    }

    @Override
    public void close() {
        for (AutoCloseable client : opened) {
            closeQuietly(client::close);
        }
        http.close();
    }

    private static void closeQuietly(ThrowingRunnable action) {
        try {
            action.run();
        } catch (Exception e) {
            // closing at exit: nothing left to do about it
        }
    }

    private interface ThrowingRunnable {
        void run() throws Exception;
    }
}
