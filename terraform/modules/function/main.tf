# One function of the Quarkus artefact. The same zip runs capture, replay or workflow, chosen by
# QUARKUS_LAMBDA_HANDLER (DESIGN.md "Contracts"), so the three differ only in their handler, size,
# description and policy. Used by the capture, replay and workflow modules.

locals {
  # <name_prefix>-capture, -replay or -workflow: the function and its role share the name.
  name = "${var.name_prefix}-${var.handler_name}"
}

resource "aws_lambda_function" "this" {
  function_name    = local.name
  description      = var.description
  role             = aws_iam_role.this.arn
  runtime          = var.package.runtime
  handler          = var.package.handler
  filename         = var.package.filename
  source_code_hash = var.package.source_code_hash
  architectures    = [var.package.architecture]
  memory_size      = var.memory_mb
  timeout          = var.timeout_seconds

  environment {
    variables = merge(var.package.environment, {
      QUARKUS_LAMBDA_HANDLER = var.handler_name
    })
  }

  tags = var.tags

  # The role must be able to write its logs before the first invocation. Event source mappings
  # that refer to this function therefore also come after the policy Lambda checks them against.
  depends_on = [aws_iam_role_policy.this]
}
