package stack

import (
	"fmt"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/peerctl/peerctl/internal/config"
	"github.com/peerctl/peerctl/internal/tags"
)

// Account is a network's AWS provider and what the program knows of its account.
type Account struct {
	Provider *aws.Provider
	// ID is the account id: from configuration when set (or the role ARN),
	// else asked of STS through the provider.
	ID string
}

// newAccount creates the explicit AWS provider of one network, in the
// network's own region. The logical name is the network's name, which is
// how the offline plan attributes every resource to an account.
// allowedAccountIds makes a deploy with the wrong credentials fail before
// anything is created.
func newAccount(ctx *pulumi.Context, cfg *config.Config, n config.Network) (*Account, error) {
	args := &aws.ProviderArgs{
		Region: pulumi.String(cfg.RegionOf(n)),
		DefaultTags: &aws.ProviderDefaultTagsArgs{
			Tags: pulumi.ToStringMap(tags.Defaults(cfg.Environment, n.CostCenter, cfg.Tags)),
		},
	}
	a := n.Account
	if a.Profile != "" {
		args.Profile = pulumi.String(a.Profile)
	}
	if a.RoleARN != "" {
		// One session per network unless the stack names one: CloudTrail
		// in the target account then tells which network's deployment
		// acted, even when several networks assume the same role.
		session := a.SessionName
		if session == "" {
			session = "peerctl-" + n.Name
		}
		role := &aws.ProviderAssumeRoleArgs{RoleArn: pulumi.String(a.RoleARN), SessionName: pulumi.String(session)}
		if a.ExternalID != "" {
			role.ExternalId = pulumi.String(a.ExternalID)
		}
		args.AssumeRole = role
	}
	id := a.ExpectedID()
	if id != "" {
		args.AllowedAccountIds = pulumi.ToStringArray([]string{id})
	}
	provider, err := aws.NewProvider(ctx, n.Name, args)
	if err != nil {
		return nil, fmt.Errorf("provider for network %q: %w", n.Name, err)
	}
	if id == "" {
		identity, err := aws.GetCallerIdentity(ctx, nil, pulumi.Provider(provider))
		if err != nil {
			return nil, fmt.Errorf("network %q: cannot read the account id with %s: %w", n.Name, a.Credentials(), err)
		}
		id = identity.AccountId
	}
	return &Account{Provider: provider, ID: id}, nil
}
