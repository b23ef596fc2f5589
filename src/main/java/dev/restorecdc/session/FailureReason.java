package dev.restorecdc.session;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Turns Step Functions' caught error ({@code {"Error": ..., "Cause": ...}}) into the one-line
 * reason stored in the session record. A Lambda task's Cause is the function's error document
 * ({@code {"errorMessage", "errorType", ...}}); its message is the useful part.
 */
public final class FailureReason {

    private static final ObjectMapper JSON = new ObjectMapper();

    private FailureReason() {
    }

    public static String of(JsonNode error) {
        if (error == null || error.isNull() || error.isMissingNode()) {
            return "failed (no error details)";
        }
        String name = error.path("Error").asText("Error");
        JsonNode cause = error.get("Cause");
        if (cause == null || cause.isNull() || cause.asText().isBlank()) {
            return name;
        }
        String text = cause.asText();
        try {
            JsonNode doc = JSON.readTree(text);
            if (doc != null && doc.hasNonNull("errorMessage")) {
                return name + ": " + doc.get("errorMessage").asText();
            }
        } catch (Exception notJson) {
            // plain text cause
        }
        return name + ": " + text;
    }
}
