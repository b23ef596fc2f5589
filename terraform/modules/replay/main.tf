# Replay: reads the changes FIFO queue and writes the changes to the restored table.

resource "aws_lambda_function" "this" {
  function_name    = "${var.name_prefix}-replay"
  description      = "dynamodb-restore-cdc replay: changes FIFO queue -> restored table"
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
      QUARKUS_LAMBDA_HANDLER = "replay"
    })
  }

  tags = var.tags

  depends_on = [aws_iam_role_policy.this]
}

# Declared disabled: the session enables it once the restored table is ready and disables it
# after the queue drained. No batching window: FIFO queues have none.
resource "aws_lambda_event_source_mapping" "this" {
  function_name           = aws_lambda_function.this.arn
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

  # Lambda checks the role's queue permissions when the mapping is created.
  depends_on = [aws_iam_role_policy.this]
}
