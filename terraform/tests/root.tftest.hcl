# Plan-time tests of the root module with a mocked AWS provider (no account, no credentials).
# Needs Terraform >= 1.11 (override_during; CI uses 1.13) and, like any plan, the function zips in ../dist and
# the templates in ../src/main/statemachine: CI downloads the zips before `terraform test`.

mock_provider "aws" {
  override_during = plan

  mock_data "aws_partition" {
    defaults = { partition = "aws" }
  }

  mock_data "aws_region" {
    defaults = { region = "eu-west-1" }
  }

  mock_data "aws_caller_identity" {
    defaults = { account_id = "123456789012" }
  }
}

# A table fit for restores: stream with new images, PITR on.
override_data {
  target = data.aws_dynamodb_table.source
  values = {
    arn                    = "arn:aws:dynamodb:eu-west-1:123456789012:table/orders"
    stream_enabled         = true
    stream_view_type       = "NEW_AND_OLD_IMAGES"
    stream_arn             = "arn:aws:dynamodb:eu-west-1:123456789012:table/orders/stream/2026-11-25T00:00:00.000"
    point_in_time_recovery = [{ enabled = true }]
  }
}

variables {
  table_name = "orders"
}

run "defaults_use_the_native_binary_and_the_shared_values" {
  command = plan

  assert {
    condition     = local.function_package.runtime == "provided.al2023" && local.function_package.handler == "bootstrap"
    error_message = "function_runtime = native must deploy provided.al2023 with the bootstrap handler."
  }

  assert {
    condition     = endswith(local.function_package.filename, "dist/function-native.zip")
    error_message = "The native zip must default to dist/function-native.zip."
  }

  assert {
    condition = (
      local.function_package.environment["CDC_SOURCE_TABLE"] == "orders" &&
      local.function_package.environment["CDC_SESSION_TABLE"] == "${output.name_prefix}-control" &&
      contains(keys(local.function_package.environment), "CDC_QUEUE_URL")
    )
    error_message = "Every function must get CDC_SOURCE_TABLE, CDC_SESSION_TABLE and CDC_QUEUE_URL."
  }

  assert {
    condition     = output.name_prefix == "rcdc-orders-${substr(sha1("orders"), 0, 6)}"
    error_message = "The default name_prefix must be rcdc-<table>-<6 hex of sha1(table)>."
  }

  assert {
    condition = output.function_names == {
      capture  = "${output.name_prefix}-capture"
      replay   = "${output.name_prefix}-replay"
      workflow = "${output.name_prefix}-workflow"
    }
    error_message = "Function names must be <name_prefix>-capture, -replay and -workflow (DESIGN.md)."
  }

  assert {
    condition     = output.target_table_pattern == "orders-restored*"
    error_message = "target_table_pattern must default to <table_name>-restored* (<table_name>* also matches other tables named after it)."
  }

  assert {
    condition = (
      local.replay_settings.batch_size == 10 &&
      local.capture_settings.starting_position == "TRIM_HORIZON" &&
      local.session_settings.caught_up_backlog == 10 &&
      local.visibility_timeout_seconds >= 6 * local.replay_settings.timeout_seconds
    )
    error_message = "Settings must come from config/deployment-defaults.json, with the visibility timeout at least 6 x the replay timeout."
  }
}

run "state_machine_configuration_has_exactly_the_design_keys" {
  command = plan

  variables {
    copy_settings    = { autoscaling = false }
    session_settings = { caught_up_backlog = 3 }
    replay_from_mode = "restore_point"
    replay_semantics = "change"
  }

  assert {
    condition = length(setsymmetricdifference(keys(module.workflow.configuration), [
      "source_table_name", "source_table_arn", "control_table_name", "queue_url", "dlq_url",
      "capture_mapping_uuid", "replay_mapping_uuid", "workflow_function_arn", "sns_topic_arn",
      "event_bus_name", "replay_from_mode", "replay_semantics", "target_table_pattern", "copy_settings",
      "restore_poll_seconds", "restore_timeout_seconds", "caught_up_poll_seconds", "caught_up_backlog",
      "caught_up_lag_seconds", "max_session_seconds", "drain_poll_seconds",
      "cutover_quiet_reads", "cutover_quiet_seconds", "cutover_queue_settle_seconds",
      "cutover_queue_reading_interval_seconds", "cutover_poll_seconds",
    ])) == 0
    error_message = "The configuration rendered into the state machine must have exactly the DESIGN.md keys."
  }

  assert {
    condition = (
      module.workflow.configuration.copy_settings.autoscaling == false &&
      module.workflow.configuration.copy_settings.stream == true &&
      module.workflow.configuration.caught_up_backlog == 3 &&
      module.workflow.configuration.restore_poll_seconds == 60 &&
      module.workflow.configuration.replay_from_mode == "restore_point" &&
      module.workflow.configuration.replay_semantics == "change"
    )
    error_message = "Explicit settings must win over config/deployment-defaults.json, and unset ones keep the shared values."
  }

  assert {
    condition = (
      module.workflow.configuration.capture_mapping_uuid == output.capture_mapping_uuid &&
      module.workflow.configuration.replay_mapping_uuid == output.replay_mapping_uuid &&
      module.workflow.configuration.source_table_arn == "arn:aws:dynamodb:eu-west-1:123456789012:table/orders"
    )
    error_message = "The configuration must name this deployment's two mappings and the source table."
  }
}

run "rule_pattern_filters_on_the_table" {
  command = plan

  assert {
    condition = (
      strcontains(module.workflow.event_pattern, "\"orders\"") &&
      strcontains(module.workflow.event_pattern, "arn:aws:dynamodb:eu-west-1:123456789012:table/orders")
    )
    error_message = "The EventBridge pattern must filter on the source table's name and ARN."
  }

  assert {
    condition     = strcontains(module.workflow.event_pattern, "RestoreTableToPointInTime")
    error_message = "The EventBridge pattern must match RestoreTableToPointInTime calls."
  }
}

run "no_policy_statement_uses_a_wildcard_action" {
  command = plan

  assert {
    condition = alltrue([
      for action in flatten([
        [for s in module.capture.policy_statements : s.actions],
        [for s in module.replay.policy_statements : s.actions],
        [for s in module.workflow.function_policy_statements : s.actions],
        [for s in module.workflow.state_machine_policy_statements : s.actions],
        [for s in module.workflow.events_policy_statements : s.actions],
      ]) : !strcontains(action, "*")
    ])
    error_message = "No IAM statement may use a \"*\" or wildcard action."
  }

  assert {
    condition = alltrue([
      for s in module.workflow.state_machine_policy_statements :
      length(s.resources) == 2 && contains(s.resources, module.capture.mapping_arn) && contains(s.resources, module.replay.mapping_arn)
      if contains(s.actions, "lambda:UpdateEventSourceMapping")
    ])
    error_message = "The state machine may update exactly this deployment's two mappings."
  }

  assert {
    condition = anytrue([
      for s in module.replay.policy_statements :
      s.effect == "Deny" && contains(s.resources, "arn:aws:dynamodb:eu-west-1:123456789012:table/orders") && contains(s.actions, "dynamodb:PutItem")
    ])
    error_message = "Replay must be denied writing to the source table, which the default pattern orders* also matches."
  }
}

run "jvm_runtime_uses_quarkus_stream_handler" {
  command = plan

  variables {
    function_runtime = "jvm"
  }

  assert {
    condition = (
      local.function_package.runtime == "java21" &&
      local.function_package.handler == "io.quarkus.amazon.lambda.runtime.QuarkusStreamHandler::handleRequest" &&
      endswith(local.function_package.filename, "dist/function-jvm.zip")
    )
    error_message = "function_runtime = jvm must deploy java21 with QuarkusStreamHandler::handleRequest from dist/function-jvm.zip."
  }
}

run "long_table_names_fit_every_aws_name_limit" {
  command = plan

  variables {
    # 255 characters with dots, which Lambda, SQS and dashboard names do not allow.
    table_name = join("", [for i in range(51) : "t.ble"])
  }

  assert {
    condition = (
      length(output.name_prefix) <= 55 &&
      length("${output.name_prefix}-workflow") <= 64 &&
      length("${output.name_prefix}-changes-dlq.fifo") <= 80 &&
      !strcontains(output.name_prefix, ".")
    )
    error_message = "name_prefix must keep <prefix>-workflow within 64 and <prefix>-changes-dlq.fifo within 80 characters, without dots."
  }
}

run "trail_is_created_only_on_request" {
  command = plan

  variables {
    create_trail = true
  }

  assert {
    condition     = output.trail_arn != null
    error_message = "create_trail = true must create a CloudTrail trail."
  }
}

# ---- inputs that must be refused --------------------------------------------------------------

run "rejects_an_invalid_table_name" {
  command = plan

  variables {
    table_name = "orders!"
    # Keep the derived names valid so only the table name is at fault.
    name_prefix          = "rcdc-test"
    target_table_pattern = "orders-restored*"
  }

  expect_failures = [var.table_name]
}

run "rejects_a_target_pattern_that_matches_other_tables_named_after_the_source" {
  command = plan

  variables {
    target_table_pattern = "orders-*"
  }

  expect_failures = [terraform_data.target_table_pattern_guard]
}

run "rejects_an_unknown_function_runtime" {
  command = plan

  variables {
    function_runtime = "graal"
  }

  expect_failures = [var.function_runtime]
}

run "rejects_a_malformed_notification_email" {
  command = plan

  variables {
    notification_emails = ["ops.example.com"]
  }

  expect_failures = [var.notification_emails]
}

run "rejects_a_missing_function_zip" {
  command = plan

  variables {
    function_zip = "does-not-exist/function.zip"
  }

  expect_failures = [data.aws_dynamodb_table.source]
}

run "rejects_a_table_without_a_stream" {
  command = plan

  override_data {
    target = data.aws_dynamodb_table.source
    values = {
      arn              = "arn:aws:dynamodb:eu-west-1:123456789012:table/orders"
      stream_enabled   = false
      stream_view_type = ""
      # LatestStreamArn stays set after a stream is disabled.
      stream_arn             = "arn:aws:dynamodb:eu-west-1:123456789012:table/orders/stream/2026-11-25T00:00:00.000"
      point_in_time_recovery = [{ enabled = true }]
    }
  }

  expect_failures = [data.aws_dynamodb_table.source]
}

run "rejects_a_stream_without_new_images" {
  command = plan

  override_data {
    target = data.aws_dynamodb_table.source
    values = {
      arn                    = "arn:aws:dynamodb:eu-west-1:123456789012:table/orders"
      stream_enabled         = true
      stream_view_type       = "KEYS_ONLY"
      stream_arn             = "arn:aws:dynamodb:eu-west-1:123456789012:table/orders/stream/2026-11-25T00:00:00.000"
      point_in_time_recovery = [{ enabled = true }]
    }
  }

  expect_failures = [data.aws_dynamodb_table.source]
}

run "warns_that_undo_restores_need_old_images" {
  command = plan

  override_data {
    target = data.aws_dynamodb_table.source
    values = {
      arn                    = "arn:aws:dynamodb:eu-west-1:123456789012:table/orders"
      stream_enabled         = true
      stream_view_type       = "NEW_IMAGE"
      stream_arn             = "arn:aws:dynamodb:eu-west-1:123456789012:table/orders/stream/2026-11-25T00:00:00.000"
      point_in_time_recovery = [{ enabled = true }]
    }
  }

  # A warning (check block), not a refusal: copies still work on a NEW_IMAGE stream.
  expect_failures = [check.undo_restores_need_old_images]
}

run "rejects_a_table_without_point_in_time_recovery" {
  command = plan

  override_data {
    target = data.aws_dynamodb_table.source
    values = {
      arn                    = "arn:aws:dynamodb:eu-west-1:123456789012:table/orders"
      stream_enabled         = true
      stream_view_type       = "NEW_AND_OLD_IMAGES"
      stream_arn             = "arn:aws:dynamodb:eu-west-1:123456789012:table/orders/stream/2026-11-25T00:00:00.000"
      point_in_time_recovery = [{ enabled = false }]
    }
  }

  expect_failures = [data.aws_dynamodb_table.source]
}
