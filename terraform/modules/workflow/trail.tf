# Optional minimal trail. EventBridge only receives "AWS API Call via CloudTrail" events when the
# account and region have a trail with logging on; accounts that have one keep create_trail off.

locals {
  trail_name = "${var.name_prefix}-trail"
  trail_arn  = "arn:${local.partition}:cloudtrail:${local.region}:${local.account_id}:trail/${local.trail_name}"
  # Bucket names are global, lower-case and at most 63 characters; the table name may be neither.
  trail_bucket_name = "rcdc-trail-${local.account_id}-${local.region}-${substr(sha1(var.name_prefix), 0, 6)}"
}

resource "aws_s3_bucket" "trail" {
  count = var.create_trail ? 1 : 0

  bucket = local.trail_bucket_name
  # terraform destroy must succeed although the trail has written log files.
  force_destroy = true
  tags          = var.tags
}

resource "aws_s3_bucket_public_access_block" "trail" {
  count = var.create_trail ? 1 : 0

  bucket                  = aws_s3_bucket.trail[0].id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

resource "aws_s3_bucket_lifecycle_configuration" "trail" {
  count = var.create_trail ? 1 : 0

  bucket = aws_s3_bucket.trail[0].id

  rule {
    id     = "expire-trail-logs"
    status = "Enabled"

    filter {}

    expiration {
      days = var.trail_retention_days
    }
  }
}

data "aws_iam_policy_document" "trail_bucket" {
  count = var.create_trail ? 1 : 0

  statement {
    sid       = "CloudTrailAclCheck"
    effect    = "Allow"
    actions   = ["s3:GetBucketAcl"]
    resources = [aws_s3_bucket.trail[0].arn]

    principals {
      type        = "Service"
      identifiers = ["cloudtrail.amazonaws.com"]
    }

    condition {
      test     = "StringEquals"
      variable = "aws:SourceArn"
      values   = [local.trail_arn]
    }
  }

  statement {
    sid       = "CloudTrailWrite"
    effect    = "Allow"
    actions   = ["s3:PutObject"]
    resources = ["${aws_s3_bucket.trail[0].arn}/AWSLogs/${local.account_id}/*"]

    principals {
      type        = "Service"
      identifiers = ["cloudtrail.amazonaws.com"]
    }

    condition {
      test     = "StringEquals"
      variable = "s3:x-amz-acl"
      values   = ["bucket-owner-full-control"]
    }

    condition {
      test     = "StringEquals"
      variable = "aws:SourceArn"
      values   = [local.trail_arn]
    }
  }
}

resource "aws_s3_bucket_policy" "trail" {
  count = var.create_trail ? 1 : 0

  bucket = aws_s3_bucket.trail[0].id
  policy = data.aws_iam_policy_document.trail_bucket[0].json

  depends_on = [aws_s3_bucket_public_access_block.trail]
}

resource "aws_cloudtrail" "this" {
  count = var.create_trail ? 1 : 0

  name                       = local.trail_name
  s3_bucket_name             = aws_s3_bucket.trail[0].id
  enable_logging             = true
  enable_log_file_validation = true

  # A restore into another region (restore_regions) is recorded in that region: the trail must cover
  # it, and AWS accepts a multi-region trail only with global service events.
  is_multi_region_trail         = length(local.restore_regions) > 0
  include_global_service_events = length(local.restore_regions) > 0

  # Write management events are enough: RestoreTableToPointInTime is one.
  event_selector {
    read_write_type           = "WriteOnly"
    include_management_events = true
  }

  tags = var.tags

  # CloudTrail checks it may write to the bucket when the trail is created.
  depends_on = [aws_s3_bucket_policy.trail]
}
