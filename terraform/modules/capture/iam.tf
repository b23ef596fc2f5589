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
      # The session record and per-shard progress (UpdateItem); late writes after the cutover (BatchWriteItem).
      sid       = "SessionRecord"
      effect    = "Allow"
      actions   = ["dynamodb:GetItem", "dynamodb:UpdateItem", "dynamodb:BatchWriteItem"]
      resources = [var.control_table_arn]
    },
  ]
}
