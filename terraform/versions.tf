terraform {
  required_version = ">= 1.7"

  required_providers {
    aws = {
      source = "hashicorp/aws"
      # 6.8.0 is the first release that accepts max_message_size above 262144 (up to 1048576).
      version = "~> 6.8"
    }
  }
}
