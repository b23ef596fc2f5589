# Replay: reads the changes FIFO queue and writes the changes to the restored table.

module "function" {
  source = "../function"

  name_prefix       = var.name_prefix
  handler_name      = "replay"
  description       = "dynamodb-restore-cdc replay: changes FIFO queue -> restored table"
  package           = var.function.package
  memory_mb         = var.function.memory_mb
  timeout_seconds   = var.function.timeout_seconds
  log_group_arn     = var.function.log_group_arn
  policy_statements = local.policy_statements
  tags              = var.tags
}

# Declared disabled: the session enables it once the restored table is ready and disables it
# after the queue drained. No batching window: FIFO queues have none.
resource "aws_lambda_event_source_mapping" "this" {
  # Lambda checks the role's queue permissions when the mapping is created; module.function
  # creates the function, and so this ARN, only after the role's policy.
  function_name           = module.function.function_arn
  event_source_arn        = var.queue_arn
  enabled                 = false
  batch_size              = var.batch_size
  function_response_types = var.function_response_types

  scaling_config {
    maximum_concurrency = var.maximum_concurrency
  }

  tags = var.tags

  lifecycle {
    ignore_changes = [enabled]
  }
}
