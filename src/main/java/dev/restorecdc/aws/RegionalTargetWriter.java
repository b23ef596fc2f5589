package dev.restorecdc.aws;

import dev.restorecdc.cdc.Deadline;
import dev.restorecdc.cdc.ItemWrite;
import dev.restorecdc.cdc.TableRefs;
import dev.restorecdc.cdc.TargetWriter;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Replay's writer for a target in any region: a target named by its ARN in another region than the
 * functions' ({@link TableRefs}) is written through that region's client, under its plain name; a
 * same-region target goes to the home client exactly as before. One {@link DynamoTargetWriter} per region.
 */
public final class RegionalTargetWriter implements TargetWriter {

    private final RegionalClients regions;
    private final Map<DynamoDbClient, DynamoTargetWriter> writers = new ConcurrentHashMap<>();

    public RegionalTargetWriter(RegionalClients regions) {
        this.regions = regions;
    }

    @Override
    public Result write(String table, List<ItemWrite> writes, Deadline deadline) {
        DynamoDbClient client = regions.dynamoFor(table);
        String name = client == regions.dynamo(java.util.Optional.empty()) ? table : TableRefs.nameOf(table);
        return writers.computeIfAbsent(client, DynamoTargetWriter::new).write(name, writes, deadline);
    }
}
