package dev.restorecdc.lambda;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import dev.restorecdc.session.WorkflowService;
import jakarta.inject.Inject;
import jakarta.inject.Named;

import java.util.Map;

/** The restore session's steps that need code; the state machine names the step in {@code action}. */
@Named("workflow")
public class WorkflowHandler implements RequestHandler<Map<String, Object>, Map<String, Object>> {

    @Inject
    WorkflowService workflow;

    @Override
    public Map<String, Object> handleRequest(Map<String, Object> input, Context context) {
        return workflow.run(input);
    }
}
