package dev.restorecdc.lambda;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.DynamodbEvent;
import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse;
import dev.restorecdc.cdc.CaptureService;
import dev.restorecdc.cdc.Deadline;
import dev.restorecdc.config.CdcConfig;
import jakarta.inject.Inject;
import jakarta.inject.Named;

import java.util.List;

/** DynamoDB stream batch → FIFO queue; answers with the earliest record that was not queued. */
@Named("capture")
public class CaptureHandler implements RequestHandler<DynamodbEvent, StreamsEventResponse> {

    @Inject
    CaptureService capture;

    @Inject
    CdcConfig config;

    @Override
    public StreamsEventResponse handleRequest(DynamodbEvent event, Context context) {
        List<DynamodbEvent.DynamodbStreamRecord> records = event.getRecords() == null ? List.of() : event.getRecords();
        Deadline deadline = Deadline.fromRemaining(context.getRemainingTimeInMillis(), config.retryBudgetWithoutDeadline());
        return capture.capture(records.stream().map(StreamRecords::read).toList(), deadline)
                .map(sequence -> new StreamsEventResponse(List.of(new StreamsEventResponse.BatchItemFailure(sequence))))
                .orElseGet(() -> new StreamsEventResponse(List.of()));
    }
}
