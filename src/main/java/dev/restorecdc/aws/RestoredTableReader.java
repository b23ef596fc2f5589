package dev.restorecdc.aws;

import dev.restorecdc.session.RestoredTables;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException;

import java.util.Optional;

/** What the restored table says about its restore, from DescribeTable. */
@ApplicationScoped
public class RestoredTableReader implements RestoredTables {

    private final DynamoDbClient dynamo;

    @Inject
    public RestoredTableReader(DynamoDbClient dynamo) {
        this.dynamo = dynamo;
    }

    @Override
    public Optional<Summary> summary(String table) {
        try {
            return Optional.ofNullable(dynamo.describeTable(r -> r.tableName(table)).table().restoreSummary())
                    .map(s -> new Summary(Optional.ofNullable(s.restoreDateTime()), Optional.ofNullable(s.sourceTableArn())));
        } catch (ResourceNotFoundException gone) {
            throw new IllegalStateException("restored table " + table + " does not exist (the restore failed or it was deleted)");
        }
    }
}
