package dev.restorecdc.local;

import java.nio.charset.StandardCharsets;

/**
 * What Lambda's Invoke answers: the function's response, or with {@code functionError} set
 * ("Unhandled", as the {@code X-Amz-Function-Error} header) an error document
 * {@code {"errorType": ..., "errorMessage": ...}}.
 */
public record InvocationResult(byte[] payload, String functionError) {

    public static InvocationResult success(byte[] payload) {
        return new InvocationResult(payload, null);
    }

    /** Lambda's own errors (timeout, runtime exit, init failure), shaped as Lambda shapes them. */
    static InvocationResult lambdaError(String errorType, String message) {
        String body = "{\"errorType\":\"" + escape(errorType) + "\",\"errorMessage\":\"" + escape(message) + "\"}";
        return new InvocationResult(body.getBytes(StandardCharsets.UTF_8), "Unhandled");
    }

    public boolean failed() {
        return functionError != null;
    }

    public String payloadText() {
        return new String(payload, StandardCharsets.UTF_8);
    }

    private static String escape(String text) {
        StringBuilder out = new StringBuilder();
        for (char c : text.toCharArray()) {
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.toString();
    }

    @Override
    public String toString() {
        return (failed() ? "error " + functionError + ": " : "") + payloadText();
    }
}
