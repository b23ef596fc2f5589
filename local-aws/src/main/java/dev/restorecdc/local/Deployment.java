package dev.restorecdc.local;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * What {@link LocalDeployment} created on the emulator: the names, URLs, ARNs and mapping UUIDs
 * Terraform's outputs would give ({@link #outputs()} in their names).
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
        String stateMachineArn,
        /* The object rendered into the state machine's Configuration state. */
        ObjectNode configuration,
        /* Region → the rule there that forwards restores called in it home (restore_regions). */
        java.util.Map<String, String> restoreForwardRuleNames) {

    /** The root Terraform module's outputs (terraform/outputs.tf), same keys; what AWS alone has is null. */
    public ObjectNode outputs() {
        ObjectNode outputs = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode();
        outputs.put("name_prefix", namePrefix);
        outputs.put("queue_url", queueUrl);
        outputs.put("queue_arn", queueArn);
        outputs.put("dlq_url", dlqUrl);
        outputs.putObject("function_names").put("capture", captureFunctionName).put("replay", replayFunctionName)
                .put("workflow", workflowFunctionName);
        outputs.put("capture_mapping_uuid", captureMappingUuid);
        outputs.put("replay_mapping_uuid", replayMappingUuid);
        outputs.put("state_machine_arn", stateMachineArn);
        outputs.put("control_table_name", controlTableName);
        outputs.put("sns_topic_arn", snsTopicArn);
        outputs.put("event_rule_name", ruleName);
        ObjectNode forward = outputs.putObject("restore_forward_rule_names");
        new java.util.TreeMap<>(restoreForwardRuleNames).forEach(forward::put);
        outputs.put("target_table_pattern", configuration.path("target_table_pattern").asText());
        outputs.putNull("trail_arn");
        outputs.putNull("dashboard_url");
        outputs.putArray("alarm_names");
        return outputs;
    }

    public String functionName(String role) {
        return switch (role) {
            case "capture" -> captureFunctionName;
            case "replay" -> replayFunctionName;
            case "workflow" -> workflowFunctionName;
            default -> throw new IllegalArgumentException("role must be capture, replay or workflow, got " + role);
        };
    }
}
