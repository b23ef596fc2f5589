data "aws_iam_policy_document" "assume_role" {
  statement {
    effect  = "Allow"
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["lambda.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "this" {
  name               = local.name
  description        = "dynamodb-restore-cdc ${var.handler_name} function"
  assume_role_policy = data.aws_iam_policy_document.assume_role.json
  tags               = var.tags
}

locals {
  # The caller's statements plus what every function needs: writing to its own log group. The
  # observability module creates the group, so the role needs no logs:CreateLogGroup.
  # Kept as data so tests can assert on them.
  policy_statements = concat(var.policy_statements, [
    {
      sid        = "WriteLogs"
      effect     = "Allow"
      actions    = ["logs:CreateLogStream", "logs:PutLogEvents"]
      resources  = ["${var.log_group_arn}:*"]
      conditions = []
    },
  ])
}

data "aws_iam_policy_document" "this" {
  dynamic "statement" {
    for_each = local.policy_statements

    content {
      sid       = statement.value.sid
      effect    = statement.value.effect
      actions   = statement.value.actions
      resources = statement.value.resources

      dynamic "condition" {
        for_each = statement.value.conditions

        content {
          test     = condition.value.test
          variable = condition.value.variable
          values   = condition.value.values
        }
      }
    }
  }
}

resource "aws_iam_role_policy" "this" {
  name   = var.handler_name
  role   = aws_iam_role.this.id
  policy = data.aws_iam_policy_document.this.json
}
