# Plan-time tests of modules/replay with a mocked AWS provider. Needs Terraform >= 1.11 (override_during).

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
    log_group_arn   = "arn:aws:logs:eu-west-1:123456789012:log-group:/aws/lambda/rcdc-orders-0a1b2c-replay"
  }
  queue_arn                = "arn:aws:sqs:eu-west-1:123456789012:rcdc-orders-0a1b2c-changes.fifo"
  dlq_arn                  = "arn:aws:sqs:eu-west-1:123456789012:rcdc-orders-0a1b2c-changes-dlq.fifo"
  source_table_arn         = "arn:aws:dynamodb:eu-west-1:123456789012:table/orders"
  target_table_arn_pattern = "arn:aws:dynamodb:eu-west-1:123456789012:table/orders*"
  control_table_arn        = "arn:aws:dynamodb:eu-west-1:123456789012:table/rcdc-orders-0a1b2c-control"
  batch_size               = 10
  maximum_concurrency      = 10
}

run "sqs_mapping_is_disabled_and_bounded" {
  command = plan

  module {
    source = "./modules/replay"
  }

  assert {
    condition     = aws_lambda_event_source_mapping.this.enabled == false
    error_message = "The replay mapping must be created disabled; the restore session enables it."
  }

  assert {
    condition = (
      aws_lambda_event_source_mapping.this.batch_size == 10 &&
      aws_lambda_event_source_mapping.this.scaling_config[0].maximum_concurrency == 10 &&
      contains(aws_lambda_event_source_mapping.this.function_response_types, "ReportBatchItemFailures") &&
      aws_lambda_event_source_mapping.this.event_source_arn == var.queue_arn
    )
    error_message = "The replay mapping must read the changes queue in batches of at most 10 with bounded concurrency and partial batch responses."
  }

  # modules/function names the function after the handler it runs (tests/function.tftest.hcl).
  assert {
    condition     = output.function_name == "rcdc-orders-0a1b2c-replay"
    error_message = "The replay function must be <name_prefix>-replay, which runs QUARKUS_LAMBDA_HANDLER=replay."
  }

  assert {
    condition     = alltrue([for s in output.policy_statements : alltrue([for a in s.actions : !strcontains(a, "*")])])
    error_message = "No statement of the replay policy may use a wildcard action."
  }

  assert {
    condition     = alltrue([for s in output.policy_statements : !contains(s.resources, "*")])
    error_message = "Every replay statement must name concrete ARNs or the target pattern."
  }
}

run "rejects_batches_larger_than_fifo_allows" {
  command = plan

  module {
    source = "./modules/replay"
  }

  variables {
    batch_size = 11
  }

  expect_failures = [var.batch_size]
}

run "rejects_concurrency_below_lambdas_minimum" {
  command = plan

  module {
    source = "./modules/replay"
  }

  variables {
    maximum_concurrency = 1
  }

  expect_failures = [var.maximum_concurrency]
}

run "rejects_a_pattern_matching_every_table" {
  command = plan

  module {
    source = "./modules/replay"
  }

  variables {
    target_table_arn_pattern = "arn:aws:dynamodb:eu-west-1:123456789012:table/*"
  }

  expect_failures = [var.target_table_arn_pattern]
}
