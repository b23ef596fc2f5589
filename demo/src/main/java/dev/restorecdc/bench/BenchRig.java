package dev.restorecdc.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.restorecdc.aws.QueueBacklogReader;
import dev.restorecdc.aws.SessionStore;
import dev.restorecdc.cdc.ChangeCodec;
import dev.restorecdc.cdc.ChangeDelta;
import dev.restorecdc.cdc.ChangeEvent;
import dev.restorecdc.cdc.EventName;
import dev.restorecdc.cdc.ReplaySemantics;
import dev.restorecdc.local.Deployment;
import dev.restorecdc.local.DeploymentValues;
import dev.restorecdc.local.FaultProxy;
import dev.restorecdc.local.LocalAws;
import dev.restorecdc.session.SessionRecord;
import dev.restorecdc.session.SessionRecords;
import dev.restorecdc.session.SessionStatus;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.core.client.builder.SdkSyncClientBuilder;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.BooleanSupplier;

/**
 * What the bench's rows share: the local AWS, two latency proxies (one in front of the functions
 * and the raw baselines, one in front of the mapping emulation, so the functions' calls per
 * invocation are counted apart from the pollers'), the deployments with their real active sessions,
 * and the few set-up calls a row makes outside its timed part (those go straight to the emulator).
 */
final class BenchRig implements AutoCloseable {

    static final ObjectMapper JSON = new ObjectMapper();
    static final ChangeCodec CODEC = new ChangeCodec(JSON);

    final LocalAws aws;
    /** In front of the replay functions (their AWS_ENDPOINT_URL) and the raw SDK baselines. */
    final FaultProxy functions;
    /** In front of the capture function, so its calls are counted apart from replay's when both run. */
    final FaultProxy capture;
    /** In front of the event source mapping emulation's own calls. */
    final FaultProxy mappings;
    /** Whole-image replay (a copy) and its capture. */
    final Deployment image;
    /** Change replay (an undo session). */
    final Deployment change;
    final String imageTarget;
    final String changeTarget;
    /** The sessions' replay_from (and capture floor): changes older than it are skipped, the no-work invocation's input. */
    final Instant replayFrom;
    /** The deployment's caught-up threshold (session.caught_up_backlog). */
    final int caughtUpBacklog;
    final SqsClient sqsViaProxy;
    final DynamoDbClient dynamoViaProxy;
    private final QueueBacklogReader backlog;

    private BenchRig(LocalAws aws, FaultProxy functions, FaultProxy capture, FaultProxy mappings) {
        this.aws = aws;
        this.functions = functions;
        this.capture = capture;
        this.mappings = mappings;
        this.replayFrom = Instant.now().minus(Duration.ofHours(1)).truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
        DeploymentValues values = DeploymentValues.defaults()
                .withEnvironment("capture", "AWS_ENDPOINT_URL", capture.endpoint().toString())
                .withEnvironment("replay", "AWS_ENDPOINT_URL", functions.endpoint().toString());
        this.caughtUpBacklog = values.integer("session.caught_up_backlog");
        aws.routeMappingsThrough(mappings.endpoint());
        aws.createSourceTable("bench", "pk");
        aws.createSourceTable("bench-target", "pk");
        aws.createSourceTable("benchchg", "pk");
        aws.createSourceTable("benchchg-target", "pk");
        this.image = aws.deploy("bench", values);
        this.change = aws.deploy("benchchg", values);
        this.imageTarget = "bench-target";
        this.changeTarget = "benchchg-target";
        openSession(image, imageTarget, ReplaySemantics.IMAGE);
        openSession(change, changeTarget, ReplaySemantics.CHANGE);
        this.sqsViaProxy = client(SqsClient.builder(), functions.endpoint());
        this.dynamoViaProxy = client(DynamoDbClient.builder(), functions.endpoint());
        this.backlog = new QueueBacklogReader(aws.clients().sqs());
    }

    static BenchRig start() {
        LocalAws aws = LocalAws.start();
        FaultProxy functions = FaultProxy.start(aws.clients().endpoint()).withoutBodies();
        FaultProxy capture = FaultProxy.start(aws.clients().endpoint()).withoutBodies();
        FaultProxy mappings = FaultProxy.start(aws.clients().endpoint()).withoutBodies();
        return new BenchRig(aws, functions, capture, mappings);
    }

    /** Every proxy adds {@code latency} to every call from now on. */
    void latency(Duration latency) {
        functions.withLatency(latency);
        capture.withLatency(latency);
        mappings.withLatency(latency);
    }

    /**
     * A real active session, registered and settled as the workflow does it (SessionStore): the
     * lock, status REPLAYING, the target, replay_from and the replay semantics; so the handlers run
     * in session mode, with every bookkeeping call production makes.
     */
    private void openSession(Deployment deployment, String target, ReplaySemantics semantics) {
        SessionStore store = new SessionStore(aws.clients().dynamo(), deployment.controlTableName(), deployment.sourceTableName());
        String sessionId = "bench-" + deployment.sourceTableName();
        Instant now = Instant.now();
        SessionRecords.Registration registration = store.register(new SessionRecords.NewSession(sessionId, target, now,
                Optional.empty(), replayFrom, null), now, now.plus(Duration.ofDays(1)));
        if (!registration.registered()) {
            throw new IllegalStateException("the bench could not take the lock of " + deployment.sourceTableName());
        }
        store.update(sessionId, Map.of(SessionRecord.STATUS, SessionStatus.REPLAYING.name(),
                SessionRecord.REPLAY_FROM, replayFrom,
                SessionRecord.REPLAY_SEMANTICS, semantics.recordValue()), now);
    }

    void enable(String mappingUuid, boolean enabled) {
        aws.clients().lambda().updateEventSourceMapping(r -> r.uuid(mappingUuid).enabled(enabled));
    }

    /** Visible + in-flight messages, read as the session's caught-up check reads them (QueueBacklogReader). */
    long backlog(String queueUrl) {
        return backlog.backlog(queueUrl).total();
    }

    long visible(String queueUrl) {
        return backlog.backlog(queueUrl).visible();
    }

    void purge(String queueUrl) {
        aws.clients().sqs().purgeQueue(r -> r.queueUrl(queueUrl));
    }

    /** Sends the changes to the FIFO queue as capture would (group per item, 10 per call), straight to the emulator. */
    void preload(String queueUrl, List<ChangeEvent> changes) {
        SqsClient sqs = aws.clients().sqs();
        for (int from = 0; from < changes.size(); from += 10) {
            List<SendMessageBatchRequestEntry> entries = new ArrayList<>();
            for (ChangeEvent change : changes.subList(from, Math.min(changes.size(), from + 10))) {
                entries.add(entry(change, entries.size()));
            }
            var sent = sqs.sendMessageBatch(b -> b.queueUrl(queueUrl).entries(entries));
            if (!sent.failed().isEmpty()) {
                throw new IllegalStateException("preloading the queue failed: " + sent.failed());
            }
        }
    }

    static SendMessageBatchRequestEntry entry(ChangeEvent change, int id) {
        return SendMessageBatchRequestEntry.builder().id(Integer.toString(id)).messageBody(CODEC.encode(change))
                .messageGroupId(change.key().groupId()).messageDeduplicationId(change.eventId()).build();
    }

    /** A MODIFY of item {@code pk} as capture encodes it; with {@code withDelta} as from a NEW_AND_OLD_IMAGES stream. */
    static ChangeEvent change(String eventId, String pk, long n, Instant at, boolean withDelta) {
        ObjectNode keys = JsonNodeFactory.instance.objectNode();
        keys.putObject("pk").put("S", pk);
        ObjectNode image = keys.deepCopy();
        image.putObject("n").put("N", Long.toString(n));
        image.putObject("text").put("S", "bench payload " + n);
        ObjectNode before = image.deepCopy();
        before.putObject("n").put("N", Long.toString(n - 1));
        return new ChangeEvent(eventId, EventName.MODIFY, keys, image, at, Long.toString(n), null,
                withDelta ? ChangeDelta.of(EventName.MODIFY, before, image) : null);
    }

    /** Waits, polling every {@code everyMillis}, until {@code done}; false after {@code timeout}. */
    static boolean await(BooleanSupplier done, long everyMillis, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!done.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            sleep(everyMillis);
        }
        return true;
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Calls made through the functions' proxy since {@code before}, per operation. */
    Map<String, Long> callsSince(Map<String, Long> before) {
        return callsSince(functions, before);
    }

    /** Calls made through {@code proxy} since {@code before} (an earlier {@link FaultProxy#calls()}), per operation. */
    static Map<String, Long> callsSince(FaultProxy proxy, Map<String, Long> before) {
        Map<String, Long> now = new TreeMap<>(proxy.calls());
        before.forEach((operation, count) -> now.merge(operation, -count, Long::sum));
        now.values().removeIf(count -> count == 0);
        return now;
    }

    static <B extends AwsClientBuilder<B, C> & SdkSyncClientBuilder<B, C>, C> C client(B builder, URI endpoint) {
        return builder.endpointOverride(endpoint).region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
                .httpClientBuilder(UrlConnectionHttpClient.builder()).build();
    }

    @Override
    public void close() {
        sqsViaProxy.close();
        dynamoViaProxy.close();
        aws.close();
        functions.close();
        capture.close();
        mappings.close();
    }
}
