// Package awsauth turns a network's account settings (profile, role or the
// default chain) into an aws-sdk-go-v2 configuration, and checks before any
// deployment that every network's credentials work and reach the expected
// account. peerctl's deploy commands and `peerctl verify` share it, so they
// reach AWS exactly as the Pulumi providers of the program do.
package awsauth

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	awsconfig "github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials/stscreds"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/smithy-go"

	"github.com/peerctl/peerctl/internal/config"
)

// MaxAttempts is how often peerctl tries one AWS call before giving up. The
// SDK default is 3; verify runs many describe calls in a burst across two
// accounts, so throttling (RequestLimitExceeded, Throttling) gets more room.
const MaxAttempts = 8

// SessionName names the assumed-role session of a network: the account's
// sessionName, or "peerctl-<network>" as the program's providers use.
func SessionName(n config.Network) string {
	if n.Account.SessionName != "" {
		return n.Account.SessionName
	}
	return "peerctl-" + n.Name
}

// NewRetryer is the SDK's standard retryer (exponential backoff with jitter,
// retrying throttling, transient and 5xx errors) with MaxAttempts attempts.
// Options adjust the standard retryer; tests use them to drop the backoff.
func NewRetryer(opts ...func(*retry.StandardOptions)) aws.Retryer {
	return retry.AddWithMaxAttempts(retry.NewStandard(opts...), MaxAttempts)
}

// Loader builds per-account AWS configurations. The zero value is the
// production loader.
type Loader struct {
	// HTTPClient replaces the SDK's HTTP client; tests answer requests with it.
	HTTPClient awsconfig.HTTPClient
	// Retryer replaces NewRetryer.
	Retryer func() aws.Retryer
}

// Load returns the configuration for a network's account in region: the
// named profile, the role assumed (from the default chain, as the Pulumi AWS
// provider does with assumeRoles), or the default credential chain.
func (l Loader) Load(ctx context.Context, region string, n config.Network) (aws.Config, error) {
	acct := n.Account
	retryer := l.Retryer
	if retryer == nil {
		retryer = func() aws.Retryer { return NewRetryer() }
	}
	opts := []func(*awsconfig.LoadOptions) error{
		awsconfig.WithRegion(region),
		awsconfig.WithRetryer(retryer),
	}
	if acct.Profile != "" {
		opts = append(opts, awsconfig.WithSharedConfigProfile(acct.Profile))
	}
	if l.HTTPClient != nil {
		opts = append(opts, awsconfig.WithHTTPClient(l.HTTPClient))
	}
	cfg, err := awsconfig.LoadDefaultConfig(ctx, opts...)
	if err != nil {
		return aws.Config{}, err
	}
	if acct.RoleARN != "" {
		session := SessionName(n)
		provider := stscreds.NewAssumeRoleProvider(sts.NewFromConfig(cfg), acct.RoleARN, func(o *stscreds.AssumeRoleOptions) {
			o.RoleSessionName = session
			if acct.ExternalID != "" {
				o.ExternalID = aws.String(acct.ExternalID)
			}
		})
		cfg.Credentials = aws.NewCredentialsCache(provider)
	}
	return cfg, nil
}

// CallerIdentityAPI is the one STS call the credentials check needs.
type CallerIdentityAPI interface {
	GetCallerIdentity(ctx context.Context, in *sts.GetCallerIdentityInput, optFns ...func(*sts.Options)) (*sts.GetCallerIdentityOutput, error)
}

// Identity is what one network's credentials resolved to.
type Identity struct {
	Network string
	Account string
	ARN     string
}

// ErrCredentials is matched (errors.Is) by a *CredentialsError.
var ErrCredentials = errors.New("aws credentials check failed")

// Problem is one network whose credentials do not work.
type Problem struct {
	Network string
	// Credentials says how the network reaches its account ("profile x").
	Credentials string
	// Reason is what went wrong and what to do, for people.
	Reason string
	// Err is the underlying error, if any.
	Err error
}

// CredentialsError lists every network whose credentials failed, so the
// user fixes them all at once.
type CredentialsError struct {
	Problems []Problem
}

func (e *CredentialsError) Error() string {
	lines := make([]string, len(e.Problems))
	for i, p := range e.Problems {
		lines[i] = fmt.Sprintf("network %q (%s): %s", p.Network, p.Credentials, p.Reason)
	}
	if len(lines) == 1 {
		return "aws credentials: " + lines[0]
	}
	return fmt.Sprintf("aws credentials (%d networks):\n  %s", len(lines), strings.Join(lines, "\n  "))
}

// Is makes errors.Is(err, ErrCredentials) true.
func (e *CredentialsError) Is(target error) bool { return target == ErrCredentials }

// Unwrap exposes the underlying errors.
func (e *CredentialsError) Unwrap() []error {
	var out []error
	for _, p := range e.Problems {
		if p.Err != nil {
			out = append(out, p.Err)
		}
	}
	return out
}

// Checker resolves and checks every network's credentials.
type Checker struct {
	// Load builds an account's configuration; Loader{}.Load in production.
	Load func(ctx context.Context, region string, n config.Network) (aws.Config, error)
	// STS makes the client that answers GetCallerIdentity.
	STS func(aws.Config) CallerIdentityAPI
}

// NewChecker returns the production Checker.
func NewChecker() Checker {
	return Checker{
		Load: Loader{}.Load,
		STS:  func(c aws.Config) CallerIdentityAPI { return sts.NewFromConfig(c) },
	}
}

// Check asks STS who each network's credentials are and compares the
// account with the expected one (account.id, or the role ARN's account). It
// returns the identities in network order, or a *CredentialsError naming
// every network, profile or role that failed.
func (c Checker) Check(ctx context.Context, cfg *config.Config) ([]Identity, error) {
	var ids []Identity
	var problems []Problem
	for _, n := range cfg.Networks {
		// The network's own region: STS is reached regionally, and a
		// region not enabled in the account fails here, before any change.
		region := n.Region
		if region == "" {
			region = cfg.Region
		}
		id, p := c.checkOne(ctx, region, n)
		if p != nil {
			problems = append(problems, *p)
			continue
		}
		ids = append(ids, id)
	}
	if len(problems) > 0 {
		return ids, &CredentialsError{Problems: problems}
	}
	return ids, nil
}

func (c Checker) checkOne(ctx context.Context, region string, n config.Network) (Identity, *Problem) {
	acct := n.Account
	fail := func(reason string, err error) (Identity, *Problem) {
		return Identity{}, &Problem{Network: n.Name, Credentials: acct.Credentials(), Reason: reason, Err: err}
	}
	awsCfg, err := c.Load(ctx, region, n)
	if err != nil {
		return fail(Explain(acct, err), err)
	}
	out, err := c.STS(awsCfg).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil {
		return fail(Explain(acct, err), err)
	}
	got := aws.ToString(out.Account)
	id := Identity{Network: n.Name, Account: got, ARN: aws.ToString(out.Arn)}
	if want := acct.ExpectedID(); want != "" && got != want {
		source := "account.id"
		if acct.ID == "" {
			source = "the role ARN"
		}
		return fail(fmt.Sprintf("credentials are for account %s (%s), but %s says %s; pick the right profile or role",
			got, id.ARN, source, want), nil)
	}
	return id, nil
}

// Explain turns a credentials error into a sentence that says what to do.
func Explain(acct config.Account, err error) string {
	var noProfile awsconfig.SharedConfigProfileNotExistError
	if errors.As(err, &noProfile) {
		return fmt.Sprintf("profile %q is not in the shared config or credentials file; create it with `aws configure --profile %s` (or `aws configure sso`), or set AWS_CONFIG_FILE",
			noProfile.Profile, noProfile.Profile)
	}
	var apiErr smithy.APIError
	if errors.As(err, &apiErr) {
		switch apiErr.ErrorCode() {
		case "ExpiredToken", "ExpiredTokenException", "RequestExpired", "TokenRefreshRequired":
			hint := "refresh them"
			if acct.Profile != "" {
				hint = fmt.Sprintf("refresh them (for SSO: aws sso login --profile %s)", acct.Profile)
			}
			return fmt.Sprintf("credentials have expired; %s (%s)", hint, apiErr.ErrorCode())
		case "InvalidClientTokenId", "SignatureDoesNotMatch", "UnrecognizedClientException", "IncompleteSignature":
			return fmt.Sprintf("the access key is not valid (%s): %s", apiErr.ErrorCode(), apiErr.ErrorMessage())
		case "AccessDenied", "AccessDeniedException":
			if acct.RoleARN != "" {
				return fmt.Sprintf("cannot assume role %s: %s; check the role's trust policy (principal, sts:ExternalId condition) and that the base credentials may call sts:AssumeRole",
					acct.RoleARN, apiErr.ErrorMessage())
			}
			return fmt.Sprintf("access denied: %s", apiErr.ErrorMessage())
		}
		return fmt.Sprintf("%s: %s", apiErr.ErrorCode(), apiErr.ErrorMessage())
	}
	if isNoCredentials(err) {
		where := "set AWS_PROFILE or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, or set the network's account.profile or account.roleArn"
		switch {
		case acct.Profile != "":
			where = fmt.Sprintf("profile %q has no usable credentials; run `aws configure --profile %s` or `aws sso login --profile %s`", acct.Profile, acct.Profile, acct.Profile)
		case acct.RoleARN != "":
			return fmt.Sprintf("no base credentials to assume role %s with: set AWS_PROFILE or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY for the account that may assume it", acct.RoleARN)
		}
		return "no AWS credentials found: " + where
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return "cancelled while checking credentials"
	}
	return "cannot get an identity from STS: " + err.Error()
}

// isNoCredentials reports whether the default chain found no credentials:
// the last provider it tries is the EC2 instance metadata service.
func isNoCredentials(err error) bool {
	var opErr *smithy.OperationError
	for e := err; e != nil; {
		if errors.As(e, &opErr) {
			if opErr.ServiceID == "ec2imds" {
				return true
			}
			e = opErr.Err
			continue
		}
		break
	}
	msg := err.Error()
	return strings.Contains(msg, "no EC2 IMDS role found") ||
		strings.Contains(msg, "failed to retrieve credentials") && strings.Contains(msg, "IMDS")
}
