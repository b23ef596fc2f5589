variable "name_prefix" {
  description = "Prefix of every name; the queues are <name_prefix>-changes.fifo and <name_prefix>-changes-dlq.fifo."
  type        = string

  validation {
    condition     = can(regex("^[A-Za-z0-9_-]{1,62}$", var.name_prefix))
    error_message = "name_prefix must be 1-62 letters, digits, '-' or '_' so that \"<name_prefix>-changes-dlq.fifo\" fits SQS's 80 characters; got \"${var.name_prefix}\"."
  }
}

variable "visibility_timeout_seconds" {
  description = "Visibility timeout of the changes queue. AWS advises at least 6 times the timeout of the function the queue triggers (replay_timeout_seconds)."
  type        = number

  validation {
    condition     = var.visibility_timeout_seconds >= 0 && var.visibility_timeout_seconds <= 43200
    error_message = "visibility_timeout_seconds must be between 0 and 43200 (12 hours); got ${var.visibility_timeout_seconds}."
  }
}

variable "replay_timeout_seconds" {
  description = "Timeout of the replay function the queue triggers; the visibility timeout must be at least 6 times this."
  type        = number

  validation {
    condition     = var.replay_timeout_seconds >= 1 && var.replay_timeout_seconds <= 900
    error_message = "replay_timeout_seconds must be between 1 and 900 (Lambda's limit); got ${var.replay_timeout_seconds}."
  }
}

variable "message_retention_seconds" {
  description = "How long the changes queue keeps a message (SQS allows 60 to 1209600 = 14 days)."
  type        = number
  default     = 1209600

  validation {
    condition     = var.message_retention_seconds >= 60 && var.message_retention_seconds <= 1209600
    error_message = "message_retention_seconds must be between 60 and 1209600; got ${var.message_retention_seconds}."
  }
}

variable "dlq_message_retention_seconds" {
  description = "How long the dead-letter queue keeps a message. Keep it at the maximum so failed changes can be inspected."
  type        = number
  default     = 1209600

  validation {
    condition     = var.dlq_message_retention_seconds >= 60 && var.dlq_message_retention_seconds <= 1209600
    error_message = "dlq_message_retention_seconds must be between 60 and 1209600; got ${var.dlq_message_retention_seconds}."
  }
}

variable "max_message_size" {
  description = "Largest message body (bytes) both queues accept. Keep 1048576 (1 MiB): capture sends items of up to DynamoDB's 400 KB, which a smaller limit refuses. Set explicitly because the AWS provider's default is still 262144 (256 KiB)."
  type        = number
  default     = 1048576

  validation {
    condition     = var.max_message_size >= 1024 && var.max_message_size <= 1048576
    error_message = "max_message_size must be between 1024 and 1048576 (SQS's range); got ${var.max_message_size}."
  }
}

variable "max_receive_count" {
  description = "Receives of a message before SQS moves it to the dead-letter queue. Replay itself dead-letters the messages it can never apply, so this only has to outlast trouble: SQS counts every receive, and a message kept failing by throttling of the restored table comes back once per visibility timeout. max_receive_count x visibility_timeout_seconds must cover at least 12 hours of continuous throttling (default 150 x 360 s = 15 h), or valid changes reach the DLQ."
  type        = number
  default     = 150

  validation {
    condition     = var.max_receive_count >= 1 && var.max_receive_count <= 1000
    error_message = "max_receive_count must be between 1 and 1000; got ${var.max_receive_count}."
  }
}

variable "content_based_deduplication" {
  description = "Must stay false: capture sets MessageDeduplicationId to the stream record's eventID, and two changes with equal bodies are different changes."
  type        = bool
  default     = false

  validation {
    condition     = var.content_based_deduplication == false
    error_message = "content_based_deduplication must be false: capture deduplicates on the stream record's eventID."
  }
}

variable "deduplication_scope" {
  description = "FIFO deduplication scope; messageGroup together with fifo_throughput_limit = perMessageGroupId is high-throughput FIFO."
  type        = string
  default     = "messageGroup"

  validation {
    condition     = contains(["messageGroup", "queue"], var.deduplication_scope)
    error_message = "deduplication_scope must be messageGroup or queue; got \"${var.deduplication_scope}\"."
  }
}

variable "fifo_throughput_limit" {
  description = "FIFO throughput limit; perMessageGroupId is high-throughput FIFO (needs deduplication_scope = messageGroup)."
  type        = string
  default     = "perMessageGroupId"

  validation {
    condition     = contains(["perMessageGroupId", "perQueue"], var.fifo_throughput_limit)
    error_message = "fifo_throughput_limit must be perMessageGroupId or perQueue; got \"${var.fifo_throughput_limit}\"."
  }
}

variable "tags" {
  description = "Tags for both queues."
  type        = map(string)
  default     = {}
}
