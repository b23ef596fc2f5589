variable "name_prefix" {
  description = "Prefix of every name; the function and its role are <name_prefix>-<handler_name>."
  type        = string

  validation {
    condition     = can(regex("^[A-Za-z0-9_-]{1,55}$", var.name_prefix))
    error_message = "name_prefix must be 1-55 letters, digits, '-' or '_' (Lambda and IAM role names are limited to 64 characters); got \"${var.name_prefix}\"."
  }
}

variable "handler_name" {
  description = "The @Named handler the function runs (QUARKUS_LAMBDA_HANDLER): capture, replay or workflow. Also names the function, its role and the role's inline policy."
  type        = string

  validation {
    condition     = contains(["capture", "replay", "workflow"], var.handler_name)
    error_message = "handler_name must be capture, replay or workflow; got \"${var.handler_name}\"."
  }
}

variable "description" {
  description = "Description of the function: what it reads and writes."
  type        = string
}

variable "package" {
  description = "The one Quarkus artefact: runtime, handler, zip path and its base64 SHA-256, architecture, plus environment variables every function gets. QUARKUS_LAMBDA_HANDLER is added by this module."
  type = object({
    runtime          = string
    handler          = string
    filename         = string
    source_code_hash = string
    architecture     = string
    environment      = map(string)
  })

  validation {
    condition     = contains(["provided.al2023", "java21"], var.package.runtime)
    error_message = "package.runtime must be provided.al2023 (native) or java21 (JVM); got \"${var.package.runtime}\"."
  }
}

variable "memory_mb" {
  description = "Memory of the function in MB."
  type        = number

  validation {
    condition     = var.memory_mb >= 128 && var.memory_mb <= 10240
    error_message = "memory_mb must be between 128 and 10240; got ${var.memory_mb}."
  }
}

variable "timeout_seconds" {
  description = "Timeout of the function in seconds."
  type        = number

  validation {
    condition     = var.timeout_seconds >= 1 && var.timeout_seconds <= 900
    error_message = "timeout_seconds must be between 1 and 900; got ${var.timeout_seconds}."
  }
}

variable "log_group_arn" {
  description = "ARN of the function's log group /aws/lambda/<name_prefix>-<handler_name> (created by the observability module); the role may write to it and nowhere else."
  type        = string
}

variable "policy_statements" {
  description = "What the function may do besides writing its logs: statements with sid, effect, actions, resources and optional conditions (test, variable, values). Every action must be named: no \"*\" or wildcard action."
  type = list(object({
    sid       = string
    effect    = string
    actions   = list(string)
    resources = list(string)
    conditions = optional(list(object({
      test     = string
      variable = string
      values   = list(string)
    })), [])
  }))

  validation {
    condition     = alltrue([for s in var.policy_statements : alltrue([for a in s.actions : length(regexall("[*]", a)) == 0])])
    error_message = "policy_statements must name every action; found a wildcard action in ${jsonencode([for s in var.policy_statements : s.sid if anytrue([for a in s.actions : length(regexall("[*]", a)) > 0])])}."
  }

  validation {
    condition     = alltrue([for s in var.policy_statements : contains(["Allow", "Deny"], s.effect)])
    error_message = "policy_statements: every effect must be Allow or Deny."
  }
}

variable "tags" {
  description = "Tags for the function and its role."
  type        = map(string)
  default     = {}
}
