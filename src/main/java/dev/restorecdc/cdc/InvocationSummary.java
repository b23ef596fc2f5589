package dev.restorecdc.cdc;

/**
 * The log category of the per-invocation summaries (received, skipped, written, failed, ...).
 * application.properties prints it as bare JSON lines, which CloudWatch Logs Insights reads as
 * fields, while every other log line keeps its level and logger.
 */
public final class InvocationSummary {

    public static final String CATEGORY = "dev.restorecdc.invocations";

    private InvocationSummary() {
    }
}
