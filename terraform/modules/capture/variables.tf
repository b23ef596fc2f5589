variable "name_prefix" {
  description = "Prefix of every name; the function and its role are <name_prefix>-capture (modules/function validates it)."
  type        = string
}

variable "function" {
  description = "The capture function, handed to modules/function, which validates it: package (the one Quarkus artefact: runtime, handler, filename, source_code_hash, architecture, environment), memory_mb, timeout_seconds, and log_group_arn (/aws/lambda/<name_prefix>-capture, created by the observability module)."
  type = object({
    # The package's shape is modules/function's variable "package"; one definition, checked there.
    package         = any
    memory_mb       = number
    timeout_seconds = number
    log_group_arn   = string
  })
}

variable "stream_arn" {
  description = "ARN of the source table's stream (the latest stream of the table)."
  type        = string

  validation {
    condition     = can(regex("^arn:[^:]+:dynamodb:[^:]+:[0-9]{12}:table/[^/]+/stream/.+$", var.stream_arn))
    error_message = "stream_arn must be a DynamoDB stream ARN (arn:...:table/<name>/stream/<label>); got \"${var.stream_arn}\". Is the table's stream enabled?"
  }
}

variable "queue_arn" {
  description = "ARN of the changes FIFO queue capture sends to."
  type        = string
}

variable "dlq_arn" {
  description = "ARN of the dead-letter FIFO queue; capture sends a record of a change SQS refuses for good there (CDC_DLQ_URL), so its shard or group goes on."
  type        = string
}

variable "control_table_arn" {
  description = "ARN of the control table (capture reads the session and adds its counters)."
  type        = string
}

variable "batch_size" {
  description = "Largest number of stream records per invocation."
  type        = number

  validation {
    condition     = var.batch_size >= 1 && var.batch_size <= 10000
    error_message = "batch_size must be between 1 and 10000 for a DynamoDB stream; got ${var.batch_size}."
  }
}

variable "maximum_batching_window_seconds" {
  description = "Seconds the mapping may gather records before it invokes the function."
  type        = number

  validation {
    condition     = var.maximum_batching_window_seconds >= 0 && var.maximum_batching_window_seconds <= 300
    error_message = "maximum_batching_window_seconds must be between 0 and 300; got ${var.maximum_batching_window_seconds}."
  }
}

variable "parallelization_factor" {
  description = "Batches processed concurrently per shard (order per item holds: Lambda keeps one partition key in one batch stream)."
  type        = number

  validation {
    condition     = var.parallelization_factor == 1
    error_message = "parallelization_factor must be 1: per-shard progress (the cutover's proof) is the newest sequence number capture processed, which concurrent batches of one shard would overstate; got ${var.parallelization_factor}."
  }
}

variable "tumbling_window_in_seconds" {
  description = "Tumbling window of the capture mapping: only then does each event name its shardId, which capture needs to record progress per shard (the cutover's proof). Needs parallelization_factor = 1: with concurrent batches of one shard, the newest processed sequence number would hide an older batch still pending."
  type        = number

  validation {
    condition     = var.tumbling_window_in_seconds >= 1 && var.tumbling_window_in_seconds <= 900
    error_message = "tumbling_window_in_seconds must be between 1 and 900 (capture needs the shardId that only windowed events carry); got ${var.tumbling_window_in_seconds}."
  }
}

variable "starting_position" {
  description = "Where a newly enabled mapping starts; TRIM_HORIZON so a session enabled after the restore point still sees every change of the last 24 hours."
  type        = string
  default     = "TRIM_HORIZON"

  validation {
    condition     = var.starting_position == "TRIM_HORIZON"
    error_message = "starting_position must be TRIM_HORIZON: with LATEST the changes made between the restore point and the session's start would be lost."
  }
}

variable "maximum_retry_attempts" {
  description = "Retries of a failing batch; -1 (until the record expires from the stream) so no change is ever skipped."
  type        = number
  default     = -1

  validation {
    condition     = var.maximum_retry_attempts == -1
    error_message = "maximum_retry_attempts must be -1: a finite value lets Lambda skip records, which would lose changes. Iterator age is alarmed instead."
  }
}

variable "maximum_record_age_seconds" {
  description = "Maximum age of a record sent to the function; -1 (no limit) so no change is skipped."
  type        = number
  default     = -1

  validation {
    condition     = var.maximum_record_age_seconds == -1
    error_message = "maximum_record_age_seconds must be -1: a limit lets Lambda skip old records, which would lose changes."
  }
}

variable "bisect_batch_on_function_error" {
  description = "Split a failing batch in two and retry, to isolate a bad record."
  type        = bool
  default     = true
}

variable "function_response_types" {
  description = "Response types of the mapping; ReportBatchItemFailures lets capture return the earliest failed record."
  type        = list(string)
  default     = ["ReportBatchItemFailures"]

  validation {
    condition     = contains(var.function_response_types, "ReportBatchItemFailures")
    error_message = "function_response_types must contain ReportBatchItemFailures: capture reports partial batch failures."
  }
}

variable "tags" {
  description = "Tags for the function, its role and the mapping."
  type        = map(string)
  default     = {}
}
