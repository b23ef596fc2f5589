output "queue_url" {
  description = "URL of the changes FIFO queue (CDC_QUEUE_URL)."
  value       = aws_sqs_queue.this.url
}

output "queue_arn" {
  description = "ARN of the changes FIFO queue."
  value       = aws_sqs_queue.this.arn
}

output "queue_name" {
  description = "Name of the changes FIFO queue (for CloudWatch metrics)."
  value       = aws_sqs_queue.this.name
}

output "dlq_url" {
  description = "URL of the dead-letter FIFO queue."
  value       = aws_sqs_queue.dlq.url
}

output "dlq_arn" {
  description = "ARN of the dead-letter FIFO queue."
  value       = aws_sqs_queue.dlq.arn
}

output "dlq_name" {
  description = "Name of the dead-letter FIFO queue (for CloudWatch metrics)."
  value       = aws_sqs_queue.dlq.name
}
