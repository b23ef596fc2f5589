# Workflow: the restore session (Step Functions) started by EventBridge when the source table is
# restored, the workflow function it calls, the control table, the notification topic and,
# optionally, the CloudTrail trail EventBridge needs to see the restore at all.

data "aws_partition" "current" {}
data "aws_region" "current" {}
data "aws_caller_identity" "current" {}

locals {
  partition  = data.aws_partition.current.partition
  region     = data.aws_region.current.region
  account_id = data.aws_caller_identity.current.account_id

  event_bus_name = "default"
  event_bus_arn  = "arn:${local.partition}:events:${local.region}:${local.account_id}:event-bus/${local.event_bus_name}"

  state_machine_name = "${var.name_prefix}-session"
  state_machine_arn  = "arn:${local.partition}:states:${local.region}:${local.account_id}:stateMachine:${local.state_machine_name}"

  target_table_arn_pattern = "arn:${local.partition}:dynamodb:${local.region}:${local.account_id}:table/${var.target_table_pattern}"

  # Restores called in restore_regions create their table there: the settings copy works on it there.
  restore_regions = [for r in distinct(var.restore_regions) : r if r != local.region]
  target_regions  = concat([local.region], local.restore_regions)
  target_table_arn_patterns = [
    for r in local.target_regions : "arn:${local.partition}:dynamodb:${r}:${local.account_id}:table/${var.target_table_pattern}"
  ]

  # The Result of the state machine's first state (DESIGN.md "Contracts"); every later state reads
  # these from $.config. tools/lint checks that these are exactly the DESIGN.md keys.
  configuration = {
    source_table_name     = var.source_table_name
    source_table_arn      = var.source_table_arn
    control_table_name    = aws_dynamodb_table.this.name
    queue_url             = var.queue_url
    dlq_url               = var.dlq_url
    capture_mapping_uuid  = var.capture_mapping_uuid
    replay_mapping_uuid   = var.replay_mapping_uuid
    workflow_function_arn = module.function.function_arn
    sns_topic_arn         = aws_sns_topic.this.arn
    event_bus_name        = local.event_bus_name
    replay_from_mode      = var.replay_from_mode
    replay_semantics      = var.replay_semantics
    target_table_pattern  = var.target_table_pattern
    copy_settings = {
      stream              = var.copy_settings.stream
      ttl                 = var.copy_settings.ttl
      pitr                = var.copy_settings.pitr
      tags                = var.copy_settings.tags
      deletion_protection = var.copy_settings.deletion_protection
      autoscaling         = var.copy_settings.autoscaling
      resource_policy     = var.copy_settings.resource_policy
    }
    restore_poll_seconds                   = var.session_settings.restore_poll_seconds
    restore_timeout_seconds                = var.session_settings.restore_timeout_seconds
    caught_up_poll_seconds                 = var.session_settings.caught_up_poll_seconds
    caught_up_backlog                      = var.session_settings.caught_up_backlog
    caught_up_lag_seconds                  = var.session_settings.caught_up_lag_seconds
    max_session_seconds                    = var.session_settings.max_session_seconds
    drain_poll_seconds                     = var.session_settings.drain_poll_seconds
    cutover_quiet_reads                    = var.session_settings.cutover_quiet_reads
    cutover_quiet_seconds                  = var.session_settings.cutover_quiet_seconds
    cutover_queue_settle_seconds           = var.session_settings.cutover_queue_settle_seconds
    cutover_queue_reading_interval_seconds = var.session_settings.cutover_queue_reading_interval_seconds
    cutover_poll_seconds                   = var.session_settings.cutover_poll_seconds
  }

  # The cleanup rule: this state machine's executions that ended FAILED, TIMED_OUT or ABORTED.
  session_ended_pattern = jsonencode(jsondecode(templatefile(var.session_ended_pattern_template, {
    state_machine_arn = local.state_machine_arn
  })))

  # Normalised through jsondecode/jsonencode so whitespace in the template never shows as a diff.
  event_pattern = jsonencode(jsondecode(templatefile(var.event_pattern_template, {
    source_table_name = var.source_table_name
    source_table_arn  = var.source_table_arn
  })))

  # In another region a restore names this table by ARN only (a bare name there is that region's table).
  forwarded_event_pattern = jsonencode(jsondecode(templatefile(var.forwarded_event_pattern_template, {
    source_table_arn = var.source_table_arn
  })))
}

# Control table: locks, sessions and the key log in one single-table layout (DESIGN.md).
resource "aws_dynamodb_table" "this" {
  name         = var.control_table_name
  billing_mode = "PAY_PER_REQUEST"
  hash_key     = "pk"
  range_key    = "sk"

  attribute {
    name = "pk"
    type = "S"
  }

  attribute {
    name = "sk"
    type = "S"
  }

  ttl {
    attribute_name = "expires_at"
    enabled        = true
  }

  point_in_time_recovery {
    enabled = true
  }

  server_side_encryption {
    enabled = true
  }

  # terraform destroy must remove everything it created.
  deletion_protection_enabled = false

  tags = var.tags
}

module "function" {
  source = "../function"

  name_prefix       = var.name_prefix
  handler_name      = "workflow"
  description       = "dynamodb-restore-cdc workflow steps of the restore session"
  package           = var.function.package
  memory_mb         = var.function.memory_mb
  timeout_seconds   = var.function.timeout_seconds
  log_group_arn     = var.function.log_group_arn
  policy_statements = local.function_policy_statements
  tags              = var.tags
}

# No KMS key on purpose: with the AWS managed key alias/aws/sns, CloudWatch alarms cannot publish.
resource "aws_sns_topic" "this" {
  name = "${var.name_prefix}-notify"
  tags = var.tags
}

resource "aws_sns_topic_subscription" "email" {
  for_each = toset(var.notification_emails)

  topic_arn = aws_sns_topic.this.arn
  protocol  = "email"
  endpoint  = each.value
}

resource "aws_sfn_state_machine" "this" {
  name     = local.state_machine_name
  type     = "STANDARD"
  role_arn = aws_iam_role.state_machine.arn

  definition = templatefile(var.state_machine_template, {
    configuration = jsonencode(local.configuration)
  })

  tags = var.tags

  depends_on = [aws_iam_role_policy.state_machine]
}

resource "aws_cloudwatch_event_rule" "this" {
  name           = "${var.name_prefix}-restore"
  description    = "Successful RestoreTableToPointInTime of ${var.source_table_name} (needs a CloudTrail trail)"
  event_bus_name = local.event_bus_name
  event_pattern  = local.event_pattern
  tags           = var.tags
}

resource "aws_cloudwatch_event_target" "this" {
  rule           = aws_cloudwatch_event_rule.this.name
  event_bus_name = local.event_bus_name
  target_id      = "restore-session"
  arn            = aws_sfn_state_machine.this.arn
  role_arn       = aws_iam_role.events.arn
}

# Restores into another region. The restore call, and so its CloudTrail event, happens in the region
# the table is restored into, where the rule above does not see it. In each of restore_regions a rule
# on that region's default bus forwards the event to this region's default bus (a cross-Region event
# bus target, with a role allowed events:PutEvents on it; same account, so the bus needs no resource
# policy). A forwarded event keeps its source, detail-type, detail and region (the restore's), so the
# rule above matches it (by sourceTableArn) and starts the session, which reads the target's region
# from the event. Needs a trail that records those regions' management events (multi-region).
resource "aws_cloudwatch_event_rule" "forward_restore" {
  for_each = toset(local.restore_regions)

  region         = each.value
  name           = "${var.name_prefix}-restore-fwd"
  description    = "Successful RestoreTableToPointInTime of ${var.source_table_arn} called in ${each.value}, forwarded to ${local.region} (needs a multi-region trail)"
  event_bus_name = local.event_bus_name
  event_pattern  = local.forwarded_event_pattern
  tags           = var.tags
}

resource "aws_cloudwatch_event_target" "forward_restore" {
  for_each = toset(local.restore_regions)

  region         = each.value
  rule           = aws_cloudwatch_event_rule.forward_restore[each.value].name
  event_bus_name = local.event_bus_name
  target_id      = "home-bus"
  arn            = local.event_bus_arn
  role_arn       = aws_iam_role.forward_restore[0].arn
}

# The cleanup from outside the state machine. What a state machine cannot catch (States.Runtime, which
# States.ALL does not match), a stopped execution and a failed cleanup step leave a session open: the
# execution's "Step Functions Execution Status Change" event (FAILED, TIMED_OUT, ABORTED) invokes the
# workflow function's cleanup, which disables both mappings (unless another session holds the lock),
# marks the session ABORTED/FAILED with the reason, releases its lock and notifies.
resource "aws_cloudwatch_event_rule" "session_ended" {
  name           = "${var.name_prefix}-session-ended"
  description    = "Restore session executions of ${var.source_table_name} that ended FAILED, TIMED_OUT or ABORTED"
  event_bus_name = local.event_bus_name
  event_pattern  = local.session_ended_pattern
  tags           = var.tags
}

resource "aws_cloudwatch_event_target" "session_ended" {
  rule           = aws_cloudwatch_event_rule.session_ended.name
  event_bus_name = local.event_bus_name
  target_id      = "cleanup"
  arn            = module.function.function_arn

  input_transformer {
    input_paths = {
      detail = "$.detail"
    }
    # {"action":"cleanup","config":<the state machine's configuration>,"execution":<detail>}
    input_template = trimspace(templatefile(var.session_ended_input_template, {
      configuration = jsonencode(local.configuration)
    }))
  }
}

# EventBridge invokes the workflow function for this rule only.
resource "aws_lambda_permission" "session_ended" {
  statement_id   = "CleanupWhenSessionExecutionEnds"
  action         = "lambda:InvokeFunction"
  function_name  = module.function.function_name
  principal      = "events.amazonaws.com"
  source_arn     = aws_cloudwatch_event_rule.session_ended.arn
  source_account = local.account_id
}
