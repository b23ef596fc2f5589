variable "name_prefix" {
  description = "Prefix of every name; the function and its role are <name_prefix>-replay (modules/function validates it)."
  type        = string
}

variable "function" {
  description = "The replay function, handed to modules/function, which validates it: package (the one Quarkus artefact: runtime, handler, filename, source_code_hash, architecture, environment), memory_mb, timeout_seconds, and log_group_arn (/aws/lambda/<name_prefix>-replay, created by the observability module)."
  type = object({
    # The package's shape is modules/function's variable "package"; one definition, checked there.
    package         = any
    memory_mb       = number
    timeout_seconds = number
    log_group_arn   = string
  })
}

variable "queue_arn" {
  description = "ARN of the changes FIFO queue the mapping reads."
  type        = string
}

variable "source_table_arn" {
  description = "ARN of the source table; replay is explicitly denied writing to it even when target_table_pattern would match it."
  type        = string
}

variable "target_table_arn_pattern" {
  description = "ARN pattern of the restored tables replay may write to (arn:...:table/<target_table_pattern>)."
  type        = string

  validation {
    condition     = can(regex("^arn:[^:]+:dynamodb:[^:]+:[0-9]{12}:table/[A-Za-z0-9_.-]{3,}[A-Za-z0-9_.*?-]*$", var.target_table_arn_pattern))
    error_message = "target_table_arn_pattern must be a table ARN whose name starts with at least 3 literal characters; got \"${var.target_table_arn_pattern}\"."
  }
}

variable "restore_region_target_table_arn_patterns" {
  description = "target_table_arn_pattern in each of the root's restore_regions: restores called there create their table there, and replay writes it through that region's endpoint."
  type        = list(string)
  default     = []
  nullable    = false

  validation {
    condition     = alltrue([for p in var.restore_region_target_table_arn_patterns : can(regex("^arn:[^:]+:dynamodb:[^:]+:[0-9]{12}:table/[A-Za-z0-9_.-]{3,}[A-Za-z0-9_.*?-]*$", p))])
    error_message = "restore_region_target_table_arn_patterns must be table ARNs whose names start with at least 3 literal characters."
  }
}

variable "dlq_arn" {
  description = "ARN of the dead-letter FIFO queue; replay sends a message it can never apply there (CDC_DLQ_URL), so its shard or group goes on."
  type        = string
}

variable "control_table_arn" {
  description = "ARN of the control table (replay reads the session, adds counters and writes the key log)."
  type        = string
}

variable "batch_size" {
  description = "Messages per invocation; Lambda gives at most 10 per batch from a FIFO queue."
  type        = number

  validation {
    condition     = var.batch_size >= 1 && var.batch_size <= 10
    error_message = "batch_size must be between 1 and 10 for a FIFO queue; got ${var.batch_size}."
  }
}

variable "maximum_concurrency" {
  description = "Most concurrent replay invocations the SQS mapping starts; protects the restored table's capacity."
  type        = number

  validation {
    condition     = var.maximum_concurrency >= 2 && var.maximum_concurrency <= 1000
    error_message = "maximum_concurrency must be between 2 and 1000 (Lambda's range for SQS mappings); got ${var.maximum_concurrency}."
  }
}

variable "function_response_types" {
  description = "Response types of the mapping; ReportBatchItemFailures lets replay fail one message group without failing the batch."
  type        = list(string)
  default     = ["ReportBatchItemFailures"]

  validation {
    condition     = contains(var.function_response_types, "ReportBatchItemFailures")
    error_message = "function_response_types must contain ReportBatchItemFailures: replay reports partial batch failures."
  }
}

variable "tags" {
  description = "Tags for the function, its role and the mapping."
  type        = map(string)
  default     = {}
}
