variable "region" {
  description = "AWS region for the kOps state bucket and the cluster."
  type        = string
  default     = "eu-west-3"
}

variable "cluster_name" {
  description = "kOps cluster name. A name ending in .k8s.local uses gossip DNS, so no Route 53 zone is needed."
  type        = string
  default     = "review-stream.k8s.local"

  validation {
    condition     = can(regex("^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)+$", var.cluster_name))
    error_message = "The cluster name must be a lower-case DNS name such as review-stream.k8s.local."
  }
}

variable "state_bucket_name" {
  description = "Name of the S3 bucket that holds the kOps state. Empty: derived from the account id and cluster name."
  type        = string
  default     = ""
}

variable "zones" {
  description = "Availability zones for the nodes; three zones give Kafka and MongoDB one member per zone."
  type        = list(string)
  default     = ["eu-west-3a", "eu-west-3b", "eu-west-3c"]
}

variable "kubernetes_version" {
  description = "Kubernetes version kOps installs."
  type        = string
  default     = "1.31.4"
}

variable "control_plane_size" {
  description = "EC2 instance type of the control-plane node."
  type        = string
  default     = "t3.medium"
}

variable "node_size" {
  description = "EC2 instance type of the worker nodes."
  type        = string
  default     = "t3.xlarge"
}

variable "node_count" {
  description = "Number of worker nodes."
  type        = number
  default     = 3

  validation {
    condition     = var.node_count >= 3
    error_message = "Three brokers and three database members need at least three nodes."
  }
}

variable "force_destroy_state_bucket" {
  description = "Allow terraform destroy to delete the state bucket with its objects (scripts/cluster/down sets it)."
  type        = bool
  default     = false
}
