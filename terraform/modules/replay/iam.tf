locals {
  # The restored tables: this region's and, for restores into another region, the same names there.
  target_table_arn_patterns = concat([var.target_table_arn_pattern], var.restore_region_target_table_arn_patterns)

  # UpdateItem: change replay (undo sessions) applies a MODIFY as SET/REMOVE of what it changed.
  target_write_actions = ["dynamodb:BatchWriteItem", "dynamodb:PutItem", "dynamodb:DeleteItem", "dynamodb:UpdateItem"]

  # What replay may do; modules/function adds writing its own logs and refuses wildcard actions.
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
      resources = local.target_table_arn_patterns
    },
    {
      # Change replay reads the batch's keys once per invocation (conflicts, updates of absent items).
      sid       = "ReadRestoredTable"
      effect    = "Allow"
      actions   = ["dynamodb:BatchGetItem"]
      resources = local.target_table_arn_patterns
    },
    {
      # A pattern may match the source table itself (e.g. a user-set "<table>?*"): never write there.
      sid       = "NeverWriteSource"
      effect    = "Deny"
      actions   = local.target_write_actions
      resources = [var.source_table_arn]
    },
    {
      sid       = "SendDeadLetters"
      effect    = "Allow"
      actions   = ["sqs:SendMessage"]
      resources = [var.dlq_arn]
    },
    {
      sid    = "SessionRecordAndKeyLog"
      effect = "Allow"
      # BatchGetItem: the key log entries read with the target's items; PutItem: conflicts, once per key.
      actions   = ["dynamodb:GetItem", "dynamodb:UpdateItem", "dynamodb:PutItem", "dynamodb:BatchWriteItem", "dynamodb:BatchGetItem"]
      resources = [var.control_table_arn]
    },
  ]
}
