# Plan-time tests of modules/capture with a mocked AWS provider. Needs Terraform >= 1.11 (override_during).

mock_provider "aws" {
  override_during = plan
}

variables {
  name_prefix = "rcdc-orders-0a1b2c"
  function_package = {
    runtime          = "provided.al2023"
    handler          = "bootstrap"
    filename         = "function-native.zip"
    source_code_hash = "bW9jaw=="
    architecture     = "x86_64"
    environment = {
      CDC_SOURCE_TABLE  = "orders"
      CDC_SESSION_TABLE = "rcdc-orders-0a1b2c-control"
      CDC_QUEUE_URL     = "https://sqs.eu-west-1.amazonaws.com/123456789012/rcdc-orders-0a1b2c-changes.fifo"
    }
  }
  memory_mb                       = 512
  timeout_seconds                 = 60
  stream_arn                      = "arn:aws:dynamodb:eu-west-1:123456789012:table/orders/stream/2026-11-25T00:00:00.000"
  queue_arn                       = "arn:aws:sqs:eu-west-1:123456789012:rcdc-orders-0a1b2c-changes.fifo"
  control_table_arn               = "arn:aws:dynamodb:eu-west-1:123456789012:table/rcdc-orders-0a1b2c-control"
  log_group_arn                   = "arn:aws:logs:eu-west-1:123456789012:log-group:/aws/lambda/rcdc-orders-0a1b2c-capture"
  batch_size                      = 100
  maximum_batching_window_seconds = 1
  parallelization_factor          = 2
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
      aws_lambda_event_source_mapping.this.parallelization_factor == 2 &&
      aws_lambda_event_source_mapping.this.batch_size == 100 &&
      contains(aws_lambda_event_source_mapping.this.function_response_types, "ReportBatchItemFailures")
    )
    error_message = "The capture mapping must use the given batch size and parallelization factor and report partial batch failures."
  }

  assert {
    condition     = aws_lambda_event_source_mapping.this.event_source_arn == var.stream_arn
    error_message = "The capture mapping must read the source table's stream."
  }
}

run "function_runs_the_capture_handler" {
  command = plan

  module {
    source = "./modules/capture"
  }

  assert {
    condition = (
      aws_lambda_function.this.function_name == "rcdc-orders-0a1b2c-capture" &&
      aws_lambda_function.this.runtime == "provided.al2023" &&
      aws_lambda_function.this.handler == "bootstrap" &&
      aws_lambda_function.this.environment[0].variables["QUARKUS_LAMBDA_HANDLER"] == "capture" &&
      aws_lambda_function.this.environment[0].variables["CDC_SOURCE_TABLE"] == "orders"
    )
    error_message = "The capture function must run the given runtime with QUARKUS_LAMBDA_HANDLER=capture and the CDC_* environment."
  }

  assert {
    condition     = alltrue([for s in local.policy_statements : alltrue([for a in s.actions : !strcontains(a, "*")])])
    error_message = "No statement of the capture policy may use a wildcard action."
  }

  assert {
    condition     = alltrue([for s in local.policy_statements : !contains(s.resources, "*") if s.sid != "ListStreams"])
    error_message = "Only ListStreams (which has no resource-level permissions) may use a \"*\" resource."
  }
}

run "jvm_package_uses_the_stream_handler" {
  command = plan

  module {
    source = "./modules/capture"
  }

  variables {
    function_package = {
      runtime          = "java21"
      handler          = "io.quarkus.amazon.lambda.runtime.QuarkusStreamHandler::handleRequest"
      filename         = "function-jvm.zip"
      source_code_hash = "bW9jaw=="
      architecture     = "x86_64"
      environment      = { CDC_SOURCE_TABLE = "orders" }
    }
  }

  assert {
    condition     = aws_lambda_function.this.runtime == "java21" && aws_lambda_function.this.handler == "io.quarkus.amazon.lambda.runtime.QuarkusStreamHandler::handleRequest"
    error_message = "A JVM package must run java21 with QuarkusStreamHandler::handleRequest."
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

run "rejects_a_name_prefix_too_long_for_lambda" {
  command = plan

  module {
    source = "./modules/capture"
  }

  variables {
    name_prefix = join("", [for i in range(56) : "x"])
  }

  expect_failures = [var.name_prefix]
}
