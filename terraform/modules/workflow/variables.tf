variable "name_prefix" {
  description = "Prefix of every name; the function is <name_prefix>-workflow, the state machine <name_prefix>-session, the control table control_table_name."
  type        = string

  validation {
    condition     = can(regex("^[A-Za-z0-9_-]{1,55}$", var.name_prefix))
    error_message = "name_prefix must be 1-55 letters, digits, '-' or '_' (Lambda and IAM role names are limited to 64 characters); got \"${var.name_prefix}\"."
  }
}

variable "function" {
  description = "The workflow function, handed to modules/function, which validates it: package (the one Quarkus artefact: runtime, handler, filename, source_code_hash, architecture, environment), memory_mb, timeout_seconds, and log_group_arn (/aws/lambda/<name_prefix>-workflow, created by the observability module)."
  type = object({
    # The package's shape is modules/function's variable "package"; one definition, checked there.
    package         = any
    memory_mb       = number
    timeout_seconds = number
    log_group_arn   = string
  })
}

variable "source_table_name" {
  description = "Name of the source table whose restores start a session."
  type        = string
}

variable "source_table_arn" {
  description = "ARN of the source table."
  type        = string
}

variable "target_table_pattern" {
  description = "Names a restored table may have (IAM wildcards * and ?); a session whose target falls outside it is refused at registration. It must match no other table of the account (the root module refuses \"<table>*\"; default \"<table>-restored*\")."
  type        = string

  validation {
    condition     = can(regex("^[A-Za-z0-9_.-]{3,}[A-Za-z0-9_.*?-]*$", var.target_table_pattern))
    error_message = "target_table_pattern must start with at least 3 literal table-name characters, then table-name characters or the wildcards * and ?; got \"${var.target_table_pattern}\"."
  }
}

variable "control_table_name" {
  description = "Name of the control table this module creates (locks, sessions, key log)."
  type        = string
}

variable "queue_url" {
  description = "URL of the changes FIFO queue."
  type        = string
}

variable "queue_arn" {
  description = "ARN of the changes FIFO queue."
  type        = string
}

variable "dlq_url" {
  description = "URL of the dead-letter FIFO queue."
  type        = string
}

variable "dlq_arn" {
  description = "ARN of the dead-letter FIFO queue."
  type        = string
}

variable "capture_mapping_uuid" {
  description = "UUID of the capture (stream) event source mapping."
  type        = string
}

variable "capture_mapping_arn" {
  description = "ARN of the capture (stream) event source mapping."
  type        = string
}

variable "replay_mapping_uuid" {
  description = "UUID of the replay (SQS) event source mapping."
  type        = string
}

variable "replay_mapping_arn" {
  description = "ARN of the replay (SQS) event source mapping."
  type        = string
}

variable "state_machine_template" {
  description = "Path of the state machine template (restore-session.asl.json) with its one placeholder $${configuration}."
  type        = string
}

variable "event_pattern_template" {
  description = "Path of the EventBridge pattern template (restore-requested.pattern.json) with $${source_table_name} and $${source_table_arn}."
  type        = string
}

variable "restore_regions" {
  description = "Other regions whose restores of the source table are followed (the root's restore_regions, without this region): each gets a rule forwarding the restore's CloudTrail event to this region's default bus, and the settings copy may change target_table_pattern tables there."
  type        = list(string)
  default     = []
  nullable    = false
}

variable "forwarded_event_pattern_template" {
  description = "Path of the pattern template of the forwarding rules in restore_regions (restore-requested-elsewhere.pattern.json) with $${source_table_arn}: there a restore names its source by ARN only (a name would be that region's table)."
  type        = string
}

variable "session_ended_pattern_template" {
  description = "Path of the cleanup rule's EventBridge pattern template (session-ended.pattern.json) with $${state_machine_arn}: the state machine's executions that ended FAILED, TIMED_OUT or ABORTED."
  type        = string
}

variable "session_ended_input_template" {
  description = "Path of the cleanup rule target's InputTemplate (session-ended.input-template.json) with $${configuration} and EventBridge's <detail> placeholder."
  type        = string
}

variable "replay_from_mode" {
  description = "Which changes replay skips: auto, restore_requested (changes after the restore request) or restore_point (changes after the restore point)."
  type        = string

  validation {
    condition     = contains(["auto", "restore_requested", "restore_point"], var.replay_from_mode)
    error_message = "replay_from_mode must be auto, restore_requested or restore_point; got \"${var.replay_from_mode}\"."
  }
}

variable "replay_semantics" {
  description = "How replay applies changes: auto (images for a latest-restorable copy, changes for an undo to an explicit point), image or change."
  type        = string

  validation {
    condition     = contains(["auto", "image", "change"], var.replay_semantics)
    error_message = "replay_semantics must be auto, image or change; got \"${var.replay_semantics}\"."
  }
}

variable "copy_settings" {
  description = "Which settings the session re-applies to the restored table (a point-in-time restore does not carry them over)."
  type = object({
    stream              = bool
    ttl                 = bool
    pitr                = bool
    tags                = bool
    deletion_protection = bool
    autoscaling         = bool
    resource_policy     = bool
  })
}

variable "session_settings" {
  description = "Durations (seconds) and thresholds of the restore session."
  type = object({
    restore_poll_seconds                   = number
    restore_timeout_seconds                = number
    caught_up_poll_seconds                 = number
    caught_up_backlog                      = number
    caught_up_lag_seconds                  = number
    max_session_seconds                    = number
    drain_poll_seconds                     = number
    cutover_quiet_reads                    = number
    cutover_quiet_seconds                  = number
    cutover_queue_settle_seconds           = number
    cutover_queue_reading_interval_seconds = number
    cutover_poll_seconds                   = number
  })

  validation {
    condition = alltrue([
      var.session_settings.restore_poll_seconds >= 1,
      var.session_settings.restore_timeout_seconds >= var.session_settings.restore_poll_seconds,
      var.session_settings.caught_up_poll_seconds >= 1,
      var.session_settings.caught_up_backlog >= 0,
      var.session_settings.caught_up_lag_seconds >= 1,
      var.session_settings.max_session_seconds >= 1,
      var.session_settings.max_session_seconds <= 31536000,
      var.session_settings.drain_poll_seconds >= 1,
      var.session_settings.cutover_quiet_reads >= 1,
      var.session_settings.cutover_quiet_seconds >= var.session_settings.cutover_quiet_reads,
      var.session_settings.cutover_queue_settle_seconds >= 1,
      var.session_settings.cutover_queue_reading_interval_seconds >= 1,
      var.session_settings.cutover_poll_seconds >= 1,
    ])
    error_message = "session_settings: poll intervals and lags must be >= 1 s, restore_timeout_seconds >= restore_poll_seconds, caught_up_backlog >= 0, max_session_seconds between 1 and 31536000 (a Standard state machine runs at most one year), and cutover_quiet_seconds >= cutover_quiet_reads (at most one stream read per second per shard)."
  }
}

variable "notification_emails" {
  description = "E-mail addresses subscribed to the notification topic (each must confirm the subscription)."
  type        = list(string)
  default     = []
}

variable "create_trail" {
  description = "Create a management-events CloudTrail trail with its own S3 bucket. EventBridge receives RestoreTableToPointInTime only when the account and region have a trail with logging on."
  type        = bool
  default     = false
}

variable "trail_retention_days" {
  description = "Days the trail's bucket keeps log files (only with create_trail)."
  type        = number
  default     = 30

  validation {
    condition     = var.trail_retention_days >= 1
    error_message = "trail_retention_days must be at least 1; got ${var.trail_retention_days}."
  }
}

variable "tags" {
  description = "Tags for every resource of the module."
  type        = map(string)
  default     = {}
}
