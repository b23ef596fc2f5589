# Plan-time tests of modules/workflow with a mocked AWS provider. Needs Terraform >= 1.11 (override_during) and the
# real templates in ../src/main/statemachine (paths are relative to terraform/, where the tests run).

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
    timeout_seconds = 120
    log_group_arn   = "arn:aws:logs:eu-west-1:123456789012:log-group:/aws/lambda/rcdc-orders-0a1b2c-workflow"
  }
  source_table_name      = "orders"
  source_table_arn       = "arn:aws:dynamodb:eu-west-1:123456789012:table/orders"
  target_table_pattern   = "orders*"
  control_table_name     = "rcdc-orders-0a1b2c-control"
  queue_url              = "https://sqs.eu-west-1.amazonaws.com/123456789012/rcdc-orders-0a1b2c-changes.fifo"
  queue_arn              = "arn:aws:sqs:eu-west-1:123456789012:rcdc-orders-0a1b2c-changes.fifo"
  dlq_url                = "https://sqs.eu-west-1.amazonaws.com/123456789012/rcdc-orders-0a1b2c-changes-dlq.fifo"
  dlq_arn                = "arn:aws:sqs:eu-west-1:123456789012:rcdc-orders-0a1b2c-changes-dlq.fifo"
  capture_mapping_uuid   = "0d1a2b3c-4d5e-6f70-8192-a3b4c5d6e7f8"
  capture_mapping_arn    = "arn:aws:lambda:eu-west-1:123456789012:event-source-mapping:0d1a2b3c-4d5e-6f70-8192-a3b4c5d6e7f8"
  replay_mapping_uuid    = "9f8e7d6c-5b4a-3928-1706-f5e4d3c2b1a0"
  replay_mapping_arn     = "arn:aws:lambda:eu-west-1:123456789012:event-source-mapping:9f8e7d6c-5b4a-3928-1706-f5e4d3c2b1a0"
  state_machine_template = "../src/main/statemachine/restore-session.asl.json"
  event_pattern_template = "../src/main/statemachine/restore-requested.pattern.json"

  forwarded_event_pattern_template = "../src/main/statemachine/restore-requested-elsewhere.pattern.json"

  session_ended_pattern_template = "../src/main/statemachine/session-ended.pattern.json"
  session_ended_input_template   = "../src/main/statemachine/session-ended.input-template.json"
  replay_from_mode               = "auto"
  replay_semantics               = "auto"
  copy_settings = {
    stream              = true
    ttl                 = true
    pitr                = true
    tags                = true
    deletion_protection = true
    autoscaling         = true
    resource_policy     = false
  }
  session_settings = {
    restore_poll_seconds                   = 60
    restore_timeout_seconds                = 86400
    caught_up_poll_seconds                 = 60
    caught_up_backlog                      = 10
    caught_up_lag_seconds                  = 60
    max_session_seconds                    = 259200
    drain_poll_seconds                     = 30
    cutover_quiet_reads                    = 10
    cutover_quiet_seconds                  = 30
    cutover_queue_settle_seconds           = 60
    cutover_queue_reading_interval_seconds = 20
    cutover_poll_seconds                   = 5
  }
  notification_emails = ["ops@example.com"]
}

run "state_machine_starts_with_the_rendered_configuration" {
  command = plan

  module {
    source = "./modules/workflow"
  }

  assert {
    condition = (
      jsondecode(aws_sfn_state_machine.this.definition).StartAt == "Configuration" &&
      jsondecode(aws_sfn_state_machine.this.definition).States.Configuration.Type == "Pass" &&
      jsondecode(aws_sfn_state_machine.this.definition).States.Configuration.ResultPath == "$.config"
    )
    error_message = "The state machine must start with the Pass state Configuration whose result goes to $.config (DESIGN.md)."
  }

  assert {
    condition = (
      jsondecode(aws_sfn_state_machine.this.definition).States.Configuration.Result.capture_mapping_uuid == var.capture_mapping_uuid &&
      jsondecode(aws_sfn_state_machine.this.definition).States.Configuration.Result.replay_mapping_uuid == var.replay_mapping_uuid &&
      jsondecode(aws_sfn_state_machine.this.definition).States.Configuration.Result.copy_settings.resource_policy == false &&
      jsondecode(aws_sfn_state_machine.this.definition).States.Configuration.Result.max_session_seconds == 259200
    )
    error_message = "The Configuration state's Result must be the rendered configuration object."
  }

  assert {
    condition     = aws_sfn_state_machine.this.name == "rcdc-orders-0a1b2c-session" && aws_sfn_state_machine.this.type == "STANDARD"
    error_message = "The restore session must be a Standard state machine named <name_prefix>-session."
  }
}

run "rule_starts_the_session_for_this_table_only" {
  command = plan

  module {
    source = "./modules/workflow"
  }

  assert {
    condition = (
      strcontains(aws_cloudwatch_event_rule.this.event_pattern, "\"orders\"") &&
      strcontains(aws_cloudwatch_event_rule.this.event_pattern, var.source_table_arn)
    )
    error_message = "The rule's pattern must filter on the source table."
  }

  assert {
    condition     = aws_cloudwatch_event_target.this.rule == aws_cloudwatch_event_rule.this.name
    error_message = "The rule must target the state machine."
  }
}

run "restores_in_restore_regions_are_forwarded_home" {
  command = plan

  module {
    source = "./modules/workflow"
  }

  variables {
    restore_regions = ["us-east-1", "eu-west-1"]
  }

  assert {
    condition     = keys(aws_cloudwatch_event_rule.forward_restore) == ["us-east-1"]
    error_message = "One forwarding rule per other restore region; the home region (eu-west-1) needs none."
  }

  assert {
    condition = (
      aws_cloudwatch_event_rule.forward_restore["us-east-1"].region == "us-east-1" &&
      aws_cloudwatch_event_rule.forward_restore["us-east-1"].event_bus_name == "default" &&
      aws_cloudwatch_event_target.forward_restore["us-east-1"].region == "us-east-1" &&
      aws_cloudwatch_event_target.forward_restore["us-east-1"].arn == "arn:aws:events:eu-west-1:123456789012:event-bus/default"
    )
    error_message = "The forwarding rule lives on us-east-1's default bus and targets the home region's default bus."
  }

  assert {
    condition = (
      jsondecode(aws_cloudwatch_event_rule.forward_restore["us-east-1"].event_pattern).detail.eventName == ["RestoreTableToPointInTime"] &&
      strcontains(aws_cloudwatch_event_rule.forward_restore["us-east-1"].event_pattern, var.source_table_arn) &&
      !strcontains(aws_cloudwatch_event_rule.forward_restore["us-east-1"].event_pattern, "\"orders\"")
    )
    error_message = "In another region the source is matched by ARN only: a bare name there is that region's table."
  }

  assert {
    condition = (
      length(aws_iam_role.forward_restore) == 1 &&
      local.forward_policy_statements[0].actions == ["events:PutEvents"] &&
      local.forward_policy_statements[0].resources == ["arn:aws:events:eu-west-1:123456789012:event-bus/default"]
    )
    error_message = "The forwarding role may put events on the home bus only."
  }

  assert {
    condition = anytrue([
      for s in output.function_policy_statements :
      s.sid == "CopySettingsToRestoredTable" && s.resources == [
        "arn:aws:dynamodb:eu-west-1:123456789012:table/orders*",
        "arn:aws:dynamodb:us-east-1:123456789012:table/orders*",
      ]
    ])
    error_message = "The settings copy (and the target's describe) covers the target pattern in the home region and each restore region."
  }
}

run "executions_that_end_outside_their_cleanup_invoke_the_workflow_cleanup" {
  command = plan

  module {
    source = "./modules/workflow"
  }

  assert {
    condition = (
      jsondecode(aws_cloudwatch_event_rule.session_ended.event_pattern).source == ["aws.states"] &&
      jsondecode(aws_cloudwatch_event_rule.session_ended.event_pattern)["detail-type"] == ["Step Functions Execution Status Change"] &&
      jsondecode(aws_cloudwatch_event_rule.session_ended.event_pattern).detail.status == ["FAILED", "TIMED_OUT", "ABORTED"] &&
      jsondecode(aws_cloudwatch_event_rule.session_ended.event_pattern).detail.stateMachineArn == ["arn:aws:states:eu-west-1:123456789012:stateMachine:rcdc-orders-0a1b2c-session"]
    )
    error_message = "The cleanup rule must match this state machine's executions that ended FAILED, TIMED_OUT or ABORTED."
  }

  assert {
    condition = (
      aws_cloudwatch_event_target.session_ended.input_transformer[0].input_paths.detail == "$.detail" &&
      startswith(aws_cloudwatch_event_target.session_ended.input_transformer[0].input_template, "{\"action\":\"cleanup\",\"config\":{") &&
      endswith(aws_cloudwatch_event_target.session_ended.input_transformer[0].input_template, "\"execution\":<detail>}") &&
      length(aws_cloudwatch_event_target.session_ended.input_transformer[0].input_template) <= 8192
    )
    error_message = "The cleanup target must pass the configuration and the event's detail (InputTemplate at most 8192 characters)."
  }

  assert {
    condition = (
      aws_lambda_permission.session_ended.principal == "events.amazonaws.com" &&
      aws_lambda_permission.session_ended.action == "lambda:InvokeFunction"
    )
    error_message = "Only EventBridge, for the cleanup rule, may invoke the workflow function."
  }
}

run "control_table_is_on_demand_with_pitr_and_ttl" {
  command = plan

  module {
    source = "./modules/workflow"
  }

  assert {
    condition = (
      aws_dynamodb_table.this.name == "rcdc-orders-0a1b2c-control" &&
      aws_dynamodb_table.this.billing_mode == "PAY_PER_REQUEST" &&
      aws_dynamodb_table.this.hash_key == "pk" &&
      aws_dynamodb_table.this.range_key == "sk" &&
      aws_dynamodb_table.this.point_in_time_recovery[0].enabled &&
      aws_dynamodb_table.this.ttl[0].attribute_name == "expires_at" &&
      aws_dynamodb_table.this.ttl[0].enabled
    )
    error_message = "The control table must be on-demand, keyed pk/sk, with PITR and TTL on expires_at."
  }

  assert {
    condition     = aws_dynamodb_table.this.deletion_protection_enabled == false
    error_message = "terraform destroy must be able to remove the control table."
  }

  assert {
    condition     = length(aws_sns_topic_subscription.email) == 1 && aws_sns_topic_subscription.email["ops@example.com"].protocol == "email"
    error_message = "Every notification e-mail address must get an e-mail subscription."
  }

  assert {
    condition     = length(aws_cloudtrail.this) == 0 && length(aws_s3_bucket.trail) == 0
    error_message = "No trail may be created unless create_trail is set."
  }
}

run "iam_names_actions_and_scopes_wildcard_resources" {
  command = plan

  module {
    source = "./modules/workflow"
  }

  assert {
    condition = alltrue([
      for a in flatten([
        [for s in output.function_policy_statements : s.actions],
        [for s in local.state_machine_policy_statements : s.actions],
        [for s in local.events_policy_statements : s.actions],
      ]) : !strcontains(a, "*")
    ])
    error_message = "No workflow, state machine or EventBridge statement may use a wildcard action."
  }

  assert {
    condition = alltrue([
      for s in output.function_policy_statements :
      s.sid == "ReadAutoscaling" || length(s.conditions) > 0 if contains(s.resources, "*")
    ])
    error_message = "A \"*\" resource is only allowed for read-only Describe actions or with a scoping condition."
  }

  assert {
    condition = alltrue([
      for s in local.state_machine_policy_statements :
      s.resources == [var.capture_mapping_arn, var.replay_mapping_arn]
      if contains(s.actions, "lambda:UpdateEventSourceMapping")
    ])
    error_message = "The state machine may update exactly the two mappings."
  }

  assert {
    condition = anytrue([
      for s in output.function_policy_statements :
      s.effect == "Deny" && contains(s.resources, var.source_table_arn) && contains(s.actions, "dynamodb:UpdateTable")
    ])
    error_message = "The settings copy must be denied changing the source table."
  }
}

run "trail_has_a_destroyable_bucket_cloudtrail_may_write" {
  command = plan

  module {
    source = "./modules/workflow"
  }

  variables {
    create_trail = true
  }

  assert {
    condition = (
      length(aws_cloudtrail.this) == 1 &&
      aws_s3_bucket.trail[0].force_destroy == true &&
      length(aws_s3_bucket.trail[0].bucket) <= 63 &&
      aws_cloudtrail.this[0].is_multi_region_trail == false &&
      aws_cloudtrail.this[0].enable_logging == true
    )
    error_message = "create_trail must create a logging single-region trail whose bucket name is valid and which terraform destroy can empty."
  }
}

run "rejects_a_target_pattern_matching_every_table" {
  command = plan

  module {
    source = "./modules/workflow"
  }

  variables {
    target_table_pattern = "*"
  }

  expect_failures = [var.target_table_pattern]
}

run "rejects_an_unknown_replay_from_mode" {
  command = plan

  module {
    source = "./modules/workflow"
  }

  variables {
    replay_from_mode = "now"
  }

  expect_failures = [var.replay_from_mode]
}

run "rejects_an_unknown_replay_semantics" {
  command = plan

  module {
    source = "./modules/workflow"
  }

  variables {
    replay_semantics = "diff"
  }

  expect_failures = [var.replay_semantics]
}

run "rejects_a_session_longer_than_step_functions_allows" {
  command = plan

  module {
    source = "./modules/workflow"
  }

  variables {
    session_settings = {
      restore_poll_seconds                   = 60
      restore_timeout_seconds                = 86400
      caught_up_poll_seconds                 = 60
      caught_up_backlog                      = 10
      caught_up_lag_seconds                  = 60
      max_session_seconds                    = 40000000
      drain_poll_seconds                     = 30
      cutover_quiet_reads                    = 10
      cutover_quiet_seconds                  = 30
      cutover_queue_settle_seconds           = 60
      cutover_queue_reading_interval_seconds = 20
      cutover_poll_seconds                   = 5
    }
  }

  expect_failures = [var.session_settings]
}
