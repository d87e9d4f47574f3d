data "aws_caller_identity" "current" {}

locals {
  state_bucket_name = var.state_bucket_name != "" ? var.state_bucket_name : "${data.aws_caller_identity.current.account_id}-${replace(var.cluster_name, ".", "-")}-kops-state"
}

# kOps keeps the cluster specification, its secrets and its PKI in this bucket.
resource "aws_s3_bucket" "kops_state" {
  bucket        = local.state_bucket_name
  force_destroy = var.force_destroy_state_bucket
}

resource "aws_s3_bucket_ownership_controls" "kops_state" {
  bucket = aws_s3_bucket.kops_state.id

  rule {
    object_ownership = "BucketOwnerEnforced"
  }
}

# Versioning lets a damaged cluster specification be restored.
resource "aws_s3_bucket_versioning" "kops_state" {
  bucket = aws_s3_bucket.kops_state.id

  versioning_configuration {
    status = "Enabled"
  }
}

resource "aws_s3_bucket_server_side_encryption_configuration" "kops_state" {
  bucket = aws_s3_bucket.kops_state.id

  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm = "AES256"
    }
    bucket_key_enabled = true
  }
}

resource "aws_s3_bucket_public_access_block" "kops_state" {
  bucket = aws_s3_bucket.kops_state.id

  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

# Old versions are kept long enough to recover from a mistake, not forever.
resource "aws_s3_bucket_lifecycle_configuration" "kops_state" {
  bucket = aws_s3_bucket.kops_state.id

  rule {
    id     = "expire-old-versions"
    status = "Enabled"

    filter {}

    noncurrent_version_expiration {
      noncurrent_days = 90
    }
  }

  depends_on = [aws_s3_bucket_versioning.kops_state]
}

data "aws_iam_policy_document" "kops_state_tls_only" {
  statement {
    sid     = "DenyInsecureTransport"
    effect  = "Deny"
    actions = ["s3:*"]
    resources = [
      aws_s3_bucket.kops_state.arn,
      "${aws_s3_bucket.kops_state.arn}/*",
    ]

    principals {
      type        = "*"
      identifiers = ["*"]
    }

    condition {
      test     = "Bool"
      variable = "aws:SecureTransport"
      values   = ["false"]
    }
  }
}

resource "aws_s3_bucket_policy" "kops_state" {
  bucket = aws_s3_bucket.kops_state.id
  policy = data.aws_iam_policy_document.kops_state_tls_only.json

  depends_on = [aws_s3_bucket_public_access_block.kops_state]
}
