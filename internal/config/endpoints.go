package config

import (
	"fmt"
	"regexp"
)

// Endpoints configures the S3 and DynamoDB gateway endpoints' policies.
type Endpoints struct {
	// RestrictToStackAccounts lets the endpoints reach only buckets and
	// tables owned by the stack's accounts (a data perimeter: workloads
	// cannot copy data to someone else's bucket through them). Default true.
	RestrictToStackAccounts *bool `json:"restrictToStackAccounts,omitempty"`
	// AllowS3Resources are further bucket or object ARNs the endpoint may
	// read, for AWS-owned buckets such as the Amazon Linux package
	// repositories (arn:aws:s3:::al2023-repos-us-east-1-de612dc2/*).
	AllowS3Resources []string `json:"allowS3Resources,omitempty"`
	// AllowAWSOwnedBuckets lets the S3 endpoint read (s3:GetObject only)
	// the region's AWS-owned buckets that agents and package managers
	// fetch from: Amazon Linux repositories, SSM Agent and Patch Manager,
	// ECR image layers (network.AWSOwnedBuckets). Default true: without
	// them `dnf install`, SSM and image pulls fail behind the perimeter,
	// and AWS owns those names, so reading them exposes nothing of ours.
	AllowAWSOwnedBuckets *bool `json:"allowAwsOwnedBuckets,omitempty"`
}

var s3ResourcePattern = regexp.MustCompile(`^arn:aws(-[a-z]+)*:s3:::[a-z0-9][a-z0-9.-]{1,61}[a-z0-9](/.*)?$`)

func applyEndpoints(c *Config, s *spec, p *problems) {
	e := s.Endpoints
	if e.RestrictToStackAccounts == nil {
		e.RestrictToStackAccounts = boolPtr(true)
	}
	for i, arn := range e.AllowS3Resources {
		if !s3ResourcePattern.MatchString(arn) {
			p.add(fmt.Sprintf("%s:endpoints.allowS3Resources[%d]", Namespace, i), arn,
				"is not an S3 bucket or object ARN like arn:aws:s3:::al2023-repos-us-east-1-de612dc2/*")
		}
	}
	if len(e.AllowS3Resources) > 0 && !*e.RestrictToStackAccounts {
		p.add(Namespace+":endpoints.allowS3Resources", "", "has no effect with restrictToStackAccounts false (the endpoints then allow every bucket)")
	}
	switch {
	case e.AllowAWSOwnedBuckets != nil && *e.AllowAWSOwnedBuckets && !*e.RestrictToStackAccounts:
		p.add(Namespace+":endpoints.allowAwsOwnedBuckets", "true", "has no effect with restrictToStackAccounts false (the endpoints then allow every bucket); remove it")
	case e.AllowAWSOwnedBuckets == nil:
		e.AllowAWSOwnedBuckets = boolPtr(*e.RestrictToStackAccounts)
	}
	c.Endpoints = e
}
