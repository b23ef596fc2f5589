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
  name               = "${var.name_prefix}-replay"
  description        = "dynamodb-restore-cdc replay function"
  assume_role_policy = data.aws_iam_policy_document.assume_role.json
  tags               = var.tags
}

locals {
  target_write_actions = ["dynamodb:BatchWriteItem", "dynamodb:PutItem", "dynamodb:DeleteItem"]

  # Kept as data so tests can assert on them: no statement may use a "*" action.
  policy_statements = [
    {
      sid       = "ReadChanges"
      effect    = "Allow"
      actions   = ["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes", "sqs:ChangeMessageVisibility"]
      resources = [var.queue_arn]
    },
    {
      sid       = "WriteRestoredTable"
      effect    = "Allow"
      actions   = local.target_write_actions
      resources = [var.target_table_arn_pattern]
    },
    {
      # The default pattern "<table>*" also matches the source table itself: never write there.
      sid       = "NeverWriteSource"
      effect    = "Deny"
      actions   = local.target_write_actions
      resources = [var.source_table_arn]
    },
    {
      sid       = "SessionRecordAndKeyLog"
      effect    = "Allow"
      actions   = ["dynamodb:GetItem", "dynamodb:UpdateItem", "dynamodb:PutItem", "dynamodb:BatchWriteItem"]
      resources = [var.control_table_arn]
    },
    {
      sid       = "WriteLogs"
      effect    = "Allow"
      actions   = ["logs:CreateLogStream", "logs:PutLogEvents"]
      resources = ["${var.log_group_arn}:*"]
    },
  ]
}

data "aws_iam_policy_document" "this" {
  dynamic "statement" {
    for_each = local.policy_statements

    content {
      sid       = statement.value.sid
      effect    = statement.value.effect
      actions   = statement.value.actions
      resources = statement.value.resources
    }
  }
}

resource "aws_iam_role_policy" "this" {
  name   = "replay"
  role   = aws_iam_role.this.id
  policy = data.aws_iam_policy_document.this.json
}
