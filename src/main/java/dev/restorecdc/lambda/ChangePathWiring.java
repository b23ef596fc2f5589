package dev.restorecdc.lambda;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.restorecdc.aws.ControlTableLedger;
import dev.restorecdc.aws.DynamoTargetProbe;
import dev.restorecdc.aws.DynamoTargetWriter;
import dev.restorecdc.aws.KeyLogItems;
import dev.restorecdc.aws.RegionalClients;
import dev.restorecdc.aws.RegionalTargetWriter;
import dev.restorecdc.aws.SqsChangeQueue;
import dev.restorecdc.aws.SqsDeadLetterQueue;
import dev.restorecdc.cdc.ActiveSession;
import dev.restorecdc.cdc.CaptureService;
import dev.restorecdc.cdc.ChangeCodec;
import dev.restorecdc.cdc.CounterBuffer;
import dev.restorecdc.cdc.DeadLetterQueue;
import dev.restorecdc.cdc.ReplayService;
import dev.restorecdc.cdc.ReplaySemantics;
import dev.restorecdc.cdc.SessionLedger;
import dev.restorecdc.cdc.SessionLedger.CaptureTally;
import dev.restorecdc.cdc.SessionLedger.ReplayTally;
import dev.restorecdc.config.CdcConfig;
import jakarta.inject.Singleton;
import jakarta.enterprise.inject.Produces;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.sqs.SqsClient;

import java.time.Clock;
import java.util.List;
import java.util.Optional;

/** Builds (once per container: @Singleton, no proxies on the hot path) the plain-Java services of the change path from the configuration and the SDK clients. */
@Singleton
public class ChangePathWiring {

    @Produces
    @Singleton
    ChangeCodec codec(ObjectMapper json) {
        return new ChangeCodec(json);
    }

    @Produces
    @Singleton
    SessionLedger ledger(CdcConfig config, DynamoDbClient dynamo, ObjectMapper json) {
        if (config.sessionTable().isEmpty() || config.sourceTable().isEmpty()) {
            return NO_SESSIONS;
        }
        return new ControlTableLedger(dynamo, config.sessionTable().get(), config.sourceTable().get(), json, Clock.systemUTC(),
                notNegative(config.sessionReuse(), "CDC_SESSION_REUSE"),
                notNegative(config.unsettledSessionReuse(), "CDC_UNSETTLED_SESSION_REUSE"));
    }

    /** A duration setting, refused at start when negative (it would silently mean "every invocation"). */
    static java.time.Duration notNegative(java.time.Duration value, String variable) {
        if (value.isNegative()) {
            throw new IllegalStateException(variable + " must be a duration of zero or more (ISO-8601, e.g. PT1S), got " + value);
        }
        return value;
    }

    @Produces
    @Singleton
    CaptureService capture(CdcConfig config, ChangeCodec codec, SqsClient sqs, SessionLedger ledger) {
        String queueUrl = config.queueUrl().orElseThrow(() ->
                new IllegalStateException("CDC_QUEUE_URL is not set: the capture function needs the FIFO queue's URL"));
        return new CaptureService(codec, new SqsChangeQueue(sqs, queueUrl), deadLetters(config, sqs), ledger,
                config.replayFrom(), Clock.systemUTC(),
                new CounterBuffer<>(notNegative(config.countersInterval(), "CDC_COUNTERS_INTERVAL"), CaptureTally::plus, Clock.systemUTC()));
    }

    private static Optional<DeadLetterQueue> deadLetters(CdcConfig config, SqsClient sqs) {
        return config.dlqUrl().filter(url -> !url.isBlank()).map(url -> new SqsDeadLetterQueue(sqs, url));
    }

    @Produces
    @Singleton
    ReplayService replay(CdcConfig config, ChangeCodec codec, DynamoDbClient dynamo, SqsClient sqs, SessionLedger ledger,
                         ObjectMapper json) {
        // The key log rides in the target's BatchWriteItem when control table and target share the region.
        // A target in another region (a restore into another region, named by its ARN) is written and read
        // there: its items alone, and ReplayService then writes the key log at home itself.
        RegionalClients regions = RegionalClients.like(dynamo, null);
        DynamoTargetWriter home = new DynamoTargetWriter(dynamo,
                config.sessionTable().map(table -> new KeyLogItems(table, json, Clock.systemUTC())));
        return new ReplayService(codec, new RegionalTargetWriter(regions, home), deadLetters(config, sqs), ledger,
                config.targetTable(), config.replayFrom(), new DynamoTargetProbe(regions, config.sessionTable()),
                config.replaySemantics().map(value -> ReplaySemantics.fromRecord(value).orElseThrow(() ->
                        new IllegalStateException("CDC_REPLAY_SEMANTICS must be image or change, got '" + value + "'"))),
                new CounterBuffer<>(notNegative(config.countersInterval(), "CDC_COUNTERS_INTERVAL"), ReplayTally::plus, Clock.systemUTC()));
    }

    /** Without CDC_SESSION_TABLE and CDC_SOURCE_TABLE there is no session: static mode only. */
    private static final SessionLedger NO_SESSIONS = new SessionLedger() {
        @Override
        public Optional<ActiveSession> active() {
            return Optional.empty();
        }

        @Override
        public void recordCapture(ActiveSession session, CaptureTally tally) {
        }

        @Override
        public void recordKeyLog(ActiveSession session, List<KeyLogEntry> keys) {
        }

        @Override
        public void recordConflicts(ActiveSession session, List<dev.restorecdc.cdc.Conflict> conflicts) {
        }

        @Override
        public void recordReplay(ActiveSession session, ReplayTally tally) {
        }

        @Override
        public void recordReplayProblem(ActiveSession session, String problem) {
        }
    };
}
