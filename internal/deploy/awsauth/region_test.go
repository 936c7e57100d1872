package awsauth

import (
	"context"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/peerctl/peerctl/internal/config"
)

type stsFunc func() (*sts.GetCallerIdentityOutput, error)

func (f stsFunc) GetCallerIdentity(context.Context, *sts.GetCallerIdentityInput, ...func(*sts.Options)) (*sts.GetCallerIdentityOutput, error) {
	return f()
}

// TestCheckUsesEachNetworksRegion: a network in another region is reached
// in its own region (network.region), not peerctl:region; a network without
// one (built before the key existed) falls back to peerctl:region.
func TestCheckUsesEachNetworksRegion(t *testing.T) {
	cfg := twoNetworks(config.Account{ID: "111111111111"}, config.Account{ID: "222222222222"})
	cfg.Networks[0].Region = ""
	cfg.Networks[1].Region = "eu-west-1"
	var loaded []string
	c := Checker{
		Load: func(_ context.Context, region string, n config.Network) (aws.Config, error) {
			loaded = append(loaded, n.Name+"@"+region)
			return aws.Config{Region: region}, nil
		},
		STS: func(c aws.Config) CallerIdentityAPI {
			return stsFunc(func() (*sts.GetCallerIdentityOutput, error) {
				acct := "111111111111"
				if c.Region == "eu-west-1" {
					acct = "222222222222"
				}
				return &sts.GetCallerIdentityOutput{Account: aws.String(acct), Arn: aws.String("arn:aws:iam::" + acct + ":user/x")}, nil
			})
		},
	}
	if _, err := c.Check(context.Background(), cfg); err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(loaded, " "); got != "trading@us-east-1 analytics@eu-west-1" {
		t.Errorf("loaded %s, want trading@us-east-1 analytics@eu-west-1", got)
	}
}
