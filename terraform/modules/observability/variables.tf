variable "name_prefix" {
  description = "Prefix of every name; alarms are <name_prefix>-<what>, the dashboard <name_prefix>."
  type        = string

  validation {
    condition     = can(regex("^[A-Za-z0-9_-]{1,55}$", var.name_prefix))
    error_message = "name_prefix must be 1-55 letters, digits, '-' or '_'; got \"${var.name_prefix}\"."
  }
}

variable "function_names" {
  description = "Function names by role: capture, replay and workflow. Their log groups are /aws/lambda/<name>."
  type        = map(string)

  validation {
    condition     = length(setsubtract(["capture", "replay", "workflow"], keys(var.function_names))) == 0
    error_message = "function_names must name the capture, replay and workflow functions."
  }
}

variable "log_retention_days" {
  description = "Days CloudWatch Logs keeps the functions' logs."
  type        = number
  default     = 30

  validation {
    condition     = contains([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.log_retention_days)
    error_message = "log_retention_days must be a value CloudWatch Logs accepts (1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653); got ${var.log_retention_days}."
  }
}

variable "queue_name" {
  description = "Name of the changes FIFO queue."
  type        = string
}

variable "dlq_name" {
  description = "Name of the dead-letter FIFO queue."
  type        = string
}

variable "state_machine_arn" {
  description = "ARN of the restore session state machine (dashboard)."
  type        = string
}

variable "sns_topic_arn" {
  description = "Topic every alarm notifies."
  type        = string
}

variable "oldest_message_age_threshold_seconds" {
  description = "Alarm when the oldest change in the queue is older than this. Changes wait in the queue while a restore runs, so keep it above the longest restore you expect and well below the 14-day retention."
  type        = number
  default     = 86400

  validation {
    condition     = var.oldest_message_age_threshold_seconds >= 60 && var.oldest_message_age_threshold_seconds < 1209600
    error_message = "oldest_message_age_threshold_seconds must be between 60 and 1209599 (below the queue's 14-day retention); got ${var.oldest_message_age_threshold_seconds}."
  }
}

variable "iterator_age_threshold_seconds" {
  description = "Alarm when capture lags the stream by more than this. A session starts capture at TRIM_HORIZON (up to 24 h behind); a stream keeps records 24 h, so a lag nearing that loses changes."
  type        = number
  default     = 43200

  validation {
    condition     = var.iterator_age_threshold_seconds >= 60 && var.iterator_age_threshold_seconds < 86400
    error_message = "iterator_age_threshold_seconds must be between 60 and 86399 (below the stream's 24-hour retention); got ${var.iterator_age_threshold_seconds}."
  }
}

variable "tags" {
  description = "Tags for log groups, alarms and the dashboard."
  type        = map(string)
  default     = {}
}
