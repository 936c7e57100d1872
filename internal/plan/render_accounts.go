package plan

import (
	"fmt"
	"slices"
	"strings"

	"github.com/peerctl/peerctl/internal/config"
)

// What both text layouts say about the stack and its accounts.

// headline is the plan's first line.
func (d *Document) headline() string {
	env := d.Environment
	if d.environmentSource == config.EnvEnvironmentSuffix {
		env += " from " + d.environmentSource // it overrides the stack file
	}
	return fmt.Sprintf("Plan for stack %s (environment %s, region %s)", d.Stack, env, d.Region)
}

// isProd reports production safeguards, as config.Config.IsProd does: the
// override record carries the answer when ENVIRONMENT_SUFFIX is set.
func (d *Document) isProd() bool {
	if o := d.EnvironmentOverride; o != nil {
		return o.Production
	}
	return d.Environment == config.ProdEnvironment
}

// overrideWarning is the plan header's loud line about ENVIRONMENT_SUFFIX.
func overrideWarning(o *EnvironmentOverride) string {
	safeguards := "off, as the stack file's environment " + o.StackEnvironment + " says"
	switch {
	case o.Production && o.StackEnvironment == config.ProdEnvironment:
		safeguards = "ON, as the stack file says " + config.ProdEnvironment + " (an override never switches them off)"
	case o.Production:
		safeguards = "ON, because the override names the resources like production's"
	}
	return fmt.Sprintf("WARNING: %s=%s OVERRIDES the stack file's environment %s: every physical name (buckets, roles, log groups, alarms) changes, "+
		"and on a deployed stack its resources are replaced. Production safeguards: %s.",
		o.Variable, o.Environment, o.StackEnvironment, safeguards)
}

func isProvider(r Resource) bool { return strings.HasPrefix(r.Type, "pulumi:providers:") }

// accountSections lists the accounts, in configuration order, without
// "no account".
func (d *Document) accountSections() []string {
	return slices.DeleteFunc(d.accounts(), func(a string) bool { return a == noAccount })
}

// accounts lists account labels: networks in configuration order (sorted by
// name when the order is unknown), then "no account".
func (d *Document) accounts() []string {
	var names []string
	hasNone := false
	for _, r := range d.Resources {
		if r.Account == "" {
			hasNone = true
		} else if !slices.Contains(names, r.Account) {
			names = append(names, r.Account)
		}
	}
	slices.Sort(names)
	slices.SortStableFunc(names, func(a, b string) int {
		return slices.Index(d.networkOrder, a) - slices.Index(d.networkOrder, b)
	})
	if hasNone {
		names = append(names, noAccount)
	}
	return names
}

func label(account string) string {
	if account == "" {
		return noAccount
	}
	return account
}

// accountLabel is "trading (111111111111)", or the bare label when the
// account id is unknown.
func (d *Document) accountLabel(account string) string {
	if id := d.accountID(account); id != "" {
		return account + " (" + id + ")"
	}
	return account
}

// accountHeading describes how an account is reached and which AWS account
// it is, from its provider and the accountIds output.
func (d *Document) accountHeading(account string) string {
	if account == noAccount {
		return "no account (providers, and components that span accounts)"
	}
	how := "default credentials"
	for _, r := range d.Resources {
		if r.Type != "pulumi:providers:aws" || r.Name != account {
			continue
		}
		if p, ok := r.Inputs["profile"].(string); ok {
			how = "profile " + p
		}
		if role, ok := r.Inputs["assumeRole"].(map[string]any); ok {
			how = fmt.Sprintf("role %v", role["roleArn"])
		}
	}
	id := d.accountID(account)
	what := "account " + id
	if strings.HasPrefix(id, "0000") {
		what += ", a placeholder: the real id comes from the credentials at deploy time"
	}
	for _, other := range d.accounts() {
		if other == account {
			break
		}
		if d.accountID(other) == id && id != "" {
			what += ", the same AWS account as " + other
			break
		}
	}
	return fmt.Sprintf("account %s (%s, %s)", account, how, what)
}
