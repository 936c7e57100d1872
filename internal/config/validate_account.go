package config

import (
	"fmt"
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/peerctl/peerctl/internal/iamdoc"
	"github.com/peerctl/peerctl/internal/names"
)

var (
	accountIDPattern = regexp.MustCompile(`^[0-9]{12}$`)
	// roleARNPattern is the shape of a role ARN; group 1 is the account.
	// The path and name after role/ are checked by roleARNProblem.
	roleARNPattern     = regexp.MustCompile(`^arn:aws(?:-[a-z]+)*:iam::([0-9]{12}):role/(.+)$`)
	sessionNamePattern = regexp.MustCompile(`^[\w+=,.@-]{2,64}$`)
	externalIDPattern  = regexp.MustCompile(`^[\w+=,.@:/-]{2,}$`)
	// IAM's rules for a role name and a path (IAM API reference, CreateRole:
	// RoleName [\w+=,.@-]+ of 1-64; Path (\u002F)|(\u002F[\u0021-\u007E]+\u002F)
	// of 1-512).
	iamRoleNamePattern = regexp.MustCompile(`^[\w+=,.@-]{1,64}$`)
	iamPathPattern     = regexp.MustCompile(`^(/|/[\x21-\x7E]+/)$`)
)

// IAM limits (IAM User Guide, "IAM and AWS STS quotas": name and path
// lengths).
const (
	maxIAMRoleName = 64
	maxIAMPath     = 512
)

// profileMaxLength bounds an AWS CLI profile name.
const profileMaxLength = 128

func validateAccount(field string, a Account, p *problems) {
	if a.ID != "" && !accountIDPattern.MatchString(a.ID) {
		hint := ""
		if len(a.ID) < 12 && strings.Trim(a.ID, "0123456789") == "" {
			hint = " (quote it in YAML: an unquoted number loses its leading zeros)"
		}
		p.add(field+".id", a.ID, "is not a 12-digit AWS account id%s", hint)
	}
	if a.Profile != "" && a.RoleARN != "" {
		p.add(field, "", "sets both profile %q and roleArn %q; choose one", a.Profile, a.RoleARN)
	}
	if !validProfileName(a.Profile) {
		p.add(field+".profile", a.Profile, "is not a valid AWS profile name (at most %d characters, without spaces, brackets or control characters: it names a [profile ...] section of the AWS config file)", profileMaxLength)
	}
	if a.RoleARN != "" {
		m := roleARNPattern.FindStringSubmatch(a.RoleARN)
		switch {
		case m == nil:
			p.add(field+".roleArn", a.RoleARN, "is not an IAM role ARN like arn:aws:iam::111111111111:role/peerctl-deployer")
		case roleARNProblem(m[2]) != "":
			p.add(field+".roleArn", a.RoleARN, "%s", roleARNProblem(m[2]))
		case a.ID != "" && m[1] != a.ID:
			p.add(field+".roleArn", a.RoleARN, "is in account %s, but %s.id says %s", m[1], field, a.ID)
		}
	}
	if a.RoleARN == "" && (a.SessionName != "" || a.ExternalID != "") {
		p.add(field, "", "sets sessionName or externalId without roleArn")
	}
	if a.SessionName != "" && !sessionNamePattern.MatchString(a.SessionName) {
		p.add(field+".sessionName", a.SessionName, "must be 2-64 letters, digits or =,.@-_ characters")
	}
	if a.ExternalID != "" && (len(a.ExternalID) > 1224 || !externalIDPattern.MatchString(a.ExternalID)) {
		p.add(field+".externalId", a.ExternalID, "must be 2-1224 letters, digits or =,.@:/-_ characters")
	}
}

// validProfileName: the name goes into the AWS config file as
// [profile <name>], so whitespace and brackets would make another section.
func validProfileName(s string) bool {
	if utf8.RuneCountInString(s) > profileMaxLength {
		return false
	}
	return !strings.ContainsFunc(s, func(r rune) bool {
		return unicode.IsSpace(r) || unicode.IsControl(r) || r == '[' || r == ']' || r == utf8.RuneError
	})
}

// roleARNProblem checks what follows "role/" in a role ARN: an optional IAM
// path and the role name.
func roleARNProblem(pathAndName string) string {
	path, name := "/", pathAndName
	if i := strings.LastIndex(pathAndName, "/"); i >= 0 {
		path, name = "/"+pathAndName[:i+1], pathAndName[i+1:]
	}
	if !iamRoleNamePattern.MatchString(name) {
		return fmt.Sprintf("has role name %q (%d characters); IAM role names are 1-%d letters, digits or _+=,.@- characters",
			name, utf8.RuneCountInString(name), maxIAMRoleName)
	}
	if len(path) > maxIAMPath || !iamPathPattern.MatchString(path) {
		return fmt.Sprintf("has path %q; an IAM path is / or /segments/ of printable ASCII characters without spaces, at most %d characters",
			path, maxIAMPath)
	}
	return ""
}

// validateAccountSet checks what involves the accounts of more than one
// network: one set of credentials reaches one account, so two networks on
// the same profile (or both on the default credentials) cannot be in two
// accounts. (Two networks on one role ARN cannot either, but the ARN holds
// the account, which validateAccount already compares with account.id.)
func validateAccountSet(field string, nets []Network, p *problems) {
	for i, n := range nets {
		a := n.Account
		if a.RoleARN != "" || !accountIDPattern.MatchString(a.ID) {
			continue
		}
		for j := range i {
			b := nets[j].Account
			if b.RoleARN != "" || !accountIDPattern.MatchString(b.ID) || a.Profile != b.Profile || a.ID == b.ID {
				continue
			}
			p.add(fmt.Sprintf("%s[%d].account.id", field, i), a.ID,
				"contradicts %s[%d].account.id %s: both networks use %s, and one set of credentials reaches one account",
				field, j, b.ID, a.Credentials())
			break
		}
	}
}

// accountGroups partitions the networks (by index, in configuration order)
// into the accounts they are provably in: the same expected account id, or
// the same credentials. Networks whose account is unknown and whose
// credentials differ count as different accounts: offline, nothing says
// otherwise.
func accountGroups(nets []Network) [][]int {
	// Union-find; a set's root is its lowest index, so groups come out in
	// configuration order.
	root := make([]int, len(nets))
	find := func(i int) int {
		for root[i] != i {
			i = root[i]
		}
		return i
	}
	for i := range nets {
		root[i] = i
		for j := range i {
			if provablySameAccount(nets[i].Account, nets[j].Account) {
				ri, rj := find(i), find(j)
				root[max(ri, rj)] = min(ri, rj)
			}
		}
	}
	var out [][]int
	index := map[int]int{}
	for i := range nets {
		r := find(i)
		k, ok := index[r]
		if !ok {
			k = len(out)
			index[r] = k
			out = append(out, nil)
		}
		out[k] = append(out[k], i)
	}
	return out
}

func provablySameAccount(a, b Account) bool {
	if id := a.ExpectedID(); id != "" && id == b.ExpectedID() {
		return true
	}
	return a.Profile == b.Profile && a.RoleARN == b.RoleARN
}

// accountLabel names the account of a group of networks for messages.
func accountLabel(nets []Network, group []int) string {
	for _, i := range group {
		if id := nets[i].Account.ExpectedID(); id != "" {
			return "account " + id
		}
	}
	a := nets[group[0]].Account
	if a.Profile != "" {
		return "the account of profile " + a.Profile
	}
	return "the account of the default credentials"
}

// validateStackLimits checks the limits that depend on more than one
// setting: the role ARNs' partition against the region's, and the names
// peerctl generates from network names and the environment against IAM's
// and S3's length limits.
func validateStackLimits(c *Config, p *problems) {
	for i, n := range c.Networks {
		field := fmt.Sprintf("%s:networks[%d]", Namespace, i)
		region := c.RegionOf(n)
		partition := iamdoc.Partition(region)
		if arn := n.Account.RoleARN; arn != "" {
			if got := strings.SplitN(arn, ":", 3)[1]; got != partition {
				p.add(field+".account.roleArn", arn, "is in partition %s, but region %s is in partition %s; a role can only be assumed for its own partition",
					got, region, partition)
			}
		}
		validateGeneratedNames(field+".name", n.Name, region, c, p)
	}
}

// namesPlaceholderAccount stands for the account id in generated bucket
// names offline: every account id has 12 digits, so the length is exact.
const namesPlaceholderAccount = "000000000000"

// awsOf names who sets the limit of a kind of name, for messages.
var awsOf = map[names.Kind]string{names.BucketKind: "S3", names.RoleKind: "IAM", names.DashboardKind: "CloudWatch"}

// validateGeneratedNames checks the globally scoped names peerctl builds
// from a network's name, the environment and the region (package names)
// against AWS's length limits, before any resource is registered.
func validateGeneratedNames(field, network, region string, c *Config, p *problems) {
	code := names.RegionCode(region)
	if code == "" {
		return // validateRegion has refused the region
	}
	for _, g := range names.ForNetwork(network, c.Environment, region, namesPlaceholderAccount) {
		if len(g.Name) <= g.Kind.Limit() {
			continue
		}
		with := "with the region code " + code
		if g.Kind == names.BucketKind {
			with += " and the account id"
		}
		p.add(field, network, "makes the %s name %q (%d characters %s), over the %d %s allows; shorten the network name or the environment",
			g.Kind, g.Name, len(g.Name), with, g.Kind.Limit(), awsOf[g.Kind])
	}
}
