package dev.restorecdc.aws;

import dev.restorecdc.cdc.TableRefs;
import dev.restorecdc.session.RestoredTables;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException;
import software.amazon.awssdk.services.dynamodb.model.TableDescription;

import java.util.Optional;

/** What the restored table says about its restore, from DescribeTable. */
@ApplicationScoped
public class RestoredTableReader implements RestoredTables {

    private final RegionalClients regions;

    public RestoredTableReader(DynamoDbClient dynamo) {
        this(RegionalClients.like(dynamo, null));
    }

    /** @param regions a target in another region (named by its ARN) is described in its region */
    @Inject
    public RestoredTableReader(RegionalClients regions) {
        this.regions = regions;
    }

    private TableDescription describe(String table) {
        DynamoDbClient dynamo = regions.dynamoFor(table);
        return dynamo.describeTable(r -> r.tableName(TableRefs.nameOf(table))).table();
    }

    /** The restored table's status (CREATING, ACTIVE, ...); empty when it does not exist. */
    @Override
    public Optional<String> status(String table) {
        try {
            return Optional.of(describe(table).tableStatusAsString());
        } catch (ResourceNotFoundException gone) {
            return Optional.empty();
        }
    }

    @Override
    public Optional<Summary> summary(String table) {
        try {
            return Optional.ofNullable(describe(table).restoreSummary())
                    .map(s -> new Summary(Optional.ofNullable(s.restoreDateTime()), Optional.ofNullable(s.sourceTableArn())));
        } catch (ResourceNotFoundException gone) {
            throw new IllegalStateException("restored table " + table + " does not exist (the restore failed or it was deleted)");
        }
    }

    /**
     * The stream view type of a table's stream (NEW_IMAGE, NEW_AND_OLD_IMAGES, ...), empty when it
     * has no stream: change replay needs the old images of NEW_AND_OLD_IMAGES.
     */
    @Override
    public Optional<String> streamViewType(String table) {
        var stream = describe(table).streamSpecification();
        return stream == null || !Boolean.TRUE.equals(stream.streamEnabled()) ? Optional.empty()
                : Optional.ofNullable(stream.streamViewTypeAsString());
    }
}
