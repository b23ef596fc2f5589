package dev.restorecdc.cli;

import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;

import java.net.URI;
import java.util.Map;

/**
 * Attaches to every failed SDK call what the operator needs to act on it: the IAM action
 * ({@code dynamodb:GetItem}, not the SDK's "DynamoDb"/"GetItem") and the endpoint it went to. An
 * AccessDenied message does not always name the action, and a connection error never names the
 * endpoint.
 */
final class FailedCallRecorder implements ExecutionInterceptor {

    /** SDK service names whose IAM prefix is not simply the lower-cased name. */
    private static final Map<String, String> IAM_PREFIX = Map.of("Sfn", "states", "EventBridge", "events");

    @Override
    public void onExecutionFailure(Context.FailedExecution context, ExecutionAttributes attributes) {
        String service = attributes.getAttribute(SdkExecutionAttribute.SERVICE_NAME);
        String operation = attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME);
        String action = IAM_PREFIX.getOrDefault(service, service == null ? "aws" : service.toLowerCase()) + ":" + operation;
        URI endpoint = context.httpRequest().map(r -> r.getUri()).orElse(null);
        context.exception().addSuppressed(new FailedCall(action, endpoint));
    }

    /** Carried as a suppressed exception of the SDK's own, so nothing about the original is lost. */
    static final class FailedCall extends RuntimeException {
        private final String action;
        private final URI endpoint;

        FailedCall(String action, URI endpoint) {
            super(action + (endpoint == null ? "" : " at " + endpoint), null, false, false);
            this.action = action;
            this.endpoint = endpoint;
        }

        String action() {
            return action;
        }

        URI endpoint() {
            return endpoint;
        }

        static FailedCall of(Throwable error) {
            for (Throwable t = error; t != null; t = t.getCause()) {
                for (Throwable suppressed : t.getSuppressed()) {
                    if (suppressed instanceof FailedCall call) {
                        return call;
                    }
                }
            }
            return null;
        }
    }
}
