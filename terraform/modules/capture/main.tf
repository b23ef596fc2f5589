# Capture: reads the source table's stream and sends each record to the changes FIFO queue.

resource "aws_lambda_function" "this" {
  function_name    = "${var.name_prefix}-capture"
  description      = "dynamodb-restore-cdc capture: source stream -> changes FIFO queue"
  role             = aws_iam_role.this.arn
  runtime          = var.function_package.runtime
  handler          = var.function_package.handler
  filename         = var.function_package.filename
  source_code_hash = var.function_package.source_code_hash
  architectures    = [var.function_package.architecture]
  memory_size      = var.memory_mb
  timeout          = var.timeout_seconds

  environment {
    variables = merge(var.function_package.environment, {
      QUARKUS_LAMBDA_HANDLER = "capture"
    })
  }

  tags = var.tags

  # The role must be able to write its logs before the first invocation.
  depends_on = [aws_iam_role_policy.this]
}

# Declared disabled: a restore session enables it and disables it at the end, so an idle
# deployment holds none of the stream's two reader slots. Terraform must not fight the session
# over `enabled`, hence ignore_changes.
resource "aws_lambda_event_source_mapping" "this" {
  function_name                      = aws_lambda_function.this.arn
  event_source_arn                   = var.stream_arn
  enabled                            = false
  starting_position                  = var.starting_position
  batch_size                         = var.batch_size
  maximum_batching_window_in_seconds = var.maximum_batching_window_seconds
  parallelization_factor             = var.parallelization_factor
  bisect_batch_on_function_error     = var.bisect_batch_on_function_error
  maximum_retry_attempts             = var.maximum_retry_attempts
  maximum_record_age_in_seconds      = var.maximum_record_age_seconds
  function_response_types            = var.function_response_types

  tags = var.tags

  lifecycle {
    ignore_changes = [enabled]
  }

  # Lambda checks the role's stream permissions when the mapping is created.
  depends_on = [aws_iam_role_policy.this]
}
