# Plan-time tests of modules/function (the one Lambda function module capture, replay and workflow
# use) with a mocked AWS provider. Needs Terraform >= 1.11 (override_during).

mock_provider "aws" {
  override_during = plan
}

variables {
  name_prefix  = "rcdc-orders-0a1b2c"
  handler_name = "replay"
  description  = "dynamodb-restore-cdc replay: changes FIFO queue -> restored table"
  package = {
    runtime          = "provided.al2023"
    handler          = "bootstrap"
    filename         = "function-native.zip"
    source_code_hash = "bW9jaw=="
    architecture     = "x86_64"
    environment = {
      DISABLE_SIGNAL_HANDLERS = "true"
      CDC_SOURCE_TABLE        = "orders"
    }
  }
  memory_mb       = 512
  timeout_seconds = 60
  log_group_arn   = "arn:aws:logs:eu-west-1:123456789012:log-group:/aws/lambda/rcdc-orders-0a1b2c-replay"
  policy_statements = [
    {
      sid       = "ReadChanges"
      effect    = "Allow"
      actions   = ["sqs:ReceiveMessage", "sqs:DeleteMessage"]
      resources = ["arn:aws:sqs:eu-west-1:123456789012:rcdc-orders-0a1b2c-changes.fifo"]
    },
  ]
}

run "function_runs_its_named_handler_from_the_package" {
  command = plan

  module {
    source = "./modules/function"
  }

  assert {
    condition = (
      aws_lambda_function.this.function_name == "rcdc-orders-0a1b2c-replay" &&
      aws_lambda_function.this.runtime == "provided.al2023" &&
      aws_lambda_function.this.handler == "bootstrap" &&
      one(aws_lambda_function.this.architectures) == "x86_64" &&
      aws_lambda_function.this.memory_size == 512 &&
      aws_lambda_function.this.timeout == 60
    )
    error_message = "The function must be <name_prefix>-<handler_name> and run the given package with the given memory and timeout."
  }

  assert {
    condition = (
      aws_lambda_function.this.environment[0].variables["QUARKUS_LAMBDA_HANDLER"] == "replay" &&
      aws_lambda_function.this.environment[0].variables["CDC_SOURCE_TABLE"] == "orders" &&
      aws_lambda_function.this.environment[0].variables["DISABLE_SIGNAL_HANDLERS"] == "true"
    )
    error_message = "The function must get QUARKUS_LAMBDA_HANDLER=<handler_name> plus the package's environment."
  }

  assert {
    condition     = aws_iam_role.this.name == "rcdc-orders-0a1b2c-replay" && aws_iam_role_policy.this.name == "replay"
    error_message = "The role must be named like the function and its inline policy like the handler."
  }
}

run "policy_adds_writing_its_own_log_group_only" {
  command = plan

  module {
    source = "./modules/function"
  }

  assert {
    condition     = join(",", [for s in output.policy_statements : s.sid]) == "ReadChanges,WriteLogs"
    error_message = "The policy must hold the caller's statements followed by WriteLogs."
  }

  assert {
    condition = anytrue([
      for s in output.policy_statements :
      join(",", s.actions) == "logs:CreateLogStream,logs:PutLogEvents" && join(",", s.resources) == "${var.log_group_arn}:*"
      if s.sid == "WriteLogs"
    ])
    error_message = "WriteLogs must allow CreateLogStream and PutLogEvents on the function's own log group only."
  }

  assert {
    condition     = alltrue([for s in output.policy_statements : alltrue([for a in s.actions : !strcontains(a, "*")])])
    error_message = "No statement of the function's policy may use a wildcard action."
  }
}

run "jvm_package_uses_the_stream_handler" {
  command = plan

  module {
    source = "./modules/function"
  }

  variables {
    package = {
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

run "rejects_a_name_prefix_too_long_for_lambda" {
  command = plan

  module {
    source = "./modules/function"
  }

  variables {
    name_prefix = join("", [for i in range(56) : "x"])
  }

  expect_failures = [var.name_prefix]
}

run "rejects_an_unknown_handler" {
  command = plan

  module {
    source = "./modules/function"
  }

  variables {
    handler_name = "cli"
  }

  expect_failures = [var.handler_name]
}

run "rejects_a_wildcard_action" {
  command = plan

  module {
    source = "./modules/function"
  }

  variables {
    policy_statements = [
      {
        sid       = "TooBroad"
        effect    = "Allow"
        actions   = ["dynamodb:*"]
        resources = ["arn:aws:dynamodb:eu-west-1:123456789012:table/orders*"]
      },
    ]
  }

  expect_failures = [var.policy_statements]
}
