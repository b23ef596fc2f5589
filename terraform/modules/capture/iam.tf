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
  name               = "${var.name_prefix}-capture"
  description        = "dynamodb-restore-cdc capture function"
  assume_role_policy = data.aws_iam_policy_document.assume_role.json
  tags               = var.tags
}

locals {
  # Kept as data so tests can assert on them: no statement may use a "*" action.
  policy_statements = [
    {
      sid       = "ReadSourceStream"
      effect    = "Allow"
      actions   = ["dynamodb:DescribeStream", "dynamodb:GetRecords", "dynamodb:GetShardIterator"]
      resources = [var.stream_arn]
    },
    {
      # ListStreams has no resource-level permissions (AWS only accepts "*" for it); the event
      # source mapping calls it to find the stream's shards.
      sid       = "ListStreams"
      effect    = "Allow"
      actions   = ["dynamodb:ListStreams"]
      resources = ["*"]
    },
    {
      sid       = "SendChanges"
      effect    = "Allow"
      actions   = ["sqs:SendMessage"]
      resources = [var.queue_arn]
    },
    {
      sid       = "SessionRecord"
      effect    = "Allow"
      actions   = ["dynamodb:GetItem", "dynamodb:UpdateItem"]
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
  name   = "capture"
  role   = aws_iam_role.this.id
  policy = data.aws_iam_policy_document.this.json
}
