# Plan-time tests of modules/queue with a mocked AWS provider. Needs Terraform >= 1.11 (override_during).

mock_provider "aws" {
  override_during = plan
}

variables {
  name_prefix                = "rcdc-orders-0a1b2c"
  visibility_timeout_seconds = 360
  replay_timeout_seconds     = 60
  max_receive_count          = 150
}

run "changes_queue_is_high_throughput_fifo_with_a_fifo_dlq" {
  command = plan

  module {
    source = "./modules/queue"
  }

  assert {
    condition     = aws_sqs_queue.this.fifo_queue && aws_sqs_queue.dlq.fifo_queue
    error_message = "Both the changes queue and its DLQ must be FIFO (a FIFO queue refuses a standard DLQ)."
  }

  assert {
    condition     = aws_sqs_queue.this.name == "rcdc-orders-0a1b2c-changes.fifo" && aws_sqs_queue.dlq.name == "rcdc-orders-0a1b2c-changes-dlq.fifo"
    error_message = "Queue names must be <name_prefix>-changes.fifo and <name_prefix>-changes-dlq.fifo."
  }

  assert {
    condition = (
      aws_sqs_queue.this.content_based_deduplication == false &&
      aws_sqs_queue.this.deduplication_scope == "messageGroup" &&
      aws_sqs_queue.this.fifo_throughput_limit == "perMessageGroupId"
    )
    error_message = "The changes queue must deduplicate on eventID only (no content-based deduplication) and use high-throughput FIFO."
  }

  assert {
    condition = (
      aws_sqs_queue.this.sqs_managed_sse_enabled && aws_sqs_queue.dlq.sqs_managed_sse_enabled &&
      aws_sqs_queue.this.message_retention_seconds == 1209600 && aws_sqs_queue.dlq.message_retention_seconds == 1209600
    )
    error_message = "Both queues must be encrypted (SSE-SQS) and keep messages 14 days."
  }

  assert {
    condition = (
      jsondecode(aws_sqs_queue.this.redrive_policy).maxReceiveCount == 150 &&
      jsondecode(aws_sqs_queue.this.redrive_policy).deadLetterTargetArn == aws_sqs_queue.dlq.arn
    )
    error_message = "The changes queue must redrive to its DLQ after max_receive_count receives."
  }

  assert {
    condition     = aws_sqs_queue.this.max_message_size == 1048576 && aws_sqs_queue.dlq.max_message_size == 1048576
    error_message = "Both queues must take 1 MiB messages (the provider's default is 256 KiB, too small for a 400 KB item)."
  }

  assert {
    condition     = aws_sqs_queue.this.visibility_timeout_seconds == 360
    error_message = "The visibility timeout must be the one given."
  }
}

run "rejects_a_visibility_timeout_below_six_replay_timeouts" {
  command = plan

  module {
    source = "./modules/queue"
  }

  variables {
    visibility_timeout_seconds = 300
    replay_timeout_seconds     = 60
  }

  expect_failures = [aws_sqs_queue.this]
}

run "rejects_content_based_deduplication" {
  command = plan

  module {
    source = "./modules/queue"
  }

  variables {
    content_based_deduplication = true
  }

  expect_failures = [var.content_based_deduplication]
}

run "rejects_a_redrive_that_moves_valid_changes_within_12_hours_of_throttling" {
  command = plan

  module {
    source = "./modules/queue"
  }

  variables {
    max_receive_count = 5
  }

  expect_failures = [aws_sqs_queue.this]
}
