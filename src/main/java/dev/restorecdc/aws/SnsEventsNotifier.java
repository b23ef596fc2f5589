package dev.restorecdc.aws;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.restorecdc.session.Notifier;
import dev.restorecdc.session.SessionConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.sns.SnsClient;

import java.util.Map;

/**
 * The state machine's two notifications from code: SNS to the deployment's topic (subject at most
 * 100 characters, as SNS requires) and an EventBridge event with source {@code dynamodb-restore-cdc}
 * on the deployment's bus. Each is tried on its own; a failure is logged and the other still sent.
 */
@ApplicationScoped
public class SnsEventsNotifier implements Notifier {

    private static final Logger LOG = Logger.getLogger(SnsEventsNotifier.class);

    private final SnsClient sns;
    private final EventBridgeClient events;
    private final ObjectMapper json;

    @Inject
    public SnsEventsNotifier(SnsClient sns, EventBridgeClient events, ObjectMapper json) {
        this.sns = sns;
        this.events = events;
        this.json = json;
    }

    @Override
    public void notify(SessionConfig config, String subject, String detailType, Map<String, Object> notice) {
        String message;
        try {
            message = json.writeValueAsString(notice);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("notice is not JSON: " + notice, e);
        }
        String cut = subject.length() > 100 ? subject.substring(0, 100) : subject;
        try {
            sns.publish(r -> r.topicArn(config.snsTopicArn()).subject(cut).message(message));
        } catch (RuntimeException e) {
            LOG.errorf(e, "SNS notification '%s' failed", subject);
        }
        try {
            events.putEvents(r -> r.entries(e -> e.source("dynamodb-restore-cdc").detailType(detailType).detail(message)
                    .eventBusName(config.eventBusName())));
        } catch (RuntimeException e) {
            LOG.errorf(e, "EventBridge notification '%s' failed", detailType);
        }
    }
}
