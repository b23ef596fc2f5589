# Capture: reads the source table's stream and sends each record to the changes FIFO queue.

module "function" {
  source = "../function"

  name_prefix       = var.name_prefix
  handler_name      = "capture"
  description       = "dynamodb-restore-cdc capture: source stream -> changes FIFO queue"
  package           = var.function.package
  memory_mb         = var.function.memory_mb
  timeout_seconds   = var.function.timeout_seconds
  log_group_arn     = var.function.log_group_arn
  policy_statements = local.policy_statements
  tags              = var.tags
}

# Declared disabled: a restore session enables it and disables it at the end, so an idle
# deployment holds none of the stream's two reader slots. Terraform must not fight the session
# over `enabled`, hence ignore_changes.
resource "aws_lambda_event_source_mapping" "this" {
  # Lambda checks the role's stream permissions when the mapping is created; module.function
  # creates the function, and so this ARN, only after the role's policy.
  function_name                      = module.function.function_arn
  event_source_arn                   = var.stream_arn
  enabled                            = false
  starting_position                  = var.starting_position
  batch_size                         = var.batch_size
  maximum_batching_window_in_seconds = var.maximum_batching_window_seconds
  parallelization_factor             = var.parallelization_factor
  tumbling_window_in_seconds         = var.tumbling_window_in_seconds
  bisect_batch_on_function_error     = var.bisect_batch_on_function_error
  maximum_retry_attempts             = var.maximum_retry_attempts
  maximum_record_age_in_seconds      = var.maximum_record_age_seconds
  function_response_types            = var.function_response_types

  tags = var.tags

  lifecycle {
    ignore_changes = [enabled]
  }
}
