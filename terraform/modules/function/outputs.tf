output "function_name" {
  description = "Name of the function, <name_prefix>-<handler_name>."
  value       = aws_lambda_function.this.function_name
}

output "function_arn" {
  description = "ARN of the function."
  value       = aws_lambda_function.this.arn
}

output "role_name" {
  description = "Name of the function's role (the same as the function's)."
  value       = aws_iam_role.this.name
}

output "role_arn" {
  description = "ARN of the function's role."
  value       = aws_iam_role.this.arn
}

output "policy_statements" {
  description = "Every statement of the role's policy, the caller's and WriteLogs, as data (tests assert on them)."
  value       = local.policy_statements
}
