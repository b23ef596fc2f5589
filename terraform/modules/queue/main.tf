# The changes queue: one FIFO message per captured stream record, grouped by the item's key so
# every change of one item replays in order and different items replay in parallel.

resource "aws_sqs_queue" "dlq" {
  name                      = "${var.name_prefix}-changes-dlq.fifo"
  fifo_queue                = true
  message_retention_seconds = var.dlq_message_retention_seconds
  max_message_size          = var.max_message_size
  sqs_managed_sse_enabled   = true

  # Same FIFO settings as the source queue; the DLQ only ever receives redriven messages.
  content_based_deduplication = var.content_based_deduplication
  deduplication_scope         = var.deduplication_scope
  fifo_throughput_limit       = var.fifo_throughput_limit

  tags = var.tags
}

resource "aws_sqs_queue" "this" {
  name                        = "${var.name_prefix}-changes.fifo"
  fifo_queue                  = true
  content_based_deduplication = var.content_based_deduplication
  deduplication_scope         = var.deduplication_scope
  fifo_throughput_limit       = var.fifo_throughput_limit
  message_retention_seconds   = var.message_retention_seconds
  visibility_timeout_seconds  = var.visibility_timeout_seconds
  max_message_size            = var.max_message_size
  sqs_managed_sse_enabled     = true

  redrive_policy = jsonencode({
    deadLetterTargetArn = aws_sqs_queue.dlq.arn
    maxReceiveCount     = var.max_receive_count
  })

  tags = var.tags

  lifecycle {
    precondition {
      condition     = var.visibility_timeout_seconds >= 6 * var.replay_timeout_seconds
      error_message = "The changes queue's visibility timeout (${var.visibility_timeout_seconds} s) must be at least 6 times the replay function's timeout (${var.replay_timeout_seconds} s), so a batch still being replayed is not delivered twice."
    }
    precondition {
      condition     = var.max_receive_count * var.visibility_timeout_seconds >= 43200
      error_message = "max_receive_count (${var.max_receive_count}) x visibility_timeout_seconds (${var.visibility_timeout_seconds}) is under 12 hours: continuous throttling of the restored table for that long would move valid changes to the DLQ."
    }
    precondition {
      condition     = var.fifo_throughput_limit != "perMessageGroupId" || var.deduplication_scope == "messageGroup"
      error_message = "fifo_throughput_limit = perMessageGroupId (high-throughput FIFO) needs deduplication_scope = messageGroup."
    }
  }
}

# Only the changes queue may use the DLQ.
resource "aws_sqs_queue_redrive_allow_policy" "dlq" {
  queue_url = aws_sqs_queue.dlq.id

  redrive_allow_policy = jsonencode({
    redrivePermission = "byQueue"
    sourceQueueArns   = [aws_sqs_queue.this.arn]
  })
}
