package dev.restorecdc.lambda;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.DynamodbEvent;
import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse;
import dev.restorecdc.cdc.CaptureService;
import jakarta.inject.Inject;
import jakarta.inject.Named;

import java.util.List;

/** DynamoDB stream batch → FIFO queue; answers with the earliest record that was not queued. */
@Named("capture")
public class CaptureHandler implements RequestHandler<DynamodbEvent, StreamsEventResponse> {

    @Inject
    CaptureService capture;

    @Override
    public StreamsEventResponse handleRequest(DynamodbEvent event, Context context) {
        List<DynamodbEvent.DynamodbStreamRecord> records = event.getRecords() == null ? List.of() : event.getRecords();
        return capture.capture(records.stream().map(StreamRecords::read).toList())
                .map(sequence -> new StreamsEventResponse(List.of(new StreamsEventResponse.BatchItemFailure(sequence))))
                .orElseGet(() -> new StreamsEventResponse(List.of()));
    }
}
