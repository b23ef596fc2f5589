package dev.restorecdc.aws;

import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException;
import software.amazon.awssdk.services.dynamodb.model.RestoreSummary;

import java.time.Instant;
import java.util.Optional;

/** What the restored table says about its restore. */
public class RestoredTableReader {

    private final DynamoDbClient dynamo;

    public RestoredTableReader(DynamoDbClient dynamo) {
        this.dynamo = dynamo;
    }

    /** The target's {@code RestoreSummary.RestoreDateTime} (the restore point T), if it has one. */
    public Optional<Instant> restoreDateTime(String table) {
        try {
            RestoreSummary summary = dynamo.describeTable(r -> r.tableName(table)).table().restoreSummary();
            return Optional.ofNullable(summary).map(RestoreSummary::restoreDateTime);
        } catch (ResourceNotFoundException gone) {
            throw new IllegalStateException("restored table " + table + " does not exist (the restore failed or it was deleted)");
        }
    }

    /**
     * The stream view type of a table's stream (NEW_IMAGE, NEW_AND_OLD_IMAGES, ...), empty when it
     * has no stream: change replay needs the old images of NEW_AND_OLD_IMAGES.
     */
    public Optional<String> streamViewType(String table) {
        var stream = dynamo.describeTable(r -> r.tableName(table)).table().streamSpecification();
        return stream == null || !Boolean.TRUE.equals(stream.streamEnabled()) ? Optional.empty()
                : Optional.ofNullable(stream.streamViewTypeAsString());
    }
}
