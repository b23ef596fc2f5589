variable "region" {
  description = "AWS region of the table."
  type        = string
  default     = "eu-west-1"
}

variable "table_name" {
  description = "Existing table to follow; it needs a stream (NEW_AND_OLD_IMAGES) and point-in-time recovery."
  type        = string
}

variable "notification_emails" {
  description = "Who hears about sessions and alarms."
  type        = list(string)
  default     = []
}

variable "create_trail" {
  description = "Create a CloudTrail trail; only if the account and region have none (EventBridge needs one to see restores)."
  type        = bool
  default     = false
}
