package config

// AccountGroup is the networks that live in one AWS account and region.
// Resources that AWS allows once per account and region (the AWS Config
// recorder and delivery channel, the CloudWatch OAM sink) are created once
// per group, with the provider of its first network and named after it.
type AccountGroup struct {
	// Networks in configuration order; Networks[0] names the group.
	Networks []Network
}

// Name is the group's first network's name.
func (g AccountGroup) Name() string { return g.Networks[0].Name }

// Region is the group's region (all its networks share it).
func (g AccountGroup) Region() string { return g.Networks[0].Region }

// NetworkNames lists the group's network names.
func (g AccountGroup) NetworkNames() []string {
	out := make([]string, len(g.Networks))
	for i, n := range g.Networks {
		out[i] = n.Name
	}
	return out
}

// GroupByAccount partitions networks by the AWS account and region they are in, as
// accountOf (network name -> account id) says, keeping configuration order;
// the group's first network names it. The account ids come from where the
// account is known for sure: the providers at deploy time (configured id, or
// STS), so two profiles into one account make one group. Account-wide
// singletons (the AWS Config recorder and delivery channel, the OAM sink)
// are created once per group.
func GroupByAccount(networks []Network, accountOf func(network string) string) []AccountGroup {
	var groups []AccountGroup
	index := map[[2]string]int{}
	for _, n := range networks {
		id := [2]string{accountOf(n.Name), n.Region}
		i, ok := index[id]
		if !ok {
			i = len(groups)
			index[id] = i
			groups = append(groups, AccountGroup{})
		}
		groups[i].Networks = append(groups[i].Networks, n)
	}
	return groups
}
