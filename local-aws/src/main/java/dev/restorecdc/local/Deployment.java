package dev.restorecdc.local;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * What {@link LocalDeployment} created on the emulator: the names, URLs, ARNs and mapping UUIDs
 * Terraform's outputs would give, plus the local stand-in for the rule's Step Functions target.
 */
public record Deployment(
        String namePrefix,
        String sourceTableName,
        String sourceTableArn,
        String streamArn,
        String queueUrl,
        String queueArn,
        String dlqUrl,
        String dlqArn,
        String controlTableName,
        String captureFunctionName,
        String replayFunctionName,
        String workflowFunctionName,
        String workflowFunctionArn,
        String captureMappingUuid,
        String replayMappingUuid,
        String snsTopicArn,
        String ruleName,
        String eventBusName,
        /* moto's EventBridge cannot target Step Functions: the rule targets this queue, RestoreEventHop forwards. */
        String restoreEventsQueueUrl,
        String stateMachineArn,
        /* The object rendered into the state machine's Configuration state. */
        ObjectNode configuration) {

    public String functionName(String role) {
        return switch (role) {
            case "capture" -> captureFunctionName;
            case "replay" -> replayFunctionName;
            case "workflow" -> workflowFunctionName;
            default -> throw new IllegalArgumentException("role must be capture, replay or workflow, got " + role);
        };
    }
}
