# Log groups with retention, alarms to the notification topic, and one dashboard.

data "aws_region" "current" {}

locals {
  region = data.aws_region.current.region
  period = 300
}

# Created by Terraform (not by Lambda on first use) so retention applies and destroy removes them.
resource "aws_cloudwatch_log_group" "this" {
  for_each = var.function_names

  name              = "/aws/lambda/${each.value}"
  retention_in_days = var.log_retention_days
  tags              = var.tags
}

locals {
  # What is alarmed, by the alarm's name after "<name_prefix>-". Every alarm fires above its
  # threshold, notifies the topic when it fires and when it clears, and treats missing data (an
  # idle deployment sends none) as fine.
  alarms = merge(
    {
      "dlq-not-empty" = {
        description        = "Changes replay could not apply are in ${var.dlq_name}. Inspect them (restore-cdc verify) before cutover."
        namespace          = "AWS/SQS"
        metric_name        = "ApproximateNumberOfMessagesVisible"
        dimensions         = { QueueName = var.dlq_name }
        statistic          = "Maximum"
        evaluation_periods = 1
        threshold          = 0
      }
      "oldest-change-age" = {
        description        = "The oldest change in ${var.queue_name} waits longer than ${var.oldest_message_age_threshold_seconds} s: replay is stuck or a session ended with changes left."
        namespace          = "AWS/SQS"
        metric_name        = "ApproximateAgeOfOldestMessage"
        dimensions         = { QueueName = var.queue_name }
        statistic          = "Maximum"
        evaluation_periods = 3
        threshold          = var.oldest_message_age_threshold_seconds
      }
      "capture-iterator-age" = {
        description        = "Capture is more than ${var.iterator_age_threshold_seconds} s behind the stream; records older than 24 h leave the stream and would be lost."
        namespace          = "AWS/Lambda"
        metric_name        = "IteratorAge"
        dimensions         = { FunctionName = var.function_names["capture"] }
        statistic          = "Maximum"
        evaluation_periods = 3
        # IteratorAge is reported in milliseconds.
        threshold = var.iterator_age_threshold_seconds * 1000
      }
    },
    {
      for role, name in var.function_names : "${role}-errors" => {
        description        = "The ${role} function (${name}) failed invocations; see /aws/lambda/${name}."
        namespace          = "AWS/Lambda"
        metric_name        = "Errors"
        dimensions         = { FunctionName = name }
        statistic          = "Sum"
        evaluation_periods = 1
        threshold          = 0
      }
    },
  )
}

resource "aws_cloudwatch_metric_alarm" "this" {
  for_each = local.alarms

  alarm_name          = "${var.name_prefix}-${each.key}"
  alarm_description   = each.value.description
  namespace           = each.value.namespace
  metric_name         = each.value.metric_name
  dimensions          = each.value.dimensions
  statistic           = each.value.statistic
  period              = local.period
  evaluation_periods  = each.value.evaluation_periods
  comparison_operator = "GreaterThanThreshold"
  threshold           = each.value.threshold
  treat_missing_data  = "notBreaching"
  alarm_actions       = [var.sns_topic_arn]
  ok_actions          = [var.sns_topic_arn]
  tags                = var.tags
}

resource "aws_cloudwatch_dashboard" "this" {
  dashboard_name = var.name_prefix

  dashboard_body = jsonencode({
    widgets = [
      {
        type = "metric", x = 0, y = 0, width = 12, height = 6
        properties = {
          title  = "Changes queue"
          region = local.region
          stat   = "Maximum"
          period = 60
          metrics = [
            ["AWS/SQS", "ApproximateNumberOfMessagesVisible", "QueueName", var.queue_name],
            ["AWS/SQS", "ApproximateNumberOfMessagesNotVisible", "QueueName", var.queue_name],
            ["AWS/SQS", "ApproximateNumberOfMessagesVisible", "QueueName", var.dlq_name, { label = "DLQ visible" }],
          ]
        }
      },
      {
        type = "metric", x = 12, y = 0, width = 12, height = 6
        properties = {
          title  = "Lag"
          region = local.region
          stat   = "Maximum"
          period = 60
          metrics = [
            ["AWS/SQS", "ApproximateAgeOfOldestMessage", "QueueName", var.queue_name, { label = "oldest change in queue (s)" }],
            ["AWS/Lambda", "IteratorAge", "FunctionName", var.function_names["capture"], { label = "capture iterator age (ms)", yAxis = "right" }],
          ]
        }
      },
      {
        type = "metric", x = 0, y = 6, width = 12, height = 6
        properties = {
          title  = "Invocations and errors"
          region = local.region
          stat   = "Sum"
          period = 60
          metrics = flatten([
            for role, name in var.function_names : [
              ["AWS/Lambda", "Invocations", "FunctionName", name, { label = "${role} invocations" }],
              ["AWS/Lambda", "Errors", "FunctionName", name, { label = "${role} errors" }],
            ]
          ])
        }
      },
      {
        type = "metric", x = 12, y = 6, width = 12, height = 6
        properties = {
          title  = "Restore sessions"
          region = local.region
          stat   = "Sum"
          period = 300
          metrics = [
            ["AWS/States", "ExecutionsStarted", "StateMachineArn", var.state_machine_arn],
            ["AWS/States", "ExecutionsSucceeded", "StateMachineArn", var.state_machine_arn],
            ["AWS/States", "ExecutionsFailed", "StateMachineArn", var.state_machine_arn],
            ["AWS/States", "ExecutionsTimedOut", "StateMachineArn", var.state_machine_arn],
          ]
        }
      },
      {
        type = "metric", x = 0, y = 12, width = 12, height = 6
        properties = {
          title  = "Replay concurrency and duration"
          region = local.region
          period = 60
          metrics = [
            ["AWS/Lambda", "ConcurrentExecutions", "FunctionName", var.function_names["replay"], { stat = "Maximum" }],
            ["AWS/Lambda", "Duration", "FunctionName", var.function_names["replay"], { stat = "p99", yAxis = "right" }],
          ]
        }
      },
    ]
  })
}
