package preflight

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"

	"github.com/peerctl/peerctl/internal/config"
	"github.com/peerctl/peerctl/internal/regions"
)

// ZonesAPI is what the check asks EC2: the zones an account is offered.
// The offline plan assumes every AZ ID of the region table; AWS may offer
// an account fewer (constrained zones are removed from new accounts), and
// only the account's own credentials can tell.
type ZonesAPI interface {
	DescribeAvailabilityZones(ctx context.Context, in *ec2.DescribeAvailabilityZonesInput, optFns ...func(*ec2.Options)) (*ec2.DescribeAvailabilityZonesOutput, error)
}

// offered is what one account says of the region's zones, by AZ ID.
type offered struct {
	zones map[string]ec2types.AvailabilityZone
	// usable are the AZ IDs the program would choose from (stack.chooseAZs:
	// available, regular zones that need no opt-in), sorted.
	usable []string
}

func describeZones(ctx context.Context, api ZonesAPI, where string) (offered, error) {
	// AllAvailabilityZones also returns zones the account has not opted in
	// to, so that an explicit one can be named as such.
	out, err := api.DescribeAvailabilityZones(ctx, &ec2.DescribeAvailabilityZonesInput{AllAvailabilityZones: aws.Bool(true)})
	if err != nil {
		return offered{}, callError(where, "ec2:DescribeAvailabilityZones", err)
	}
	o := offered{zones: map[string]ec2types.AvailabilityZone{}}
	for _, z := range out.AvailabilityZones {
		id := aws.ToString(z.ZoneId)
		o.zones[id] = z
		if z.State == ec2types.AvailabilityZoneStateAvailable && z.OptInStatus == ec2types.AvailabilityZoneOptInStatusOptInNotRequired &&
			(z.ZoneType == nil || *z.ZoneType == "availability-zone") {
			o.usable = append(o.usable, id)
		}
	}
	slices.Sort(o.usable)
	return o, nil
}

// zoneClients gives the clients of one network's account.
type zoneClients func(n config.Network) (Clients, error)

// checkZones compares each network's AZs with what its account is offered:
// explicit AZ IDs must be offered and available; the networks that let
// peerctl choose must share at least azCount usable AZ IDs, as the program
// picks shared ones. accounts maps network -> account id.
func checkZones(ctx context.Context, cfg *config.Config, accounts map[string]string, clients zoneClients) ([]Conflict, error) {
	var conflicts []Conflict
	add := func(n config.Network, format string, args ...any) {
		conflicts = append(conflicts, Conflict{Account: accounts[n.Name], Networks: []string{n.Name}, Message: fmt.Sprintf(format, args...)})
	}
	// The program aligns AZs only among the greenfield networks of one
	// region; an existing network's subnets are not peerctl's.
	var choosing []config.Network
	var choosingIdx []int
	var lists [][]string
	for i, n := range cfg.Networks {
		if n.IsExisting() {
			continue
		}
		region := cfg.RegionOf(n)
		where := describe(accounts[n.Name], config.AccountGroup{Networks: []config.Network{n}})
		cl, err := clients(n)
		if err != nil {
			return nil, err
		}
		o, err := describeZones(ctx, cl.Zones, where)
		if err != nil {
			return nil, err
		}
		if len(n.AZs) == 0 {
			choosing = append(choosing, n)
			choosingIdx = append(choosingIdx, i)
			lists = append(lists, o.usable)
			continue
		}
		field := fmt.Sprintf("%s:networks[%d].azs", config.Namespace, i)
		for _, id := range n.AZs {
			z, ok := o.zones[id]
			switch {
			case !ok:
				add(n, "%s is not offered AZ ID %s in %s (it offers %s); set %s to AZ IDs the account offers",
					where, id, region, listOrNone(o.usable), field)
			case z.OptInStatus == ec2types.AvailabilityZoneOptInStatusNotOptedIn:
				add(n, "%s has not opted in to zone %s (%s) in %s; opt in to it, or set %s to AZ IDs the account offers (%s)",
					where, id, aws.ToString(z.ZoneName), region, field, listOrNone(o.usable))
			case z.State != ec2types.AvailabilityZoneStateAvailable:
				add(n, "%s is offered AZ ID %s (%s) in %s, but its state is %q, so AWS may refuse new subnets there; set %s to available AZ IDs (%s)",
					where, id, aws.ToString(z.ZoneName), region, z.State, field, listOrNone(o.usable))
			}
		}
	}
	// One alignment per region, regions in order of first appearance.
	var regionOrder []string
	for _, n := range choosing {
		if r := cfg.RegionOf(n); !slices.Contains(regionOrder, r) {
			regionOrder = append(regionOrder, r)
		}
	}
	for _, region := range regionOrder {
		var group []config.Network
		var groupIdx []int
		var groupLists [][]string
		for k, n := range choosing {
			if cfg.RegionOf(n) == region {
				group, groupIdx, groupLists = append(group, n), append(groupIdx, choosingIdx[k]), append(groupLists, lists[k])
			}
		}
		alignZones(region, group, groupIdx, groupLists, add)
	}
	return conflicts, nil
}

// sharedWhose names whose zones were compared, for messages.
func sharedWhose(names []string) string {
	if len(names) == 1 {
		return "the account of network " + names[0] + " offers"
	}
	return "the accounts of networks " + strings.Join(names, ", ") + " share"
}

// offlineChoice is the AZ IDs the offline plan chooses from: every AZ ID of
// the region in peerctl's table, lowest first.
func offlineChoice(region string) []string {
	r, ok := regions.Region(region)
	if !ok {
		return nil
	}
	ids := slices.Clone(r.AZIDs)
	slices.Sort(ids)
	return ids
}

func listOrNone(ids []string) string {
	if len(ids) == 0 {
		return "none"
	}
	return strings.Join(ids, ", ")
}

// alignZones checks the greenfield networks of one region that let peerctl
// choose their AZs (idx: their positions in peerctl:networks; lists: the
// usable AZ IDs of each one's account).
func alignZones(region string, choosing []config.Network, idx []int, lists [][]string, add func(config.Network, string, ...any)) {
	shared := slices.Clone(lists[0])
	for _, l := range lists[1:] {
		shared = slices.DeleteFunc(shared, func(id string) bool { return !slices.Contains(l, id) })
	}
	names := make([]string, len(choosing))
	for i, n := range choosing {
		names[i] = n.Name
	}
	slices.Sort(shared)
	planned := offlineChoice(region)
	for k, n := range choosing {
		if n.AZCount <= len(shared) {
			// The reviewed offline plan placed the subnets in the region's
			// lowest AZ IDs; when the accounts lack one of them, up would
			// choose others and build what nobody reviewed.
			if len(planned) >= n.AZCount && !slices.Equal(shared[:n.AZCount], planned[:n.AZCount]) {
				add(n, "the offline plan places network %s in %s, but %s %s in %s, so up would place it in %s; set %s:networks[%d].azs: [%s] and review the plan again",
					n.Name, strings.Join(planned[:n.AZCount], ", "), sharedWhose(names), listOrNone(shared), region,
					strings.Join(shared[:n.AZCount], ", "), config.Namespace, idx[k], strings.Join(shared[:n.AZCount], ", "))
			}
			continue
		}
		add(n, "%s %d usable AZ IDs in %s (%s), fewer than the %d that %s:networks[%d].azCount asks for; lower azCount, or set azs explicitly",
			sharedWhose(names), len(shared), region, listOrNone(shared), n.AZCount, config.Namespace, idx[k])
	}
}
