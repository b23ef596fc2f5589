# Every setting of the module, most at their defaults, to show what can be tuned.
# make native (or the JVM package with function_runtime = "jvm") must run first: the zip is
# hashed at plan time.

module "restore_cdc" {
  source = "../.."

  table_name           = var.table_name
  target_table_pattern = "${var.table_name}-restored*"
  function_runtime     = "native"
  replay_from_mode     = "auto"
  replay_semantics     = "auto"
  create_trail         = var.create_trail
  notification_emails  = var.notification_emails
  log_retention_days   = 30

  # A PITR restore does not carry these over; the session re-applies them from the source.
  copy_settings = {
    stream              = true
    ttl                 = true
    pitr                = true
    tags                = true
    deletion_protection = true
    autoscaling         = true
    resource_policy     = true
  }

  # Unset values come from config/deployment-defaults.json.
  session_settings = {
    caught_up_backlog     = 10
    caught_up_lag_seconds = 60
    max_session_seconds   = 259200
  }

  replay_settings = {
    # Protects the restored table: at most this many concurrent replay invocations.
    maximum_concurrency = 20
  }

  alarm_settings = {
    oldest_message_age_seconds = 86400
    iterator_age_seconds       = 43200
  }

  tags = {
    Owner = "data-platform"
  }
}
