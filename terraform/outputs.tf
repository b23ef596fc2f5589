output "name_prefix" {
  description = "Prefix of every resource name."
  value       = local.name_prefix
}

output "queue_url" {
  description = "URL of the changes FIFO queue."
  value       = module.queue.queue_url
}

output "queue_arn" {
  description = "ARN of the changes FIFO queue."
  value       = module.queue.queue_arn
}

output "dlq_url" {
  description = "URL of the dead-letter FIFO queue (changes replay could never apply)."
  value       = module.queue.dlq_url
}

output "function_names" {
  description = "Function names by role: capture, replay, workflow."
  value = {
    capture  = module.capture.function_name
    replay   = module.replay.function_name
    workflow = module.workflow.function_name
  }
}

output "capture_mapping_uuid" {
  description = "UUID of the capture (stream) event source mapping; disabled until a session enables it."
  value       = module.capture.mapping_uuid
}

output "replay_mapping_uuid" {
  description = "UUID of the replay (SQS) event source mapping; disabled until a session enables it."
  value       = module.replay.mapping_uuid
}

output "state_machine_arn" {
  description = "ARN of the restore session state machine."
  value       = module.workflow.state_machine_arn
}

output "control_table_name" {
  description = "Name of the control table (locks, sessions, key log)."
  value       = module.workflow.control_table_name
}

output "sns_topic_arn" {
  description = "ARN of the notification topic."
  value       = module.workflow.sns_topic_arn
}

output "event_rule_name" {
  description = "Name of the EventBridge rule that starts a session when the table is restored."
  value       = module.workflow.event_rule_name
}

output "restore_forward_rule_names" {
  description = "Region → name of the EventBridge rule there that forwards this table's restores to this region (restore_regions)."
  value       = module.workflow.forward_rule_names
}

output "target_table_pattern" {
  description = "Names a restored table may have (scopes replay's IAM)."
  value       = local.target_table_pattern
}

output "trail_arn" {
  description = "ARN of the CloudTrail trail created with create_trail, or null."
  value       = module.workflow.trail_arn
}

output "dashboard_url" {
  description = "Console URL of the CloudWatch dashboard."
  value       = module.observability.dashboard_url
}

output "alarm_names" {
  description = "Names of the CloudWatch alarms (they notify the SNS topic)."
  value       = module.observability.alarm_names
}
