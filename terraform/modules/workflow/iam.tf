# The workflow function's statements (modules/function makes its role and adds WriteLogs) and two
# roles of this module: the state machine's and EventBridge's (to start the machine). Statements
# are kept as data (locals) so tests can assert that no action is a wildcard.

locals {
  settings_write_actions = [
    "dynamodb:UpdateTable",
    "dynamodb:UpdateTimeToLive",
    "dynamodb:UpdateContinuousBackups",
    "dynamodb:TagResource",
    "dynamodb:PutResourcePolicy",
  ]
  settings_read_actions = [
    "dynamodb:DescribeTable",
    "dynamodb:DescribeTimeToLive",
    "dynamodb:DescribeContinuousBackups",
    "dynamodb:ListTagsOfResource",
    "dynamodb:GetResourcePolicy",
  ]

  function_policy_statements = [
    {
      sid       = "ReadSourceSettings"
      effect    = "Allow"
      actions   = local.settings_read_actions
      resources = [var.source_table_arn]
    },
    {
      # This region's restored tables and, for restores into restore_regions, the same names there
      # (DescribeTable included: the function also polls the target for the state machine).
      sid       = "CopySettingsToRestoredTable"
      effect    = "Allow"
      actions   = concat(local.settings_read_actions, local.settings_write_actions)
      resources = local.target_table_arn_patterns
    },
    {
      # A pattern may match the source table itself: never change it.
      sid       = "NeverChangeSource"
      effect    = "Deny"
      actions   = local.settings_write_actions
      resources = [var.source_table_arn]
    },
    {
      # Application Auto Scaling's Describe actions take no resource-level permissions: AWS only
      # accepts "*" as their resource. They are read-only.
      sid       = "ReadAutoscaling"
      effect    = "Allow"
      actions   = ["application-autoscaling:DescribeScalableTargets", "application-autoscaling:DescribeScalingPolicies"]
      resources = ["*"]
    },
    {
      # Register/PutScalingPolicy take the scalable-target resource type (Service Authorization
      # Reference; "Policy resources: Yes" in "How Application Auto Scaling works with IAM"). Its ARN
      # ends in an opaque id (scalable-target/1234abcd...), not the table's name, and a target's id
      # is known only once registered, so the narrowest stable scope is this account's and region's
      # scalable targets; the service-namespace condition key limits them to DynamoDB's.
      sid       = "CopyAutoscaling"
      effect    = "Allow"
      actions   = ["application-autoscaling:RegisterScalableTarget", "application-autoscaling:PutScalingPolicy"]
      resources = [for r in local.target_regions : "arn:${local.partition}:application-autoscaling:${r}:${local.account_id}:scalable-target/*"]
      conditions = [
        { test = "StringEquals", variable = "application-autoscaling:service-namespace", values = ["dynamodb"] },
      ]
    },
    {
      # Target-tracking policies create CloudWatch alarms named TargetTracking-table/<table>-...
      sid       = "TargetTrackingAlarms"
      effect    = "Allow"
      actions   = ["cloudwatch:PutMetricAlarm", "cloudwatch:DescribeAlarms"]
      resources = [for r in local.target_regions : "arn:${local.partition}:cloudwatch:${r}:${local.account_id}:alarm:TargetTracking-table/${var.target_table_pattern}*"]
    },
    {
      # The first scalable DynamoDB target in an account creates Application Auto Scaling's
      # service-linked role.
      sid       = "AutoscalingServiceLinkedRole"
      effect    = "Allow"
      actions   = ["iam:CreateServiceLinkedRole"]
      resources = ["arn:${local.partition}:iam::${local.account_id}:role/aws-service-role/dynamodb.application-autoscaling.amazonaws.com/AWSServiceRoleForApplicationAutoScaling_DynamoDBTable"]
      conditions = [
        { test = "StringEquals", variable = "iam:AWSServiceName", values = ["dynamodb.application-autoscaling.amazonaws.com"] },
      ]
    },
    {
      sid       = "ControlTable"
      effect    = "Allow"
      actions   = ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem", "dynamodb:Query"]
      resources = [aws_dynamodb_table.this.arn]
    },
    {
      sid       = "QueueDepth"
      effect    = "Allow"
      actions   = ["sqs:GetQueueAttributes"]
      resources = [var.queue_arn, var.dlq_arn]
    },
    {
      # Caught up reads every shard of the source's stream once per check (the second of its two
      # reader slots per shard; capture's mapping holds the first).
      sid       = "ReadSourceStream"
      effect    = "Allow"
      actions   = ["dynamodb:DescribeStream", "dynamodb:GetShardIterator", "dynamodb:GetRecords"]
      resources = ["${var.source_table_arn}/stream/*"]
    },
    {
      # The caught-up check reads the capture mapping's state and LastProcessingResult.
      sid       = "ReadMappingStatus"
      effect    = "Allow"
      actions   = ["lambda:GetEventSourceMapping"]
      resources = [var.capture_mapping_arn, var.replay_mapping_arn]
    },
    {
      # The cleanup when a session's execution ended outside its own paths (rule session_ended)
      # disables exactly this deployment's two mappings.
      sid       = "CleanupDisablesMappings"
      effect    = "Allow"
      actions   = ["lambda:UpdateEventSourceMapping"]
      resources = [var.capture_mapping_arn, var.replay_mapping_arn]
    },
    {
      # ... and tells, as the state machine's notify states do.
      sid       = "CleanupNotifies"
      effect    = "Allow"
      actions   = ["sns:Publish"]
      resources = [aws_sns_topic.this.arn]
    },
    {
      sid       = "CleanupEvent"
      effect    = "Allow"
      actions   = ["events:PutEvents"]
      resources = [local.event_bus_arn]
    },
  ]

  # One statement per action the state machine's Task states call, nothing more: the Java test
  # StateMachinePolicyTest (make test) compares these actions with the states' resources.
  state_machine_policy_statements = [
    {
      # Exactly the two mappings of this deployment (EnableCapture/Replay, DisableCapture/Replay,
      # FailDisableCapture/Replay).
      sid       = "ToggleMappings"
      effect    = "Allow"
      actions   = ["lambda:UpdateEventSourceMapping"]
      resources = [var.capture_mapping_arn, var.replay_mapping_arn]
    },
    {
      # MarkRestoring, MarkReplaying, MarkFinishing set the session's status.
      sid       = "ControlTable"
      effect    = "Allow"
      actions   = ["dynamodb:UpdateItem"]
      resources = [aws_dynamodb_table.this.arn]
    },
    {
      sid       = "Notify"
      effect    = "Allow"
      actions   = ["sns:Publish"]
      resources = [aws_sns_topic.this.arn]
    },
    {
      sid       = "ReadyForCutoverEvent"
      effect    = "Allow"
      actions   = ["events:PutEvents"]
      resources = [local.event_bus_arn]
    },
    {
      sid       = "InvokeWorkflow"
      effect    = "Allow"
      actions   = ["lambda:InvokeFunction"]
      resources = [module.function.function_arn, "${module.function.function_arn}:*"]
    },
    {
      # ContinueAsNew: a session that outlives one execution's 25,000-event history goes on in a
      # fresh execution of this same state machine (its ARN is built, not referenced: the machine
      # depends on this policy).
      sid       = "ContinueInFreshExecution"
      effect    = "Allow"
      actions   = ["states:StartExecution"]
      resources = [local.state_machine_arn]
    },
  ]

  # The forwarding rules in restore_regions put the restore event on this region's default bus.
  forward_policy_statements = [
    {
      sid       = "ForwardRestoreEventsHome"
      effect    = "Allow"
      actions   = ["events:PutEvents"]
      resources = [local.event_bus_arn]
    },
  ]

  events_policy_statements = [
    {
      sid       = "StartSession"
      effect    = "Allow"
      actions   = ["states:StartExecution"]
      resources = [aws_sfn_state_machine.this.arn]
    },
  ]
}

# Step Functions and EventBridge may assume their roles only on behalf of this account.
data "aws_iam_policy_document" "assume_role" {
  for_each = toset(["states", "events"])

  statement {
    effect  = "Allow"
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["${each.key}.amazonaws.com"]
    }

    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [local.account_id]
    }
  }
}

resource "aws_iam_role" "state_machine" {
  name               = "${var.name_prefix}-states"
  description        = "dynamodb-restore-cdc restore session state machine"
  assume_role_policy = data.aws_iam_policy_document.assume_role["states"].json
  tags               = var.tags
}

resource "aws_iam_role" "events" {
  name               = "${var.name_prefix}-events"
  description        = "dynamodb-restore-cdc: EventBridge starts the restore session"
  assume_role_policy = data.aws_iam_policy_document.assume_role["events"].json
  tags               = var.tags
}

data "aws_iam_policy_document" "state_machine" {
  dynamic "statement" {
    for_each = local.state_machine_policy_statements

    content {
      sid       = statement.value.sid
      effect    = statement.value.effect
      actions   = statement.value.actions
      resources = statement.value.resources
    }
  }
}

data "aws_iam_policy_document" "events" {
  dynamic "statement" {
    for_each = local.events_policy_statements

    content {
      sid       = statement.value.sid
      effect    = statement.value.effect
      actions   = statement.value.actions
      resources = statement.value.resources
    }
  }
}

resource "aws_iam_role_policy" "state_machine" {
  name   = "restore-session"
  role   = aws_iam_role.state_machine.id
  policy = data.aws_iam_policy_document.state_machine.json
}

# EventBridge (in restore_regions) forwards the restore event to this region's bus. IAM is global: one
# role serves every forwarding rule.
resource "aws_iam_role" "forward_restore" {
  count = length(local.restore_regions) > 0 ? 1 : 0

  name               = "${var.name_prefix}-forward"
  description        = "dynamodb-restore-cdc: EventBridge forwards restores in other regions to the home bus"
  assume_role_policy = data.aws_iam_policy_document.assume_role["events"].json
  tags               = var.tags
}

data "aws_iam_policy_document" "forward_restore" {
  dynamic "statement" {
    for_each = local.forward_policy_statements

    content {
      sid       = statement.value.sid
      effect    = statement.value.effect
      actions   = statement.value.actions
      resources = statement.value.resources
    }
  }
}

resource "aws_iam_role_policy" "forward_restore" {
  count = length(local.restore_regions) > 0 ? 1 : 0

  name   = "forward-restore-events"
  role   = aws_iam_role.forward_restore[0].id
  policy = data.aws_iam_policy_document.forward_restore.json
}

resource "aws_iam_role_policy" "events" {
  name   = "start-restore-session"
  role   = aws_iam_role.events.id
  policy = data.aws_iam_policy_document.events.json
}
