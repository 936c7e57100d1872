package config

import (
	"fmt"
	"slices"
	"strings"

	"github.com/peerctl/peerctl/internal/regions"
)

// KMS keys per account. A customer managed key belongs to one account and
// one region, and each network's buckets, log group and alarm topic live in
// the network's account: one key ARN can serve only networks of one
// account. kmsKeyArn (one key for every network) stays for that case;
// kmsKeyArns names a key per network, so networks in several accounts each
// use their own account's key:
//
//	peerctl:flowLogs:
//	  kmsKeyArns:
//	    trading: arn:aws:kms:us-east-1:111111111111:key/...
//	    analytics: arn:aws:kms:us-east-1:222222222222:key/...
//
// Keyed by network, not by account id, because the account of a network
// reached through a profile is known only at deploy time; the key's ARN
// says its account, which is checked against the network's wherever the
// configuration gives it. A network left out uses the default: with
// flowLogs.createKmsKey (on in prod) the key peerctl creates for its
// account, else SSE-S3 for buckets and no customer key for the log group;
// for alarms a key per alarm topic.

// KeyFor is the customer managed key of a network's flow-log bucket and
// log group; "" means none.
func (f FlowLogs) KeyFor(network string) string { return keyFor(f.KMSKeyARN, f.KMSKeyARNs, network) }

// NeedsCreatedKey says whether peerctl creates the log key of an account
// (and region) group: key creation is on and something of the group would
// be encrypted with it. That is a network with flow logs and no configured
// key, or the group's own AWS Config bucket when no network of the group
// names a key. A network without flow logs (an existing VPC with
// existing.flowLogs false) needs none.
func (o Observability) NeedsCreatedKey(g AccountGroup) bool {
	if !o.FlowLogs.CreateKMSKey {
		return false
	}
	for _, n := range g.Networks {
		if n.HasFlowLogs() && o.FlowLogs.KeyFor(n.Name) == "" {
			return true
		}
	}
	ownConfigBucket := o.Compliance.CreatesRecorder(g) && o.LogArchive.Bucket() == ""
	return ownConfigBucket && o.FlowLogs.AccountKey(g) == ""
}

// KeyFor is the customer managed key of a network's alarm topic; "" means
// peerctl creates one.
func (a Alarms) KeyFor(network string) string { return keyFor(a.KMSKeyARN, a.KMSKeyARNs, network) }

// AccountKey is the key of an account's shared resources (its AWS Config
// delivery bucket): the key of the first of its networks that names one.
func (f FlowLogs) AccountKey(g AccountGroup) string {
	for _, n := range g.Networks {
		if k := f.KeyFor(n.Name); k != "" {
			return k
		}
	}
	return ""
}

func keyFor(one string, perNetwork map[string]string, network string) string {
	if one != "" {
		return one
	}
	return perNetwork[network]
}

// kmsKeysFromSpec resolves kmsKeyArn and kmsKeyArns of one settings block
// (field: peerctl:flowLogs or peerctl:alarms). check validates one key for
// the networks given.
func kmsKeysFromSpec(field string, one *string, perNetwork map[string]string, c *Config, p *problems,
	check func(field, arn string, nets []Network)) (string, map[string]string) {
	if one != nil && perNetwork != nil {
		p.add(field+".kmsKeyArns", "", "is set together with %s.kmsKeyArn; give one key for every network (kmsKeyArn) or one per network (kmsKeyArns), not both", field)
		return "", nil
	}
	if one != nil {
		check(field+".kmsKeyArn", *one, c.Networks)
		return *one, nil
	}
	if perNetwork == nil {
		return "", nil
	}
	out := map[string]string{}
	keys := make([]string, 0, len(perNetwork))
	for k := range perNetwork {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, name := range keys {
		arn, f := perNetwork[name], field+".kmsKeyArns."+name
		n, ok := c.Network(name)
		if !ok {
			var known []string
			for _, n := range c.Networks {
				known = append(known, n.Name)
			}
			p.add(f, arn, "is given for %q, which is not a configured network (networks: %s)", name, strings.Join(known, ", "))
			continue
		}
		check(f, arn, []Network{n})
		out[name] = arn
	}
	return "", out
}

// kmsKeyProblem checks the shape, region and account of a key ARN used by
// nets; unset says what happens without one.
func kmsKeyProblem(field, arn string, c *Config, nets []Network, unset string, p *problems) {
	if arn == "" {
		p.add(field, "", "is empty; give a key ARN or %s", unset)
		return
	}
	m := kmsARNPattern.FindStringSubmatch(arn)
	if m == nil {
		p.add(field, arn, "is not a KMS key ARN like arn:aws:kms:us-east-1:111111111111:key/<key id> (aliases cannot be named in IAM policies)")
		return
	}
	region, account := m[2], m[3]
	// A key serves only its own region, so it is compared with the region
	// of every network that uses it (each network's region key, else
	// peerctl:region).
	var netRegions, regionNetwork []string
	for _, n := range nets {
		if r := c.RegionOf(n); !slices.Contains(netRegions, r) {
			netRegions = append(netRegions, r)
			regionNetwork = append(regionNetwork, n.Name)
		}
	}
	if len(netRegions) == 0 {
		netRegions, regionNetwork = []string{c.Region}, []string{""}
	}
	if partition, want := m[1], regions.Partition(netRegions[0]); region == netRegions[0] && partition != want {
		p.add(field, arn, "is in partition %s, but region %s is in partition %s; its ARN starts arn:%s:kms:", partition, netRegions[0], want, want)
	}
	switch {
	case len(netRegions) > 1:
		var where []string
		for i, r := range netRegions {
			where = append(where, fmt.Sprintf("%s in %s", regionNetwork[i], r))
		}
		p.add(field, arn, "is one key for networks in %d regions (%s); AWS services use a KMS key only in its own region: name a key per network with kmsKeyArns, or %s",
			len(netRegions), strings.Join(where, ", "), unset)
	case region != netRegions[0] && netRegions[0] == c.Region:
		p.add(field, arn, "is in region %s, but the stack deploys to %s (%s:region); AWS services use a KMS key only in its own region", region, c.Region, Namespace)
	case region != netRegions[0]:
		p.add(field, arn, "is in region %s, but network %s is in %s (its region key); AWS services use a KMS key only in its own region", region, regionNetwork[0], netRegions[0])
	}
	var accounts, firstNetwork []string
	for _, n := range nets {
		if id := n.Account.ExpectedID(); id != "" && !slices.Contains(accounts, id) {
			accounts = append(accounts, id)
			firstNetwork = append(firstNetwork, n.Name)
		}
	}
	switch {
	case len(accounts) > 1:
		var where []string
		for i, id := range accounts {
			where = append(where, fmt.Sprintf("%s in %s", firstNetwork[i], id))
		}
		p.add(field, arn, "is one key for networks in %d accounts (%s); a KMS key belongs to one account, so networks in different accounts cannot share it: name a key per network with kmsKeyArns, or %s",
			len(accounts), strings.Join(where, ", "), unset)
	case len(accounts) == 1 && accounts[0] != account:
		p.add(field, arn, "is in account %s, but network %s is in account %s; a KMS key belongs to one account, and the networks that use it must be in that account",
			account, firstNetwork[0], accounts[0])
	}
}
