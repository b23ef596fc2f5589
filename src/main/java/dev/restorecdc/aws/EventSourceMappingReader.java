package dev.restorecdc.aws;

import dev.restorecdc.session.MappingStates;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.GetEventSourceMappingResponse;

import java.util.Optional;

/** An event source mapping's state from Lambda's GetEventSourceMapping (a blank result counts as none). */
@ApplicationScoped
public class EventSourceMappingReader implements MappingStates {

    private final LambdaClient lambda;

    @Inject
    public EventSourceMappingReader(LambdaClient lambda) {
        this.lambda = lambda;
    }

    @Override
    public MappingStatus status(String uuid) {
        GetEventSourceMappingResponse m = lambda.getEventSourceMapping(r -> r.uuid(uuid));
        return new MappingStatus(m.state(), Optional.ofNullable(m.lastProcessingResult()).filter(s -> !s.isBlank()));
    }
}
