output "log_group_names" {
  description = "Log group name by function role."
  value       = { for role, group in aws_cloudwatch_log_group.this : role => group.name }
}

output "alarm_names" {
  description = "Names of every alarm this module creates."
  value = concat(
    [
      aws_cloudwatch_metric_alarm.dlq_depth.alarm_name,
      aws_cloudwatch_metric_alarm.oldest_message_age.alarm_name,
      aws_cloudwatch_metric_alarm.iterator_age.alarm_name,
    ],
    [for alarm in aws_cloudwatch_metric_alarm.function_errors : alarm.alarm_name],
  )
}

output "dashboard_name" {
  description = "Name of the CloudWatch dashboard."
  value       = aws_cloudwatch_dashboard.this.dashboard_name
}

output "dashboard_url" {
  description = "Console URL of the CloudWatch dashboard."
  value       = "https://${local.region}.console.aws.amazon.com/cloudwatch/home?region=${local.region}#dashboards:name=${aws_cloudwatch_dashboard.this.dashboard_name}"
}
