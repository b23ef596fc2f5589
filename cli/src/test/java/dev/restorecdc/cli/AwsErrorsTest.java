package dev.restorecdc.cli;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.model.DynamoDbException;
import software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException;

import java.net.URI;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class AwsErrorsTest {

    static CliHarness moto;

    @BeforeAll
    static void startMoto() {
        moto = CliHarness.start();
    }

    @AfterAll
    static void stopMoto() {
        moto.close();
    }

    @Test
    void aFailedCallCarriesItsIamActionAndEndpoint() {
        ResourceNotFoundException e = catchThrowableOfType(ResourceNotFoundException.class, () -> moto.aws.dynamo()
                .getItem(r -> r.tableName("absent").key(Map.of("pk", Fixtures.s("x")))));

        assertThat(AwsErrors.action(e)).isEqualTo("dynamodb:GetItem");
        assertThat(FailedCallRecorder.FailedCall.of(e).endpoint().toString()).startsWith(moto.endpoint);
    }

    @Test
    void stepFunctionsAndEventBridgeUseTheirIamPrefixes() {
        SdkException sfn = catchThrowableOfType(SdkException.class, () -> moto.aws.sfn()
                .sendTaskSuccess(r -> r.taskToken("not-a-token").output("{}")));
        SdkException events = catchThrowableOfType(SdkException.class, () -> moto.aws.events()
                .describeRule(r -> r.name("absent")));

        assertThat(AwsErrors.action(sfn)).isEqualTo("states:SendTaskSuccess");
        assertThat(AwsErrors.action(events)).isEqualTo("events:DescribeRule");
    }

    @Test
    void accessDeniedNamesTheActionToAllow() {
        DynamoDbException denied = (DynamoDbException) DynamoDbException.builder().statusCode(400)
                .awsErrorDetails(AwsErrorDetails.builder().errorCode("AccessDeniedException")
                        .errorMessage("User: arn:aws:iam::1:user/ops is not authorized").build()).build();
        denied.addSuppressed(new FailedCallRecorder.FailedCall("dynamodb:BatchGetItem", URI.create("https://dynamodb.eu-west-1.amazonaws.com/")));

        assertThat(AwsErrors.describe(denied, moto.aws)).startsWith("no permission: dynamodb:BatchGetItem was denied")
                .endsWith("allow dynamodb:BatchGetItem for your identity");
    }
}
