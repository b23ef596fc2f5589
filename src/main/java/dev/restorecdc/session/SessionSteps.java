package dev.restorecdc.session;

import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Finds the {@link SessionStep} the task's {@code action} names, binds the task's input to the step's
 * input record and runs it. A bad input fails the task with the step input's own message (naming the
 * field and the value), not Jackson's.
 */
@ApplicationScoped
public class SessionSteps {

    private static final Logger LOG = Logger.getLogger(SessionSteps.class);

    private final ObjectMapper json;
    private final Map<String, SessionStep<?, ?>> byAction = new TreeMap<>();

    @Inject
    public SessionSteps(ObjectMapper json, Instance<SessionStep<?, ?>> steps) {
        this(json, steps.stream().toList());
    }

    public SessionSteps(ObjectMapper json, List<? extends SessionStep<?, ?>> steps) {
        this.json = json;
        steps.forEach(step -> byAction.put(step.action(), step));
    }

    /**
     * Runs the step named by {@code input.action}; its output becomes the task's {@code Payload}.
     *
     * @throws IllegalArgumentException for an unknown action (naming the known ones) or a bad input field
     */
    public Object run(Map<String, Object> input) {
        Object action = input.get("action");
        SessionStep<?, ?> step = byAction.get(String.valueOf(action));
        if (step == null) {
            throw new IllegalArgumentException("action must be one of " + String.join(", ", byAction.keySet())
                    + "; got '" + action + "'");
        }
        Map<String, Object> fields = new LinkedHashMap<>(input);
        fields.remove("action");
        LOG.infof("workflow action %s for session %s", action, input.get("session_id"));
        return run(step, fields);
    }

    private <I> Object run(SessionStep<I, ?> step, Map<String, Object> fields) {
        I bound;
        try {
            bound = json.convertValue(fields, step.inputType());
        } catch (IllegalArgumentException e) {
            throw ownMessage(e);
        }
        return step.run(bound);
    }

    /** The input records' and SessionConfig's own IllegalArgumentException, unwrapped from Jackson's. */
    private static RuntimeException ownMessage(IllegalArgumentException bindingError) {
        for (Throwable cause = bindingError.getCause(); cause != null; cause = cause.getCause()) {
            if (cause instanceof IllegalArgumentException own) {
                return own;
            }
        }
        return bindingError;
    }
}
