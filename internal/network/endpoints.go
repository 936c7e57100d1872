package network

import (
	"fmt"
	"slices"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ec2"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/vpc"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/peerctl/peerctl/internal/iamdoc"
	"github.com/peerctl/peerctl/internal/netplan"
)

// EndpointPerimeter limits what the gateway endpoints reach.
type EndpointPerimeter struct {
	// Accounts own the buckets and tables the endpoints may reach: the
	// stack's accounts.
	Accounts []string
	// ExtraS3Resources are further bucket/object ARNs the S3 endpoint may
	// read (AWS-owned package repositories, say).
	ExtraS3Resources []string
	// AWSOwnedBuckets adds read-only (s3:GetObject) access to the region's
	// AWS-owned buckets that agents and package managers read
	// (AWSOwnedBucketObjects).
	AWSOwnedBuckets bool
}

// EndpointPolicy is the endpoint policy of a gateway endpoint for service
// ("s3" or "dynamodb") under perimeter p: any action, but only on resources
// owned by the stack's accounts, plus reads of the AWS-owned buckets and
// the extra S3 resources p allows. S3 checks the owner with aws:ResourceAccount
// (a data perimeter, as AWS's guidance builds it); DynamoDB names the
// accounts' tables by ARN and allows the account-level calls that have no
// table (DescribeEndpoints, which SDKs call first, ListTables, DescribeLimits).
func EndpointPolicy(service, region string, p EndpointPerimeter) (string, error) {
	accounts := slices.Sorted(slices.Values(p.Accounts))
	accounts = slices.Compact(accounts)
	partition := iamdoc.Partition(region)
	var statements []iamdoc.Statement
	switch service {
	case "s3":
		statements = append(statements, iamdoc.Statement{
			Sid: "StackAccountsOnly", Effect: iamdoc.Allow, Principal: iamdoc.Anyone(),
			Action: []string{"s3:*"}, Resource: []string{"*"},
			Condition: iamdoc.Conditions{"StringEquals": {"aws:ResourceAccount": accounts}},
		})
		if p.AWSOwnedBuckets {
			statements = append(statements, iamdoc.Statement{
				Sid: "AWSOwnedBucketsReadOnly", Effect: iamdoc.Allow, Principal: iamdoc.Anyone(),
				Action: []string{"s3:GetObject"}, Resource: AWSOwnedBucketObjects(region),
			})
		}
		if len(p.ExtraS3Resources) > 0 {
			statements = append(statements, iamdoc.Statement{
				Sid: "AllowedOtherBuckets", Effect: iamdoc.Allow, Principal: iamdoc.Anyone(),
				Action: []string{"s3:GetObject", "s3:ListBucket"}, Resource: slices.Clone(p.ExtraS3Resources),
			})
		}
	case "dynamodb":
		var tables []string
		for _, a := range accounts {
			tables = append(tables, fmt.Sprintf("arn:%s:dynamodb:%s:%s:table/*", partition, region, a))
		}
		statements = append(statements,
			iamdoc.Statement{Sid: "StackAccountsOnly", Effect: iamdoc.Allow, Principal: iamdoc.Anyone(),
				Action: []string{"dynamodb:*"}, Resource: tables},
			iamdoc.Statement{Sid: "AccountLevelCalls", Effect: iamdoc.Allow, Principal: iamdoc.Anyone(),
				Action: []string{"dynamodb:DescribeEndpoints", "dynamodb:DescribeLimits", "dynamodb:ListTables"}, Resource: []string{"*"}})
	default:
		return "", fmt.Errorf("no endpoint policy for service %q", service)
	}
	return iamdoc.New(statements...).JSON()
}

// endpoints creates the S3 and DynamoDB gateway endpoints, attached to every
// private route table (routeTableIds on the endpoint, never association
// resources as well), and the application security group's egress rule to
// each service's prefix list. Gateway endpoints are free but cannot be used
// through a peering, so every network gets its own. With a perimeter they
// reach only the stack's accounts' buckets and tables; without one, AWS's
// default policy allows every bucket and table in the region.
func (b *builder) endpoints() error {
	b.n.Endpoints = map[string]*ec2.VpcEndpoint{}
	for _, service := range netplan.GatewayEndpointServices {
		args := &ec2.VpcEndpointArgs{
			VpcId:           b.n.Vpc.ID(),
			ServiceName:     pulumi.String(fmt.Sprintf("com.amazonaws.%s.%s", b.args.Region, service)),
			VpcEndpointType: pulumi.String("Gateway"),
			RouteTableIds:   idsOf(b.n.AZIDs, b.n.RouteTables),
			Tags:            b.nameTags(service + "-endpoint"),
		}
		if p := b.args.EndpointPerimeter; p != nil {
			policy, err := EndpointPolicy(service, b.args.Region, *p)
			if err != nil {
				return err
			}
			args.Policy = pulumi.String(policy)
		}
		ep, err := ec2.NewVpcEndpoint(b.ctx, fmt.Sprintf("%s-%s-endpoint", b.n.Name, service), args, b.parent)
		if err != nil {
			return err
		}
		b.n.Endpoints[service] = ep
		if _, err := vpc.NewSecurityGroupEgressRule(b.ctx, fmt.Sprintf("%s-app-sg-out-443-%s", b.n.Name, service), &vpc.SecurityGroupEgressRuleArgs{
			SecurityGroupId: b.n.AppSG.ID(),
			IpProtocol:      pulumi.String("tcp"),
			FromPort:        pulumi.Int(443),
			ToPort:          pulumi.Int(443),
			PrefixListId:    ep.PrefixListId,
			Description:     pulumi.String(fmt.Sprintf("https (443) to %s through the gateway endpoint", service)),
			Tags:            b.nameTags("app-sg-out-443-" + service),
		}, b.parent); err != nil {
			return err
		}
	}
	return nil
}
