package dev.restorecdc.aws;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.applicationautoscaling.ApplicationAutoScalingClient;
import software.amazon.awssdk.services.lambda.LambdaClient;

/**
 * The workflow function's clients that have no Quarkus extension. Like the extension-made ones, they
 * take region, credentials and endpoint ({@code AWS_ENDPOINT_URL}) from the standard AWS settings.
 */
@ApplicationScoped
public class WorkflowClients {

    @Produces
    @ApplicationScoped
    LambdaClient lambda() {
        return LambdaClient.builder().httpClientBuilder(UrlConnectionHttpClient.builder()).build();
    }

    @Produces
    @ApplicationScoped
    ApplicationAutoScalingClient autoscaling() {
        return ApplicationAutoScalingClient.builder().httpClientBuilder(UrlConnectionHttpClient.builder()).build();
    }
}
