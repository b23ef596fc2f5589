package dev.restorecdc.cli;

import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.TableDescription;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.EventSourceMappingConfiguration;

import java.util.ArrayList;
import java.util.List;

/**
 * Other readers of the source's stream. DynamoDB Streams allows at most two simultaneous readers
 * per shard (reads beyond throttle); the capture mapping takes one, and the cutover's proof reads
 * the stream too while capture runs. Other event source mappings on the stream and a global-table
 * replica (replication reads the stream) compete for the same slots.
 */
final class StreamConsumersCheck {

    static final String NAME = "stream consumers";

    private StreamConsumersCheck() {
    }

    static Check run(DynamoDbClient dynamo, LambdaClient lambda, String table, String captureFunction) {
        TableDescription description = dynamo.describeTable(r -> r.tableName(table)).table();
        String streamArn = description.latestStreamArn();
        if (streamArn == null) {
            return Check.warn(NAME, "table " + table + " has no stream", "see the stream check");
        }
        List<String> others = new ArrayList<>();
        String marker = null;
        do {
            String from = marker;
            var page = lambda.listEventSourceMappings(r -> r.eventSourceArn(streamArn).marker(from));
            for (EventSourceMappingConfiguration mapping : page.eventSourceMappings()) {
                if (!mapping.functionArn().endsWith(":function:" + captureFunction)) {
                    others.add("event source mapping " + mapping.uuid() + " -> " + mapping.functionArn() + " (" + mapping.state() + ")");
                }
            }
            marker = page.nextMarker();
        } while (marker != null && !marker.isEmpty());
        if (description.hasReplicas() && !description.replicas().isEmpty()) {
            description.replicas().forEach(r -> others.add("global-table replica in " + r.regionName()
                    + " (replication reads the stream)"));
        }
        if (others.isEmpty()) {
            return Check.ok(NAME, "capture is the only reader of the stream (DynamoDB Streams allows two per shard)");
        }
        return Check.warn(NAME, others.size() + " other reader(s) of the stream: " + String.join("; ", others),
                "DynamoDB Streams allows two simultaneous readers per shard: capture takes one and the cutover's proof reads "
                        + "too; with another reader they throttle each other (capture lags, the cutover takes longer). "
                        + "Disable other mappings on the stream for the session's length where you can");
    }
}
