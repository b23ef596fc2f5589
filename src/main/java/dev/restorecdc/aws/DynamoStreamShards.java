package dev.restorecdc.aws;

import dev.restorecdc.session.StreamShards;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.ExpiredIteratorException;
import software.amazon.awssdk.services.dynamodb.model.GetRecordsResponse;
import software.amazon.awssdk.services.dynamodb.model.ShardIteratorType;
import software.amazon.awssdk.services.dynamodb.model.StreamDescription;
import software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The source table's stream through DynamoDB Streams' DescribeStream / GetShardIterator / GetRecords. */
public final class DynamoStreamShards implements StreamShards {

    private final DynamoDbStreamsClient streams;
    private final String streamArn;

    public DynamoStreamShards(DynamoDbStreamsClient streams, String streamArn) {
        this.streams = streams;
        this.streamArn = streamArn;
    }

    /** The table's current stream; fails naming the table when it has none. */
    public static String streamArn(DynamoDbClient dynamo, String table) {
        String arn = dynamo.describeTable(r -> r.tableName(table)).table().latestStreamArn();
        if (arn == null || arn.isBlank()) {
            throw new IllegalStateException("table " + table + " has no stream");
        }
        return arn;
    }

    /**
     * A streams client configured like the given DynamoDB client (its endpoint, region and
     * credentials); the SDK builds and closes its own HTTP client.
     */
    public static DynamoDbStreamsClient like(DynamoDbClient dynamo) {
        var config = dynamo.serviceClientConfiguration();
        var builder = DynamoDbStreamsClient.builder()
                .httpClientBuilder(software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient.builder())
                .region(config.region())
                .credentialsProvider(config.credentialsProvider());
        config.endpointOverride().ifPresent(builder::endpointOverride);
        return builder.build();
    }

    @Override
    public List<Shard> shards() {
        List<Shard> shards = new ArrayList<>();
        String start = null;
        do {
            String from = start;
            StreamDescription description = streams.describeStream(r -> r.streamArn(streamArn).exclusiveStartShardId(from))
                    .streamDescription();
            description.shards().forEach(s -> shards.add(new Shard(s.shardId(), Optional.ofNullable(s.parentShardId()),
                    Optional.ofNullable(s.sequenceNumberRange() == null ? null : s.sequenceNumberRange().endingSequenceNumber()))));
            start = description.lastEvaluatedShardId();
        } while (start != null);
        return shards;
    }

    @Override
    public Read read(String shardId, Position from, int limit) {
        String iterator = from.iterator().orElseGet(() -> iterator(shardId, from.afterSequence()));
        GetRecordsResponse response;
        try {
            response = streams.getRecords(r -> r.shardIterator(iterator).limit(limit));
        } catch (ExpiredIteratorException e) {
            throw new IllegalStateException("shard " + shardId + ": iterator expired; read again from capture's position", e);
        }
        List<Seen> seen = response.records().stream().map(r -> new Seen(r.dynamodb().sequenceNumber(),
                r.dynamodb().approximateCreationDateTime() == null ? Instant.EPOCH : r.dynamodb().approximateCreationDateTime())).toList();
        return new Read(seen, Optional.ofNullable(response.nextShardIterator()));
    }

    private String iterator(String shardId, Optional<String> after) {
        return streams.getShardIterator(r -> r.streamArn(streamArn).shardId(shardId)
                .shardIteratorType(after.isPresent() ? ShardIteratorType.AFTER_SEQUENCE_NUMBER : ShardIteratorType.TRIM_HORIZON)
                .sequenceNumber(after.orElse(null))).shardIterator();
    }
}
