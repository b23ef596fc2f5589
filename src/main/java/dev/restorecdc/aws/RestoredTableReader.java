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
        return restoreSummary(table).map(RestoreSummary::restoreDateTime);
    }

    /** The target's {@code RestoreSummary} (absent when the table was not made by a restore). */
    public Optional<RestoreSummary> restoreSummary(String table) {
        try {
            return Optional.ofNullable(dynamo.describeTable(r -> r.tableName(table)).table().restoreSummary());
        } catch (ResourceNotFoundException gone) {
            throw new IllegalStateException("restored table " + table + " does not exist (the restore failed or it was deleted)");
        }
    }
}
