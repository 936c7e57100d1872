package config

import (
	"fmt"
	"slices"
	"strings"
)

// Which account groups get peerctl's own AWS Config recorder.
//
// AWS allows one configuration recorder and one delivery channel per
// account and region, so the choice is per account group (account id and
// region, see GroupByAccount), not per stack: a stack may peer a fresh
// account, where peerctl must create the recorder, with an account whose
// existing VPC already records under Control Tower or the organisation.
//
//   - compliance.createRecorder (default true) is the choice of every
//     group; false reuses every account's own recorder (rules only).
//   - compliance.reuseRecorderOf lists networks whose account and region
//     already record: their group reuses that recorder even though
//     createRecorder is true. Naming any network of a group covers the
//     whole group (the recorder is the account's and region's, not the
//     network's), so listing two networks of one group is allowed: the
//     groups are known for sure only at deploy time, when the providers
//     resolve their account ids, and listing both is harmless.
//
// The names are networks rather than account ids because the account id
// is optional (a profile or role may be all the configuration says).

// CreatesRecorder reports whether peerctl creates the AWS Config recorder,
// its role, delivery bucket and delivery channel for group g: with
// createRecorder (unset counts as true, its default) unless a network of
// g is listed in reuseRecorderOf.
func (c Compliance) CreatesRecorder(g AccountGroup) bool {
	if c.CreateRecorder != nil && !*c.CreateRecorder {
		return false
	}
	return c.ReusedBy(g) == ""
}

// ReusedBy is the first network of g (configuration order) listed in
// reuseRecorderOf: the one a message names as why g reuses its account's
// recorder; "" when none is listed.
func (c Compliance) ReusedBy(g AccountGroup) string {
	for _, n := range g.Networks {
		if slices.Contains(c.ReuseRecorderOf, n.Name) {
			return n.Name
		}
	}
	return ""
}

// validateReuseRecorder checks peerctl:compliance.reuseRecorderOf after
// createRecorder has its default.
func validateReuseRecorder(c *Config, cp Compliance, p *problems) {
	field := Namespace + ":compliance.reuseRecorderOf"
	if len(cp.ReuseRecorderOf) > 0 && cp.CreateRecorder != nil && !*cp.CreateRecorder {
		p.add(field, strings.Join(cp.ReuseRecorderOf, ", "),
			"is redundant: %s:compliance.createRecorder is false, so every account already reuses its own recorder; "+
				"remove reuseRecorderOf, or set createRecorder: true to have peerctl create the recorder of the other accounts", Namespace)
		return
	}
	names := make([]string, len(c.Networks))
	for i, n := range c.Networks {
		names[i] = n.Name
	}
	for i, name := range cp.ReuseRecorderOf {
		f := fmt.Sprintf("%s[%d]", field, i)
		switch first := slices.Index(cp.ReuseRecorderOf, name); {
		case !slices.Contains(names, name):
			p.add(f, name, "is not a configured network (networks: %s)", strings.Join(names, ", "))
		case first < i:
			p.add(f, name, "is listed twice (also %s[%d])", field, first)
		}
	}
}
