package dev.restorecdc.aws;

import dev.restorecdc.cdc.Deadline;
import dev.restorecdc.cdc.ItemWrite;
import dev.restorecdc.cdc.TableRefs;
import dev.restorecdc.cdc.TargetWriter;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Replay's writer for a target in any region. A same-region target goes to the home writer exactly as
 * before (its key log riding in the same BatchWriteItem). A target named by its ARN in another region
 * ({@link TableRefs}: a restore into another region) is written through that region's client, under its
 * plain name, items alone: one BatchWriteItem spans the tables of one region only, so the key log (in
 * the home region's control table) cannot ride with them; the result says so
 * ({@code keyLogWritten = false}) and the caller writes the log itself.
 */
public final class RegionalTargetWriter implements TargetWriter {

    private final RegionalClients regions;
    private final TargetWriter home;
    private final Map<DynamoDbClient, DynamoTargetWriter> elsewhere = new ConcurrentHashMap<>();

    /** @param home the writer of the home region (the functions' own client, with the key log when there is one) */
    public RegionalTargetWriter(RegionalClients regions, TargetWriter home) {
        this.regions = regions;
        this.home = home;
    }

    @Override
    public Result write(String table, List<ItemWrite> writes, Deadline deadline) {
        DynamoDbClient client = regions.dynamoFor(table);
        return client == regions.dynamo(Optional.empty()) ? home.write(table, writes, deadline)
                : writerIn(client).write(TableRefs.nameOf(table), writes, deadline);
    }

    @Override
    public Result write(String table, List<ItemWrite> writes, KeyLog keyLog, Deadline deadline) {
        DynamoDbClient client = regions.dynamoFor(table);
        return client == regions.dynamo(Optional.empty()) ? home.write(table, writes, keyLog, deadline)
                : writerIn(client).write(TableRefs.nameOf(table), writes, deadline);
    }

    private DynamoTargetWriter writerIn(DynamoDbClient client) {
        return elsewhere.computeIfAbsent(client, DynamoTargetWriter::new);
    }
}
