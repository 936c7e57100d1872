package network

import (
	"fmt"

	"github.com/peerctl/peerctl/internal/iamdoc"
)

// awsOwnedBuckets are the buckets, named from the region (%s), that the
// S3 endpoint policy lets instances read once it is limited to the stack's
// accounts: a restrictive endpoint policy must name the buckets AWS services
// and agents use ("Gateway endpoints for Amazon S3",
// vpc/latest/privatelink/vpc-endpoints-s3.html). Names are exact, never
// wildcards: a wildcard would also match buckets anyone could create, and
// requests to such a bucket (even reads, through their keys) are a way out
// for data.
var awsOwnedBuckets = []string{
	// Amazon Linux 2023 repositories (dnf); the suffix is the same in every
	// region. AWS names it for restrictive endpoint policies in its Amazon
	// Linux 2023 and Application Migration Service guidance.
	"al2023-repos-%s-de612dc2",
	// Amazon Linux 2 repositories (yum), both names in use (AWS Knowledge
	// Center, "update yum or install packages without internet access on
	// Amazon Linux 2").
	"amazonlinux-2-repos-%s",
	"amazonlinux.%s.amazonaws.com",
	// SSM Agent, Distributor and Patch Manager: AWS Systems Manager User
	// Guide, "SSM Agent communications with AWS managed S3 buckets"
	// (systems-manager/latest/userguide/ssm-agent-minimum-s3-permissions.html)
	// and "Reference: Amazon S3 buckets for patching operations"
	// (patch-operations-s3-buckets.html, which adds aws-ssm-<region>).
	"aws-ssm-%s",
	"aws-windows-downloads-%s",
	"amazon-ssm-%s",
	"amazon-ssm-packages-%s",
	"%s-birdwatcher-prod",
	"aws-ssm-distributor-file-%s",
	"aws-ssm-document-attachments-%s",
	"patch-baseline-snapshot-%s",
	// Amazon ECR image layers: Amazon ECR User Guide, "Amazon ECR interface
	// VPC endpoints", minimum Amazon S3 bucket permissions
	// (AmazonECR/latest/userguide/vpc-endpoints.html).
	"prod-%s-starport-layer-bucket",
}

// AWSOwnedBucketObjects are the object ARNs (bucket/*) of the AWS-owned
// buckets in region, in a fixed order.
func AWSOwnedBucketObjects(region string) []string {
	partition := iamdoc.Partition(region)
	out := make([]string, len(awsOwnedBuckets))
	for i, format := range awsOwnedBuckets {
		out[i] = fmt.Sprintf("arn:%s:s3:::%s/*", partition, fmt.Sprintf(format, region))
	}
	return out
}
