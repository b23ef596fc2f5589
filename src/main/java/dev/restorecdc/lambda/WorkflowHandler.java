package dev.restorecdc.lambda;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import dev.restorecdc.session.SessionSteps;
import jakarta.inject.Inject;
import jakarta.inject.Named;

import java.util.Map;

/** The restore session's steps that need code; the state machine names the step in {@code action}. */
@Named("workflow")
public class WorkflowHandler implements RequestHandler<Map<String, Object>, Object> {

    @Inject
    SessionSteps steps;

    @Override
    public Object handleRequest(Map<String, Object> input, Context context) {
        return steps.run(input);
    }
}
