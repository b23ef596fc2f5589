package dev.restorecdc.aws;

import dev.restorecdc.session.MappingSwitch;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.ResourceInUseException;
import software.amazon.awssdk.services.lambda.model.TooManyRequestsException;

/**
 * Disables an event source mapping with Lambda's UpdateEventSourceMapping; a mapping still changing
 * state ({@code ResourceInUseException}) is retried a few times, as the state machine's states do.
 */
@ApplicationScoped
public class EventSourceMappingSwitch implements MappingSwitch {

    private static final int ATTEMPTS = 6;

    private final LambdaClient lambda;

    @Inject
    public EventSourceMappingSwitch(LambdaClient lambda) {
        this.lambda = lambda;
    }

    @Override
    public void disable(String mappingUuid) {
        for (int attempt = 1; ; attempt++) {
            try {
                lambda.updateEventSourceMapping(r -> r.uuid(mappingUuid).enabled(false));
                return;
            } catch (ResourceInUseException | TooManyRequestsException busy) {
                if (attempt >= ATTEMPTS) {
                    throw busy;
                }
                try {
                    Thread.sleep(500L << attempt);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw busy;
                }
            }
        }
    }
}
