# Plan-time tests of modules/observability with a mocked AWS provider. Needs Terraform >= 1.11 (override_during).

mock_provider "aws" {
  override_during = plan

  mock_data "aws_region" {
    defaults = { region = "eu-west-1" }
  }
}

variables {
  name_prefix = "rcdc-orders-0a1b2c"
  function_names = {
    capture  = "rcdc-orders-0a1b2c-capture"
    replay   = "rcdc-orders-0a1b2c-replay"
    workflow = "rcdc-orders-0a1b2c-workflow"
  }
  log_retention_days = 30
  queue_name         = "rcdc-orders-0a1b2c-changes.fifo"
  dlq_name           = "rcdc-orders-0a1b2c-changes-dlq.fifo"
  state_machine_arn  = "arn:aws:states:eu-west-1:123456789012:stateMachine:rcdc-orders-0a1b2c-session"
  sns_topic_arn      = "arn:aws:sns:eu-west-1:123456789012:rcdc-orders-0a1b2c-notify"
}

run "log_groups_alarms_and_dashboard" {
  command = plan

  module {
    source = "./modules/observability"
  }

  assert {
    condition = alltrue([
      for role, name in var.function_names :
      aws_cloudwatch_log_group.this[role].name == "/aws/lambda/${name}" && aws_cloudwatch_log_group.this[role].retention_in_days == 30
    ])
    error_message = "Every function must get /aws/lambda/<name> with the given retention."
  }

  assert {
    condition = (
      aws_cloudwatch_metric_alarm.this["dlq-not-empty"].threshold == 0 &&
      aws_cloudwatch_metric_alarm.this["dlq-not-empty"].comparison_operator == "GreaterThanThreshold" &&
      aws_cloudwatch_metric_alarm.this["dlq-not-empty"].dimensions["QueueName"] == var.dlq_name &&
      contains(aws_cloudwatch_metric_alarm.this["dlq-not-empty"].alarm_actions, var.sns_topic_arn)
    )
    error_message = "A DLQ holding any message must alarm to the topic."
  }

  assert {
    condition = (
      aws_cloudwatch_metric_alarm.this["capture-iterator-age"].metric_name == "IteratorAge" &&
      aws_cloudwatch_metric_alarm.this["capture-iterator-age"].dimensions["FunctionName"] == var.function_names["capture"] &&
      aws_cloudwatch_metric_alarm.this["capture-iterator-age"].threshold == 43200 * 1000
    )
    error_message = "Capture's iterator age (milliseconds) must alarm below the stream's 24 h retention."
  }

  assert {
    condition     = aws_cloudwatch_metric_alarm.this["oldest-change-age"].metric_name == "ApproximateAgeOfOldestMessage" && aws_cloudwatch_metric_alarm.this["oldest-change-age"].dimensions["QueueName"] == var.queue_name
    error_message = "The age of the oldest change in the queue must be alarmed."
  }

  assert {
    condition = alltrue([
      for role, name in var.function_names :
      aws_cloudwatch_metric_alarm.this["${role}-errors"].dimensions["FunctionName"] == name
    ])
    error_message = "Each function's errors must be alarmed."
  }

  assert {
    condition = alltrue([
      for alarm in aws_cloudwatch_metric_alarm.this :
      startswith(alarm.alarm_name, "${var.name_prefix}-") &&
      length(alarm.alarm_actions) == 1 && contains(alarm.alarm_actions, var.sns_topic_arn) &&
      length(alarm.ok_actions) == 1 && contains(alarm.ok_actions, var.sns_topic_arn)
    ])
    error_message = "Every alarm must be named <name_prefix>-<what> and notify the topic when it fires and when it clears."
  }

  assert {
    condition     = length(jsondecode(aws_cloudwatch_dashboard.this.dashboard_body).widgets) >= 4
    error_message = "The dashboard must show the queue, lag, functions and sessions."
  }
}

run "rejects_a_retention_cloudwatch_does_not_offer" {
  command = plan

  module {
    source = "./modules/observability"
  }

  variables {
    log_retention_days = 2
  }

  expect_failures = [var.log_retention_days]
}
