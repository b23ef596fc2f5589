# dynamodb-restore-cdc: capture a live table's changes while a point-in-time restore runs and
# replay them into the restored table. See README.md and ../README.md.

data "aws_partition" "current" {}
data "aws_region" "current" {}
data "aws_caller_identity" "current" {}

locals {
  # The one values file Terraform and the local (emulator) deployment both read, so they cannot drift.
  shared = jsondecode(file("${path.module}/../config/deployment-defaults.json"))

  partition  = data.aws_partition.current.partition
  region     = data.aws_region.current.region
  account_id = data.aws_caller_identity.current.account_id

  # "rcdc-" + table name cut to 43 + "-" + 6 hex = at most 55 characters, so "<prefix>-workflow"
  # fits 64 (Lambda, IAM roles) and "<prefix>-changes-dlq.fifo" fits 80 (SQS). Dots are legal in
  # table names but not in Lambda, SQS or dashboard names.
  name_prefix = var.name_prefix != null ? var.name_prefix : "rcdc-${substr(replace(var.table_name, ".", "-"), 0, 43)}-${substr(sha1(var.table_name), 0, 6)}"

  # "<table>-restored*", not "<table>*": the latter also matches the account's other tables named
  # after this one ("orders-ledger" for "orders"), which replay and the settings copy could then write.
  target_table_pattern = coalesce(var.target_table_pattern, "${var.table_name}-restored*")
  # The pattern's literal start, before its first wildcard (the guard below reads it).
  target_table_pattern_literal = regex("^[^*?]*", local.target_table_pattern)
  target_table_arn_pattern     = "arn:${local.partition}:dynamodb:${local.region}:${local.account_id}:table/${local.target_table_pattern}"
  # The same pattern in each of restore_regions (a restore called there creates its table there).
  restore_regions = [for r in distinct(var.restore_regions) : r if r != local.region]
  restore_region_target_table_arn_patterns = [
    for r in local.restore_regions : "arn:${local.partition}:dynamodb:${r}:${local.account_id}:table/${local.target_table_pattern}"
  ]

  function_names = {
    capture  = "${local.name_prefix}-capture"
    replay   = "${local.name_prefix}-replay"
    workflow = "${local.name_prefix}-workflow"
  }

  control_table_name = "${local.name_prefix}-control"
  control_table_arn  = "arn:${local.partition}:dynamodb:${local.region}:${local.account_id}:table/${local.control_table_name}"

  runtimes = {
    native = {
      runtime = "provided.al2023"
      # The custom runtime runs the zip's bootstrap; Lambda requires a handler string but ignores it.
      handler     = "bootstrap"
      zip         = "${path.module}/../dist/function-native.zip"
      environment = { DISABLE_SIGNAL_HANDLERS = "true" }
    }
    jvm = {
      runtime = "java21"
      handler = "io.quarkus.amazon.lambda.runtime.QuarkusStreamHandler::handleRequest"
      zip     = "${path.module}/../dist/function-jvm.zip"
      # Quarkus' advice for short-lived Lambda JVMs: C1 only, faster cold starts.
      environment = { JAVA_TOOL_OPTIONS = "-XX:+TieredCompilation -XX:TieredStopAtLevel=1" }
    }
  }
  # try(): an unknown runtime is reported by the variable's validation, not as an index error.
  runtime      = try(local.runtimes[var.function_runtime], local.runtimes.native)
  function_zip = coalesce(var.function_zip, local.runtime.zip)

  function_package = {
    runtime  = local.runtime.runtime
    handler  = local.runtime.handler
    filename = local.function_zip
    # Hashed at plan time, so the zip must exist before plan (make native / the CI artefact).
    source_code_hash = fileexists(local.function_zip) ? filebase64sha256(local.function_zip) : null
    # The native binary is built on x86_64 (CI's ubuntu runner).
    architecture = "x86_64"
    environment = merge(local.runtime.environment, {
      CDC_SOURCE_TABLE  = var.table_name
      CDC_SESSION_TABLE = local.control_table_name
      CDC_QUEUE_URL     = module.queue.queue_url
      CDC_DLQ_URL       = module.queue.dlq_url
      # CDC_RESTORE_REGIONS (only with restore_regions): the workflow function refuses, when a session
      # registers, a restore into a region not listed (nor this one).
    }, length(local.restore_regions) > 0 ? { CDC_RESTORE_REGIONS = join(",", local.restore_regions) } : {})
  }

  # What the capture, replay and workflow modules each hand to modules/function: the one package,
  # the function's own memory and timeout, and its log group (created by the observability module).
  function_settings = {
    capture  = local.capture_settings
    replay   = local.replay_settings
    workflow = local.workflow_settings
  }
  functions = {
    for role, name in local.function_names : role => {
      package         = local.function_package
      memory_mb       = local.function_settings[role].memory_mb
      timeout_seconds = local.function_settings[role].timeout_seconds
      log_group_arn   = "arn:${local.partition}:logs:${local.region}:${local.account_id}:log-group:/aws/lambda/${name}"
    }
  }

  # Explicit variables win over the shared file.
  queue_settings    = merge(local.shared.queue, { for k, v in var.queue_settings : k => v if v != null })
  capture_settings  = merge(local.shared.capture, { for k, v in var.capture_settings : k => v if v != null })
  replay_settings   = merge(local.shared.replay, { for k, v in var.replay_settings : k => v if v != null })
  workflow_settings = merge(local.shared.workflow, { for k, v in var.workflow_settings : k => v if v != null })
  session_settings = merge(
    { for k in keys(var.session_settings) : k => local.shared.session[k] },
    { for k, v in var.session_settings : k => v if v != null },
  )
  copy_settings = merge(
    { for k in keys(var.copy_settings) : k => try(local.shared.copy_settings[k], true) },
    { for k, v in var.copy_settings : k => v if v != null },
  )
  replay_from_mode = coalesce(var.replay_from_mode, local.shared.session.replay_from_mode)
  replay_semantics = coalesce(var.replay_semantics, local.shared.session.replay_semantics)

  # The visibility timeout must be at least 6 x the replay timeout (AWS's advice for SQS triggers).
  visibility_timeout_seconds = var.queue_settings.visibility_timeout_seconds != null ? var.queue_settings.visibility_timeout_seconds : max(local.shared.queue.visibility_timeout_seconds, 6 * local.replay_settings.timeout_seconds)
}

# The source table must have a stream carrying new images (capture replays new images) and PITR
# (there is nothing to restore without it). Checked here so plan fails with a clear message
# instead of an AWS error halfway through apply.
data "aws_dynamodb_table" "source" {
  name = var.table_name

  lifecycle {
    precondition {
      condition     = fileexists(local.function_zip)
      error_message = "The function zip ${local.function_zip} does not exist. Build it first: `make native` (function_runtime = \"native\") or the JVM package into dist/function-jvm.zip (function_runtime = \"jvm\"), or set function_zip."
    }

    postcondition {
      condition     = self.stream_enabled == true && self.stream_arn != null && self.stream_arn != ""
      error_message = "Table ${var.table_name} has no stream. Enable one first: aws dynamodb update-table --table-name ${var.table_name} --stream-specification StreamEnabled=true,StreamViewType=NEW_AND_OLD_IMAGES"
    }

    postcondition {
      condition     = contains(["NEW_IMAGE", "NEW_AND_OLD_IMAGES"], coalesce(self.stream_view_type, "NONE"))
      error_message = "Table ${var.table_name}'s stream view type is ${coalesce(self.stream_view_type, "unset")}; capture needs NEW_IMAGE or NEW_AND_OLD_IMAGES (a view type cannot be changed: disable the stream and enable it again with NEW_AND_OLD_IMAGES)."
    }

    postcondition {
      condition     = try(self.point_in_time_recovery[0].enabled, false) == true
      error_message = "Table ${var.table_name} has point-in-time recovery off, so it cannot be restored to a point in time. Turn it on: aws dynamodb update-continuous-backups --table-name ${var.table_name} --point-in-time-recovery-specification PointInTimeRecoveryEnabled=true"
    }
  }
}

# A warning, not a refusal: a NEW_IMAGE stream still serves copies, but an undo session can then
# only replay whole images (it falls back and says so in its record and in restore-cdc status).
check "undo_restores_need_old_images" {
  assert {
    condition     = local.replay_semantics == "image" || data.aws_dynamodb_table.source.stream_view_type == "NEW_AND_OLD_IMAGES"
    error_message = "Table ${var.table_name}'s stream view type is ${coalesce(data.aws_dynamodb_table.source.stream_view_type, "unset")}: undo restores (replay_semantics ${local.replay_semantics}) need NEW_AND_OLD_IMAGES to replay what each change did, and fall back to whole images (values the undone writes left come back with later writes). Enable the stream with NEW_AND_OLD_IMAGES, or set replay_semantics = \"image\"."
  }
}

module "queue" {
  source = "./modules/queue"

  name_prefix                   = local.name_prefix
  visibility_timeout_seconds    = local.visibility_timeout_seconds
  replay_timeout_seconds        = local.replay_settings.timeout_seconds
  message_retention_seconds     = local.queue_settings.message_retention_seconds
  dlq_message_retention_seconds = local.queue_settings.dlq_message_retention_seconds
  max_message_size              = local.queue_settings.max_message_size
  max_receive_count             = local.queue_settings.max_receive_count
  content_based_deduplication   = local.queue_settings.content_based_deduplication
  deduplication_scope           = local.queue_settings.deduplication_scope
  fifo_throughput_limit         = local.queue_settings.fifo_throughput_limit
  tags                          = var.tags
}

module "capture" {
  source = "./modules/capture"

  name_prefix                     = local.name_prefix
  function                        = local.functions.capture
  stream_arn                      = data.aws_dynamodb_table.source.stream_arn
  queue_arn                       = module.queue.queue_arn
  dlq_arn                         = module.queue.dlq_arn
  control_table_arn               = local.control_table_arn
  batch_size                      = local.capture_settings.batch_size
  maximum_batching_window_seconds = local.capture_settings.maximum_batching_window_seconds
  parallelization_factor          = local.capture_settings.parallelization_factor
  tumbling_window_in_seconds      = local.capture_settings.tumbling_window_in_seconds
  starting_position               = local.capture_settings.starting_position
  maximum_retry_attempts          = local.capture_settings.maximum_retry_attempts
  maximum_record_age_seconds      = local.capture_settings.maximum_record_age_seconds
  bisect_batch_on_function_error  = local.capture_settings.bisect_batch_on_function_error
  function_response_types         = local.capture_settings.function_response_types
  tags                            = var.tags
}

module "replay" {
  source = "./modules/replay"

  name_prefix              = local.name_prefix
  function                 = local.functions.replay
  queue_arn                = module.queue.queue_arn
  dlq_arn                  = module.queue.dlq_arn
  source_table_arn         = data.aws_dynamodb_table.source.arn
  target_table_arn_pattern = local.target_table_arn_pattern
  control_table_arn        = local.control_table_arn

  restore_region_target_table_arn_patterns = local.restore_region_target_table_arn_patterns
  batch_size                               = local.replay_settings.batch_size
  maximum_concurrency                      = local.replay_settings.maximum_concurrency
  function_response_types                  = local.replay_settings.function_response_types
  tags                                     = var.tags
}

module "workflow" {
  source = "./modules/workflow"

  name_prefix            = local.name_prefix
  function               = local.functions.workflow
  source_table_name      = var.table_name
  source_table_arn       = data.aws_dynamodb_table.source.arn
  target_table_pattern   = local.target_table_pattern
  control_table_name     = local.control_table_name
  queue_url              = module.queue.queue_url
  queue_arn              = module.queue.queue_arn
  dlq_url                = module.queue.dlq_url
  dlq_arn                = module.queue.dlq_arn
  capture_mapping_uuid   = module.capture.mapping_uuid
  capture_mapping_arn    = module.capture.mapping_arn
  replay_mapping_uuid    = module.replay.mapping_uuid
  replay_mapping_arn     = module.replay.mapping_arn
  state_machine_template = "${path.module}/../src/main/statemachine/restore-session.asl.json"
  event_pattern_template = "${path.module}/../src/main/statemachine/restore-requested.pattern.json"
  restore_regions        = local.restore_regions

  forwarded_event_pattern_template = "${path.module}/../src/main/statemachine/restore-requested-elsewhere.pattern.json"

  session_ended_pattern_template = "${path.module}/../src/main/statemachine/session-ended.pattern.json"
  session_ended_input_template   = "${path.module}/../src/main/statemachine/session-ended.input-template.json"
  replay_from_mode               = local.replay_from_mode
  replay_semantics               = local.replay_semantics
  copy_settings                  = local.copy_settings
  session_settings               = local.session_settings
  notification_emails            = var.notification_emails
  create_trail                   = var.create_trail
  trail_retention_days           = var.log_retention_days
  tags                           = var.tags
}

module "observability" {
  source = "./modules/observability"

  name_prefix                          = local.name_prefix
  function_names                       = local.function_names
  log_retention_days                   = var.log_retention_days
  queue_name                           = module.queue.queue_name
  dlq_name                             = module.queue.dlq_name
  state_machine_arn                    = module.workflow.state_machine_arn
  sns_topic_arn                        = module.workflow.sns_topic_arn
  oldest_message_age_threshold_seconds = var.alarm_settings.oldest_message_age_seconds
  iterator_age_threshold_seconds       = var.alarm_settings.iterator_age_seconds
  tags                                 = var.tags
}

# A pattern whose literal start is the table's name (plus at most one separator) or a prefix of it,
# before a wildcard ("orders*", "orders-*", "ord*"), also matches other tables of the account named
# after this one. Variable validation cannot read table_name on Terraform 1.7, so the check lives
# here; TargetTablePattern.coversOtherTablesOf states the same rule in Java (TargetTablePatternTest).
resource "terraform_data" "target_table_pattern_guard" {
  input = local.target_table_pattern

  lifecycle {
    precondition {
      condition = !(
        length(local.target_table_pattern_literal) < length(local.target_table_pattern) && (
          startswith(var.table_name, local.target_table_pattern_literal) || (
            startswith(local.target_table_pattern_literal, var.table_name) &&
            length(local.target_table_pattern_literal) <= length(var.table_name) + 1
          )
        )
      )
      error_message = "target_table_pattern \"${local.target_table_pattern}\" would also match other tables named after ${var.table_name} (e.g. ${var.table_name}-ledger): put a word only restores use between the table name and the wildcard, e.g. \"${var.table_name}-restored*\" (the default)."
    }
  }
}
