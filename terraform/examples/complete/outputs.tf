output "state_machine_arn" {
  description = "Restore session state machine; its executions show every session."
  value       = module.restore_cdc.state_machine_arn
}

output "queue_url" {
  description = "Changes FIFO queue."
  value       = module.restore_cdc.queue_url
}

output "control_table_name" {
  description = "Control table (sessions, locks, key log) the CLI reads."
  value       = module.restore_cdc.control_table_name
}

output "dashboard_url" {
  description = "CloudWatch dashboard."
  value       = module.restore_cdc.dashboard_url
}

output "function_names" {
  description = "capture, replay and workflow function names."
  value       = module.restore_cdc.function_names
}
