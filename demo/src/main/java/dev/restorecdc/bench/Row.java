package dev.restorecdc.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;
import java.util.TreeMap;

/**
 * One bench row: its samples (one per run), and the AWS calls the functions (or the raw client)
 * made per invocation over all runs, counted at the latency proxy. For a raw baseline an
 * "invocation" is the work one handler invocation does (a stream batch of 100, a FIFO batch of 10).
 */
final class Row {

    final String key;
    final String label;
    private final List<Double> samples = new ArrayList<>();
    private final Map<String, Long> calls = new TreeMap<>();
    private final Map<String, Long> pollerCalls = new TreeMap<>();
    private double invocations;

    Row(String key, String label) {
        this.key = key;
        this.label = label;
    }

    void add(double sample, double invocations, Map<String, Long> calls) {
        add(sample, invocations, calls, Map.of());
    }

    /** @param pollerCalls the mapping emulation's own calls (receive, delete, GetRecords, ...) in the same runs */
    void add(double sample, double invocations, Map<String, Long> calls, Map<String, Long> pollerCalls) {
        samples.add(sample);
        this.invocations += invocations;
        calls.forEach((operation, count) -> this.calls.merge(operation, count, Long::sum));
        pollerCalls.forEach((operation, count) -> this.pollerCalls.merge(operation, count, Long::sum));
    }

    Stats stats() {
        return Stats.of(samples);
    }

    boolean empty() {
        return samples.isEmpty();
    }

    /** Calls per invocation by operation (the service prefix dropped: {@code BatchWriteItem}, {@code SendMessageBatch}). */
    Map<String, Double> callsPerInvocation() {
        return per(calls);
    }

    /** The mapping emulation's calls per invocation (empty for rows without a mapping). */
    Map<String, Double> pollerCallsPerInvocation() {
        return per(pollerCalls);
    }

    private Map<String, Double> per(Map<String, Long> counts) {
        Map<String, Double> per = new TreeMap<>();
        if (invocations > 0) {
            counts.forEach((operation, count) -> per.put(operation.substring(operation.indexOf('.') + 1), count / invocations));
        }
        return per;
    }

    /** e.g. {@code BatchWriteItem 1.00, UpdateItem 0.10}; "-" without counts. */
    String callsText() {
        return text(callsPerInvocation());
    }

    static String text(Map<String, Double> perInvocation) {
        StringJoiner text = new StringJoiner(", ");
        perInvocation.forEach((operation, n) -> text.add(String.format(java.util.Locale.ROOT, "%s %.2f", operation, n)));
        return text.length() == 0 ? "-" : text.toString();
    }
}
