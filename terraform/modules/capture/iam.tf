locals {
  # What capture may do; modules/function adds writing its own logs and refuses wildcard actions.
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
      sid       = "SendDeadLetters"
      effect    = "Allow"
      actions   = ["sqs:SendMessage"]
      resources = [var.dlq_arn]
    },
    {
      sid       = "SessionRecord"
      effect    = "Allow"
      actions   = ["dynamodb:GetItem", "dynamodb:UpdateItem"]
      resources = [var.control_table_arn]
    },
  ]
}
