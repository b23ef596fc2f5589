output "function_name" {
  description = "Name of the workflow function."
  value       = module.function.function_name
}

output "function_arn" {
  description = "ARN of the workflow function."
  value       = module.function.function_arn
}

output "state_machine_arn" {
  description = "ARN of the restore session state machine."
  value       = aws_sfn_state_machine.this.arn
}

output "state_machine_name" {
  description = "Name of the restore session state machine."
  value       = aws_sfn_state_machine.this.name
}

output "control_table_name" {
  description = "Name of the control table (CDC_SESSION_TABLE)."
  value       = aws_dynamodb_table.this.name
}

output "control_table_arn" {
  description = "ARN of the control table."
  value       = aws_dynamodb_table.this.arn
}

output "sns_topic_arn" {
  description = "ARN of the notification topic (session started, ready for cutover, finished, failed; alarms)."
  value       = aws_sns_topic.this.arn
}

output "event_rule_name" {
  description = "Name of the EventBridge rule that starts a session on a restore of the source table."
  value       = aws_cloudwatch_event_rule.this.name
}

output "session_ended_rule_name" {
  description = "Name of the EventBridge rule that invokes the workflow function's cleanup when a session's execution ends FAILED, TIMED_OUT or ABORTED."
  value       = aws_cloudwatch_event_rule.session_ended.name
}

output "event_pattern" {
  description = "The rendered EventBridge pattern of the rule."
  value       = local.event_pattern
}

output "configuration" {
  description = "The configuration object rendered into the state machine's first state."
  value       = local.configuration
}

output "trail_arn" {
  description = "ARN of the CloudTrail trail created with create_trail, or null."
  value       = try(aws_cloudtrail.this[0].arn, null)
}

output "function_policy_statements" {
  description = "Every statement of the workflow function's policy, WriteLogs included, as data (tests assert on them)."
  value       = module.function.policy_statements
}

output "state_machine_policy_statements" {
  description = "Statements of the state machine's policy, as data (tests assert on them)."
  value       = local.state_machine_policy_statements
}

output "events_policy_statements" {
  description = "Statements of the EventBridge role's policy, as data (tests assert on them)."
  value       = local.events_policy_statements
}

output "forward_rule_names" {
  description = "Region → name of the rule that forwards restores called there to this region's bus (restore_regions)."
  value       = { for r, rule in aws_cloudwatch_event_rule.forward_restore : r => rule.name }
}
