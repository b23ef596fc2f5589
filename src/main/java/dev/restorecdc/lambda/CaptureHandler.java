package dev.restorecdc.lambda;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.DynamodbEvent;
import com.amazonaws.services.lambda.runtime.events.DynamodbTimeWindowEvent;
import com.amazonaws.services.lambda.runtime.events.TimeWindowEventResponse;
import dev.restorecdc.cdc.CaptureService;
import dev.restorecdc.cdc.Deadline;
import dev.restorecdc.config.CdcConfig;
import jakarta.inject.Inject;
import jakarta.inject.Named;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * DynamoDB stream batch → FIFO queue; answers with the earliest record that was not queued.
 *
 * <p>The capture mapping has a tumbling window, only so that each event names its {@code shardId}
 * (the plain stream event does not): capture records its progress per shard, which the cutover's
 * proof needs. Nothing is aggregated; the window's {@code state} is handed back unchanged, since
 * Lambda counts a response without {@code state} as a failed invocation. A window's final
 * invocation ({@code isFinalInvokeForWindow}) may carry no records and has nothing else to do.
 */
@Named("capture")
public class CaptureHandler implements RequestHandler<DynamodbTimeWindowEvent, TimeWindowEventResponse> {

    @Inject
    CaptureService capture;

    @Inject
    CdcConfig config;

    @Override
    public TimeWindowEventResponse handleRequest(DynamodbTimeWindowEvent event, Context context) {
        List<DynamodbEvent.DynamodbStreamRecord> records = event.getRecords() == null ? List.of() : event.getRecords();
        Deadline deadline = Deadline.fromRemaining(context.getRemainingTimeInMillis(), config.retryBudgetWithoutDeadline());
        Map<String, String> state = event.getState() == null ? Map.of() : event.getState();
        List<TimeWindowEventResponse.BatchItemFailure> failures = capture.capture(records.stream().map(StreamRecords::read).toList(),
                        deadline, Optional.ofNullable(event.getShardId()).filter(id -> !id.isBlank()))
                .map(sequence -> List.of(TimeWindowEventResponse.BatchItemFailure.builder().withItemIdentifier(sequence).build()))
                .orElseGet(List::of);
        return new TimeWindowEventResponse(state, failures);
    }
}
