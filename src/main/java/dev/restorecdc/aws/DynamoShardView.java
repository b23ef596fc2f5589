package dev.restorecdc.aws;

import dev.restorecdc.cdc.ShardProgress;
import dev.restorecdc.session.ShardView;
import dev.restorecdc.session.StreamShards;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient;

import java.util.Map;

/** {@link ShardView} on DynamoDB: the table's stream through DynamoDB Streams, the progress from the control table. */
public final class DynamoShardView implements ShardView {

    private final DynamoDbClient dynamo;
    private final DynamoDbStreamsClient streams;

    public DynamoShardView(DynamoDbClient dynamo, DynamoDbStreamsClient streams) {
        this.dynamo = dynamo;
        this.streams = streams;
    }

    @Override
    public StreamShards stream(String sourceTable) {
        return new DynamoStreamShards(streams, DynamoStreamShards.streamArn(dynamo, sourceTable));
    }

    @Override
    public Map<String, ShardProgress> progress(String controlTable, String sessionId) {
        return ShardProgressTable.read(dynamo, controlTable, sessionId);
    }
}
