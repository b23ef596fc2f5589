package dev.restorecdc.aws;

import dev.restorecdc.cdc.TableRefs;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

import java.net.URI;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** The one home of "a client for the region of this table": no calls are made, only clients chosen and built. */
class RegionalClientsTest {

    private static final String HOME_ARN = "arn:aws:dynamodb:us-east-1:123456789012:table/orders";

    private final DynamoDbClient home = DynamoDbClient.builder().region(Region.US_EAST_1)
            .endpointOverride(URI.create("http://127.0.0.1:4566"))
            .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("k", "s"))).build();
    private final RegionalClients regions = RegionalClients.like(home, null);

    @Test
    void aNameOrAHomeArnIsServedByTheHomeClientAsBefore() {
        assertThat(regions.dynamoFor("orders-restored")).isSameAs(home);
        assertThat(regions.dynamoFor("arn:aws:dynamodb:us-east-1:123456789012:table/orders-restored")).isSameAs(home);
        assertThat(regions.dynamo(Optional.empty())).isSameAs(home);
    }

    @Test
    void anotherRegionsTableGetsThatRegionsClientBuiltLikeTheHomeOneOncePerRegion() {
        DynamoDbClient west = regions.dynamoFor("arn:aws:dynamodb:eu-west-1:123456789012:table/orders-restored");

        assertThat(west).isNotSameAs(home);
        assertThat(west.serviceClientConfiguration().region()).isEqualTo(Region.EU_WEST_1);
        assertThat(west.serviceClientConfiguration().endpointOverride()).as("AWS_ENDPOINT_URL / the emulator kept")
                .contains(URI.create("http://127.0.0.1:4566"));
        assertThat(regions.dynamo(Optional.of("eu-west-1"))).isSameAs(west);
    }

    @Test
    void tableRefsNameATargetElsewhereByArnAndAHomeOneByName() {
        assertThat(TableRefs.ref(HOME_ARN, "us-east-1", "orders-restored")).isEqualTo("orders-restored");
        assertThat(TableRefs.ref(HOME_ARN, "eu-west-1", "orders-restored"))
                .isEqualTo("arn:aws:dynamodb:eu-west-1:123456789012:table/orders-restored");
        assertThat(TableRefs.regionOf("orders-restored")).isEmpty();
        assertThat(TableRefs.nameOf("arn:aws-cn:dynamodb:cn-north-1:123456789012:table/a.b-c")).isEqualTo("a.b-c");
    }
}
