variable "table_name" {
  description = "Name of the live DynamoDB table whose restores this deployment follows. It needs a stream (NEW_IMAGE or NEW_AND_OLD_IMAGES) and point-in-time recovery."
  type        = string

  validation {
    condition     = can(regex("^[A-Za-z0-9_.-]{3,255}$", var.table_name))
    error_message = "table_name must be a DynamoDB table name: 3-255 letters, digits, '_', '-' or '.'; got \"${var.table_name}\"."
  }
}

variable "name_prefix" {
  description = "Prefix of every resource name. Default: \"rcdc-\" + the table name (dots made dashes, cut to 43 characters) + \"-\" + the first 6 hex digits of sha1(table_name), so \"<prefix>-workflow\" fits Lambda's and IAM's 64 characters and \"<prefix>-changes-dlq.fifo\" SQS's 80."
  type        = string
  default     = null

  validation {
    condition     = var.name_prefix == null || can(regex("^[A-Za-z0-9_-]{1,55}$", var.name_prefix))
    error_message = "name_prefix must be 1-55 letters, digits, '-' or '_' (\"<name_prefix>-workflow\" must fit 64 characters)."
  }
}

variable "target_table_pattern" {
  description = "Names a restored table may have, with IAM wildcards * and ?. Scopes replay's and the settings copy's IAM; a session whose restore names a target outside it is refused when it registers. Default: \"<table_name>-restored*\". It must not match any other table of the account: put a word only restores of this table use between the table name and the wildcard (\"<table_name>*\" or \"<table_name>-*\" are refused, they match e.g. <table_name>-ledger). The source table itself is always denied."
  type        = string
  default     = null

  validation {
    condition     = var.target_table_pattern == null || can(regex("^[A-Za-z0-9_.-]{3,}[A-Za-z0-9_.*?-]*$", var.target_table_pattern))
    error_message = "target_table_pattern must start with at least 3 literal table-name characters, then table-name characters or the wildcards * and ? (\"*\" alone would let replay write to every table)."
  }
}

variable "function_runtime" {
  description = "native (default): the GraalVM binary on provided.al2023 from dist/function-native.zip (make native). jvm: java21 with Quarkus' stream handler from dist/function-jvm.zip, for builds without GraalVM."
  type        = string
  default     = "native"

  validation {
    condition     = contains(["native", "jvm"], var.function_runtime)
    error_message = "function_runtime must be native or jvm; got \"${var.function_runtime}\"."
  }
}

variable "function_zip" {
  description = "Path of the function zip. Default: <repo>/dist/function-native.zip or <repo>/dist/function-jvm.zip by function_runtime."
  type        = string
  default     = null

  validation {
    condition     = var.function_zip == null || can(regex("\\.zip$", var.function_zip))
    error_message = "function_zip must be the path of a .zip file."
  }
}

variable "replay_from_mode" {
  description = "Which changes replay applies. auto (default): after the restore point for a latest-restorable copy, after the restore request otherwise. restore_requested or restore_point force one. Default from config/deployment-defaults.json."
  type        = string
  default     = null

  validation {
    condition     = var.replay_from_mode == null || contains(["auto", "restore_requested", "restore_point"], coalesce(var.replay_from_mode, "auto"))
    error_message = "replay_from_mode must be auto, restore_requested or restore_point."
  }
}

variable "replay_semantics" {
  description = "How replay applies changes. auto (default): whole new images for a latest-restorable copy, only what each change did (SET/REMOVE of its attributes, conflicts reported per key) for an undo to an explicit point. image or change force one; change needs a NEW_AND_OLD_IMAGES stream (with NEW_IMAGE a session falls back to images and says so). Default from config/deployment-defaults.json."
  type        = string
  default     = null

  validation {
    condition     = var.replay_semantics == null || contains(["auto", "image", "change"], coalesce(var.replay_semantics, "auto"))
    error_message = "replay_semantics must be auto, image or change."
  }
}

variable "copy_settings" {
  description = "Which settings of the source the session re-applies to the restored table (a point-in-time restore does not carry them): stream, ttl, pitr, tags, deletion_protection, autoscaling, resource_policy. Unset ones default to config/deployment-defaults.json (all on)."
  type = object({
    stream              = optional(bool)
    ttl                 = optional(bool)
    pitr                = optional(bool)
    tags                = optional(bool)
    deletion_protection = optional(bool)
    autoscaling         = optional(bool)
    resource_policy     = optional(bool)
  })
  default  = {}
  nullable = false
}

variable "create_trail" {
  description = "Create a minimal management-events CloudTrail trail (and its S3 bucket, force_destroy) in this region. EventBridge sees RestoreTableToPointInTime only when a trail with logging on exists; leave false if the account already has one."
  type        = bool
  default     = false
}

variable "restore_regions" {
  description = "Other regions whose restores of this table are followed: a restore called in one of them (aws dynamodb restore-table-to-point-in-time --region <r> --source-table-arn <this table's ARN>) creates its table there. Each gets an EventBridge rule that forwards the restore's CloudTrail event to this region's default bus, and replay and the settings copy may write <target_table_pattern> tables there. The trail must record those regions' management events (a multi-region trail; create_trail makes one when this list is not empty). A restore into any other region is refused when its session registers. Default: none (same-region restores only)."
  type        = list(string)
  default     = []
  nullable    = false

  validation {
    condition     = alltrue([for r in var.restore_regions : can(regex("^[a-z]{2}(-[a-z]+)+-[0-9]+$", r))])
    error_message = "restore_regions must hold region names such as eu-west-1."
  }
}

variable "notification_emails" {
  description = "E-mail addresses subscribed to the notification topic (session events and alarms). Each address must confirm its subscription."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for e in var.notification_emails : can(regex("^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$", e))])
    error_message = "notification_emails must hold e-mail addresses only."
  }
}

variable "log_retention_days" {
  description = "Days CloudWatch Logs keeps the functions' logs (and the trail bucket its files)."
  type        = number
  default     = 30

  validation {
    condition     = contains([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.log_retention_days)
    error_message = "log_retention_days must be a value CloudWatch Logs accepts: 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288 or 3653."
  }
}

variable "tags" {
  description = "Tags for every resource that takes tags."
  type        = map(string)
  default     = {}
}

variable "session_settings" {
  description = "Durations (seconds) and thresholds of the restore session. Unset ones come from config/deployment-defaults.json \"session\"."
  type = object({
    restore_poll_seconds    = optional(number)
    restore_timeout_seconds = optional(number)
    caught_up_poll_seconds  = optional(number)
    caught_up_backlog       = optional(number)
    caught_up_lag_seconds   = optional(number)
    max_session_seconds     = optional(number)
    drain_poll_seconds      = optional(number)
    # The cutover's waits (docs/operator-cli.md "cutover"): K reads over S seconds per open shard,
    # the queue's settling time and reading interval, the CLI's progress interval.
    cutover_quiet_reads                    = optional(number)
    cutover_quiet_seconds                  = optional(number)
    cutover_queue_settle_seconds           = optional(number)
    cutover_queue_reading_interval_seconds = optional(number)
    cutover_poll_seconds                   = optional(number)
  })
  default  = {}
  nullable = false

  validation {
    condition = alltrue([
      for k, v in var.session_settings : v == null ? true : (k == "caught_up_backlog" ? v >= 0 : v >= 1)
    ])
    error_message = "session_settings: every duration must be at least 1 second and caught_up_backlog at least 0."
  }

  validation {
    condition     = var.session_settings.max_session_seconds == null ? true : var.session_settings.max_session_seconds <= 31536000
    error_message = "session_settings.max_session_seconds must be at most 31536000 (a Standard state machine runs at most one year)."
  }
}

variable "queue_settings" {
  description = "Changes queue settings. visibility_timeout_seconds defaults to the larger of config/deployment-defaults.json and 6 x the replay timeout; max_receive_count to the shared file (150). Their product must cover 12 hours, so continuous throttling of the restored table never moves valid changes to the DLQ (replay dead-letters poison itself)."
  type = object({
    visibility_timeout_seconds = optional(number)
    max_receive_count          = optional(number)
  })
  default  = {}
  nullable = false

  validation {
    condition     = var.queue_settings.visibility_timeout_seconds == null ? true : (var.queue_settings.visibility_timeout_seconds >= 0 && var.queue_settings.visibility_timeout_seconds <= 43200)
    error_message = "queue_settings.visibility_timeout_seconds must be between 0 and 43200."
  }

  validation {
    condition     = var.queue_settings.max_receive_count == null ? true : (var.queue_settings.max_receive_count >= 1 && var.queue_settings.max_receive_count <= 1000)
    error_message = "queue_settings.max_receive_count must be between 1 and 1000."
  }
}

variable "capture_settings" {
  description = "Capture function and stream mapping settings. Unset ones come from config/deployment-defaults.json \"capture\"."
  type = object({
    memory_mb                       = optional(number)
    timeout_seconds                 = optional(number)
    batch_size                      = optional(number)
    maximum_batching_window_seconds = optional(number)
    parallelization_factor          = optional(number)
    tumbling_window_in_seconds      = optional(number)
  })
  default  = {}
  nullable = false

  validation {
    condition     = var.capture_settings.memory_mb == null ? true : (var.capture_settings.memory_mb >= 128 && var.capture_settings.memory_mb <= 10240)
    error_message = "capture_settings.memory_mb must be between 128 and 10240."
  }

  validation {
    condition     = var.capture_settings.timeout_seconds == null ? true : (var.capture_settings.timeout_seconds >= 1 && var.capture_settings.timeout_seconds <= 900)
    error_message = "capture_settings.timeout_seconds must be between 1 and 900."
  }

  validation {
    condition     = var.capture_settings.batch_size == null ? true : (var.capture_settings.batch_size >= 1 && var.capture_settings.batch_size <= 10000)
    error_message = "capture_settings.batch_size must be between 1 and 10000."
  }

  validation {
    condition     = var.capture_settings.maximum_batching_window_seconds == null ? true : (var.capture_settings.maximum_batching_window_seconds >= 0 && var.capture_settings.maximum_batching_window_seconds <= 300)
    error_message = "capture_settings.maximum_batching_window_seconds must be between 0 and 300."
  }

  validation {
    condition     = var.capture_settings.parallelization_factor == null ? true : var.capture_settings.parallelization_factor == 1
    error_message = "capture_settings.parallelization_factor must be 1: per-shard capture progress (the cutover's proof) is only sound with one batch per shard at a time."
  }
}

variable "replay_settings" {
  description = "Replay function and SQS mapping settings. Unset ones come from config/deployment-defaults.json \"replay\"."
  type = object({
    memory_mb           = optional(number)
    timeout_seconds     = optional(number)
    batch_size          = optional(number)
    maximum_concurrency = optional(number)
  })
  default  = {}
  nullable = false

  validation {
    condition     = var.replay_settings.memory_mb == null ? true : (var.replay_settings.memory_mb >= 128 && var.replay_settings.memory_mb <= 10240)
    error_message = "replay_settings.memory_mb must be between 128 and 10240."
  }

  validation {
    condition     = var.replay_settings.timeout_seconds == null ? true : (var.replay_settings.timeout_seconds >= 1 && var.replay_settings.timeout_seconds <= 900)
    error_message = "replay_settings.timeout_seconds must be between 1 and 900."
  }

  validation {
    condition     = var.replay_settings.batch_size == null ? true : (var.replay_settings.batch_size >= 1 && var.replay_settings.batch_size <= 10)
    error_message = "replay_settings.batch_size must be between 1 and 10: Lambda reads at most 10 messages per batch from a FIFO queue."
  }

  validation {
    condition     = var.replay_settings.maximum_concurrency == null ? true : (var.replay_settings.maximum_concurrency >= 2 && var.replay_settings.maximum_concurrency <= 1000)
    error_message = "replay_settings.maximum_concurrency must be between 2 and 1000."
  }
}

variable "workflow_settings" {
  description = "Workflow function settings. Unset ones come from config/deployment-defaults.json \"workflow\"."
  type = object({
    memory_mb       = optional(number)
    timeout_seconds = optional(number)
  })
  default  = {}
  nullable = false

  validation {
    condition     = var.workflow_settings.memory_mb == null ? true : (var.workflow_settings.memory_mb >= 128 && var.workflow_settings.memory_mb <= 10240)
    error_message = "workflow_settings.memory_mb must be between 128 and 10240."
  }

  validation {
    condition     = var.workflow_settings.timeout_seconds == null ? true : (var.workflow_settings.timeout_seconds >= 1 && var.workflow_settings.timeout_seconds <= 900)
    error_message = "workflow_settings.timeout_seconds must be between 1 and 900."
  }
}

variable "alarm_settings" {
  description = "Alarm thresholds: oldest change in the queue (seconds; changes wait there while a restore runs) and capture iterator age (seconds; the stream keeps 24 h)."
  type = object({
    oldest_message_age_seconds = optional(number, 86400)
    iterator_age_seconds       = optional(number, 43200)
  })
  default  = {}
  nullable = false

  validation {
    condition     = var.alarm_settings.oldest_message_age_seconds >= 60 && var.alarm_settings.oldest_message_age_seconds < 1209600
    error_message = "alarm_settings.oldest_message_age_seconds must be between 60 and 1209599 (below the queue's 14-day retention)."
  }

  validation {
    condition     = var.alarm_settings.iterator_age_seconds >= 60 && var.alarm_settings.iterator_age_seconds < 86400
    error_message = "alarm_settings.iterator_age_seconds must be between 60 and 86399 (below the stream's 24-hour retention)."
  }
}
