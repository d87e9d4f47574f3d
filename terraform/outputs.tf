# scripts/cluster/up reads these with `terraform output -raw NAME`.

output "kops_state_store" {
  description = "Value for KOPS_STATE_STORE."
  value       = "s3://${aws_s3_bucket.kops_state.bucket}"
}

output "cluster_name" {
  description = "kOps cluster name."
  value       = var.cluster_name
}

output "region" {
  description = "AWS region of the cluster."
  value       = var.region
}

output "zones" {
  description = "Comma-separated availability zones, as kops create cluster --zones expects them."
  value       = join(",", var.zones)
}

output "kubernetes_version" {
  description = "Kubernetes version for kops create cluster."
  value       = var.kubernetes_version
}

output "control_plane_size" {
  description = "Instance type of the control-plane node."
  value       = var.control_plane_size
}

output "node_size" {
  description = "Instance type of the worker nodes."
  value       = var.node_size
}

output "node_count" {
  description = "Number of worker nodes."
  value       = var.node_count
}
