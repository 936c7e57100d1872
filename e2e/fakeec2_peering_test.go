package e2e

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
)

// The fake EC2's read of peering connections (the one-sided peering
// pre-flight checks, and whether a connection is the stack's).

// describeVpcPeeringConnections: the connections the caller is the
// requester or the accepter of, in its region. Tags are the caller's own:
// the requester's on the connection, the accepter's on its accepter.
func describeVpcPeeringConnections(w http.ResponseWriter, q ec2Request, world awsWorld) error {
	ids := q.list("VpcPeeringConnectionId")
	var items strings.Builder
	found := map[string]bool{}
	for _, c := range world.resources {
		if c.Type != typeConnection || (len(ids) > 0 && !slices.Contains(ids, c.ID)) {
			continue
		}
		req, acc := world.sides(c)
		asRequester := req.account == q.account && req.region == q.region
		asAccepter := acc.account == q.account && acc.region == q.region
		if !asRequester && !asAccepter {
			continue
		}
		found[c.ID] = true
		tagged := c
		if !asRequester {
			tagged = &worldResource{Outputs: map[string]any{}}
			for _, a := range world.resources {
				if a.Type == typeAccepter && a.ID == c.ID {
					tagged = a
				}
			}
		}
		status := world.status(c)
		ok, err := matches(q.filters(), tagged, func(name string) (string, bool) {
			switch name {
			case "status-code":
				return status, true
			case "vpc-peering-connection-id":
				return c.ID, true
			case "requester-vpc-info.vpc-id":
				return req.vpc, true
			case "accepter-vpc-info.vpc-id":
				return acc.vpc, true
			case "requester-vpc-info.owner-id":
				return req.account, true
			case "accepter-vpc-info.owner-id":
				return acc.account, true
			}
			return "", false
		})
		if err != nil {
			return err
		}
		if !ok {
			continue
		}
		info := func(s pcxSide) string {
			cidr := ""
			if v := world.find(typeVpc, s.vpc); v != nil {
				cidr = v.out("cidrBlock")
			}
			return fmt.Sprintf(`<ownerId>%s</ownerId><vpcId>%s</vpcId><region>%s</region><cidrBlock>%s</cidrBlock><cidrBlockSet><item><cidrBlock>%s</cidrBlock></item></cidrBlockSet>`,
				s.account, s.vpc, s.region, cidr, cidr)
		}
		fmt.Fprintf(&items, `<item><vpcPeeringConnectionId>%s</vpcPeeringConnectionId><requesterVpcInfo>%s</requesterVpcInfo><accepterVpcInfo>%s</accepterVpcInfo>`+
			`<status><code>%s</code><message>%s</message></status>%s</item>`, c.ID, info(req), info(acc), status, status, tagSet(tagged.tags()))
	}
	for _, id := range ids {
		if !found[id] {
			ec2Error(w, "InvalidVpcPeeringConnectionID.NotFound", fmt.Sprintf("The vpcPeeringConnection ID '%s' does not exist", id))
			return nil
		}
	}
	writeXML(w, `<DescribeVpcPeeringConnectionsResponse `+ec2NS+`><requestId>e2e</requestId><vpcPeeringConnectionSet>`+items.String()+`</vpcPeeringConnectionSet></DescribeVpcPeeringConnectionsResponse>`)
	return nil
}
