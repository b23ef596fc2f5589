package dev.restorecdc.lambda;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import dev.restorecdc.cdc.Deadline;
import dev.restorecdc.cdc.IncomingChange;
import dev.restorecdc.cdc.ReplayService;
import dev.restorecdc.config.CdcConfig;
import jakarta.inject.Inject;
import jakarta.inject.Named;

import java.util.List;
import java.util.Map;

/** FIFO queue batch → restored table; answers with the messages to retry. */
@Named("replay")
public class ReplayHandler implements RequestHandler<SQSEvent, SQSBatchResponse> {

    @Inject
    ReplayService replay;

    @Inject
    CdcConfig config;

    @Override
    public SQSBatchResponse handleRequest(SQSEvent event, Context context) {
        List<SQSEvent.SQSMessage> records = event.getRecords() == null ? List.of() : event.getRecords();
        List<IncomingChange> messages = records.stream()
                .map(m -> new IncomingChange(m.getMessageId(), groupOf(m.getAttributes()), m.getBody()))
                .toList();
        List<String> failed = replay.replay(messages, Deadline.fromRemaining(context.getRemainingTimeInMillis(), config.retryBudgetWithoutDeadline()));
        return new SQSBatchResponse(failed.stream().map(SQSBatchResponse.BatchItemFailure::new).toList());
    }

    private static String groupOf(Map<String, String> attributes) {
        return attributes == null ? null : attributes.get("MessageGroupId");
    }
}
