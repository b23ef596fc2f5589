package dev.restorecdc.aws;

import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.GetEventSourceMappingResponse;

import java.util.Optional;

/** An event source mapping's state and, where the API gives one, its last processing result. */
public class EventSourceMappingReader {

    /**
     * @param state                Enabled, Enabling, Disabled, Disabling, ...
     * @param lastProcessingResult e.g. "OK", "No records processed", "PROBLEM: Function call failed"
     */
    public record MappingStatus(String state, Optional<String> lastProcessingResult) {
    }

    private final LambdaClient lambda;

    public EventSourceMappingReader(LambdaClient lambda) {
        this.lambda = lambda;
    }

    public MappingStatus status(String uuid) {
        GetEventSourceMappingResponse m = lambda.getEventSourceMapping(r -> r.uuid(uuid));
        return new MappingStatus(m.state(), Optional.ofNullable(m.lastProcessingResult()).filter(s -> !s.isBlank()));
    }
}
