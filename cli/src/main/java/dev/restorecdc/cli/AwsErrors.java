package dev.restorecdc.cli;

import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;

import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.Set;

/** Turns SDK exceptions into one line an operator can act on. */
final class AwsErrors {

    private static final Set<String> DENIED = Set.of("AccessDenied", "AccessDeniedException", "UnauthorizedOperation",
            "AuthorizationError", "AuthorizationErrorException");

    private AwsErrors() {
    }

    static boolean isAccessDenied(Throwable error) {
        return error instanceof AwsServiceException e && e.awsErrorDetails() != null
                && DENIED.contains(e.awsErrorDetails().errorCode());
    }

    static boolean isUnreachable(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t instanceof ConnectException || t instanceof UnknownHostException
                    || t instanceof NoRouteToHostException || t instanceof SocketTimeoutException) {
                return true;
            }
        }
        return false;
    }

    /** The IAM action of a failed call, e.g. {@code cloudtrail:DescribeTrails}, or "the call". */
    static String action(Throwable error) {
        FailedCallRecorder.FailedCall call = FailedCallRecorder.FailedCall.of(error);
        return call == null ? "the call" : call.action();
    }

    static String describe(SdkException error, AwsClients clients) {
        FailedCallRecorder.FailedCall call = FailedCallRecorder.FailedCall.of(error);
        String action = call == null ? "an AWS call" : call.action();
        if (isAccessDenied(error)) {
            return "no permission: " + action + " was denied (" + message(error) + "); allow " + action + " for your identity";
        }
        if (error instanceof AwsServiceException e && e.awsErrorDetails() != null) {
            String code = e.awsErrorDetails().errorCode();
            if ("UnrecognizedClientException".equals(code) || "InvalidClientTokenId".equals(code)
                    || "ExpiredTokenException".equals(code)) {
                return "credentials rejected by " + action + " (" + code + "): check AWS_PROFILE / AWS_ACCESS_KEY_ID";
            }
            return action + " failed: " + code + ": " + message(error);
        }
        if (isUnreachable(error)) {
            URI endpoint = call != null && call.endpoint() != null ? call.endpoint()
                    : clients.endpoint().orElse(null);
            String where = endpoint == null ? "the AWS endpoint" : endpoint.getScheme() + "://" + endpoint.getAuthority();
            String hint = clients.endpoint().isPresent()
                    ? " (AWS_ENDPOINT_URL=" + clients.endpoint().get() + ": is the emulator running?)"
                    : " (check your network or proxy; region " + clients.region() + ")";
            return "cannot reach " + where + " for " + action + hint;
        }
        if (error instanceof SdkClientException && String.valueOf(error.getMessage()).contains("credentials")) {
            return "no AWS credentials: " + message(error);
        }
        return action + " failed: " + message(error);
    }

    private static String message(SdkException error) {
        if (error instanceof AwsServiceException e && e.awsErrorDetails() != null && e.awsErrorDetails().errorMessage() != null) {
            return e.awsErrorDetails().errorMessage();
        }
        return String.valueOf(error.getMessage());
    }
}
