# Plan-time tests of modules/capture with a mocked AWS provider. Needs Terraform >= 1.11 (override_during).

mock_provider "aws" {
  override_during = plan
}

variables {
  name_prefix = "rcdc-orders-0a1b2c"
  function = {
    package = {
      runtime          = "provided.al2023"
      handler          = "bootstrap"
      filename         = "function-native.zip"
      source_code_hash = "bW9jaw=="
      architecture     = "x86_64"
      environment      = { CDC_SOURCE_TABLE = "orders" }
    }
    memory_mb       = 512
    timeout_seconds = 60
    log_group_arn   = "arn:aws:logs:eu-west-1:123456789012:log-group:/aws/lambda/rcdc-orders-0a1b2c-capture"
  }
  stream_arn                      = "arn:aws:dynamodb:eu-west-1:123456789012:table/orders/stream/2026-11-25T00:00:00.000"
  queue_arn                       = "arn:aws:sqs:eu-west-1:123456789012:rcdc-orders-0a1b2c-changes.fifo"
  dlq_arn                         = "arn:aws:sqs:eu-west-1:123456789012:rcdc-orders-0a1b2c-changes-dlq.fifo"
  control_table_arn               = "arn:aws:dynamodb:eu-west-1:123456789012:table/rcdc-orders-0a1b2c-control"
  batch_size                      = 100
  maximum_batching_window_seconds = 1
  parallelization_factor          = 1
  tumbling_window_in_seconds      = 60
}

run "stream_mapping_is_disabled_and_never_skips_a_record" {
  command = plan

  module {
    source = "./modules/capture"
  }

  assert {
    condition     = aws_lambda_event_source_mapping.this.enabled == false
    error_message = "The capture mapping must be created disabled; the restore session enables it."
  }

  assert {
    condition = (
      aws_lambda_event_source_mapping.this.starting_position == "TRIM_HORIZON" &&
      aws_lambda_event_source_mapping.this.maximum_retry_attempts == -1 &&
      aws_lambda_event_source_mapping.this.maximum_record_age_in_seconds == -1 &&
      aws_lambda_event_source_mapping.this.bisect_batch_on_function_error == true
    )
    error_message = "The capture mapping must start at TRIM_HORIZON, retry forever, never age records out and bisect failing batches."
  }

  assert {
    condition = (
      aws_lambda_event_source_mapping.this.parallelization_factor == 1 &&
      aws_lambda_event_source_mapping.this.tumbling_window_in_seconds == 60 &&
      aws_lambda_event_source_mapping.this.batch_size == 100 &&
      contains(aws_lambda_event_source_mapping.this.function_response_types, "ReportBatchItemFailures")
    )
    error_message = "The capture mapping must use the given batch size, one batch per shard, a tumbling window (events name their shard) and report partial batch failures."
  }

  assert {
    condition     = aws_lambda_event_source_mapping.this.event_source_arn == var.stream_arn
    error_message = "The capture mapping must read the source table's stream."
  }
}

run "function_is_the_capture_handler_with_a_scoped_policy" {
  command = plan

  module {
    source = "./modules/capture"
  }

  # modules/function names the function after the handler it runs (tests/function.tftest.hcl).
  assert {
    condition     = output.function_name == "rcdc-orders-0a1b2c-capture"
    error_message = "The capture function must be <name_prefix>-capture, which runs QUARKUS_LAMBDA_HANDLER=capture."
  }

  assert {
    condition     = alltrue([for s in output.policy_statements : alltrue([for a in s.actions : !strcontains(a, "*")])])
    error_message = "No statement of the capture policy may use a wildcard action."
  }

  assert {
    condition     = alltrue([for s in output.policy_statements : !contains(s.resources, "*") if s.sid != "ListStreams"])
    error_message = "Only ListStreams (which has no resource-level permissions) may use a \"*\" resource."
  }

  assert {
    condition     = anytrue([for s in output.policy_statements : s.sid == "WriteLogs" && contains(s.resources, "${var.function.log_group_arn}:*")])
    error_message = "Capture must write to its own log group."
  }
}

run "rejects_finite_retries" {
  command = plan

  module {
    source = "./modules/capture"
  }

  variables {
    maximum_retry_attempts = 3
  }

  expect_failures = [var.maximum_retry_attempts]
}

run "rejects_latest_starting_position" {
  command = plan

  module {
    source = "./modules/capture"
  }

  variables {
    starting_position = "LATEST"
  }

  expect_failures = [var.starting_position]
}

run "rejects_a_table_arn_for_the_stream" {
  command = plan

  module {
    source = "./modules/capture"
  }

  variables {
    stream_arn = "arn:aws:dynamodb:eu-west-1:123456789012:table/orders"
  }

  expect_failures = [var.stream_arn]
}

run "rejects_concurrent_batches_per_shard" {
  command = plan

  module {
    source = "./modules/capture"
  }

  variables {
    parallelization_factor = 2
  }

  expect_failures = [var.parallelization_factor]
}

run "rejects_a_mapping_without_tumbling_window" {
  command = plan

  module {
    source = "./modules/capture"
  }

  variables {
    tumbling_window_in_seconds = 0
  }

  expect_failures = [var.tumbling_window_in_seconds]
}
