output "function_name" {
  description = "Name of the capture function."
  value       = module.function.function_name
}

output "function_arn" {
  description = "ARN of the capture function."
  value       = module.function.function_arn
}

output "role_arn" {
  description = "ARN of the capture function's role."
  value       = module.function.role_arn
}

output "mapping_uuid" {
  description = "UUID of the stream event source mapping (the session enables and disables it)."
  value       = aws_lambda_event_source_mapping.this.uuid
}

output "mapping_arn" {
  description = "ARN of the stream event source mapping (scopes the state machine's permission)."
  value       = aws_lambda_event_source_mapping.this.arn
}

output "policy_statements" {
  description = "Every statement of the capture function's policy, WriteLogs included, as data (tests assert on them)."
  value       = module.function.policy_statements
}
