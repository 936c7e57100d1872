package stack

import (
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/peerctl/peerctl/internal/config"
)

// Output names are an interface: peerctl verify, scripts and the README use them.
const (
	OutputEnvironment          = "environment"
	OutputAccountIDs           = "accountIds"
	OutputVpcIDs               = "vpcIds"
	OutputSubnetIDs            = "subnetIds"
	OutputRouteTableIDs        = "routeTableIds"
	OutputSecurityGroupIDs     = "securityGroupIds"
	OutputNaclIDs              = "naclIds"
	OutputEndpointIDs          = "endpointIds"
	OutputPeeringConnectionIDs = "peeringConnectionIds"
	OutputPeeringStatuses      = "peeringStatuses"
	// OutputPeeringModes maps each peering to its mode (both-sides,
	// accepter-only, requester-only); set only when a peering is one-sided,
	// so a both-sided stack's outputs stay as they were.
	OutputPeeringModes = "peeringModes"
)

// outputs collects the stack outputs, keyed by network or peering name. A
// network's key is absent from an output for what the stack did not create
// there: an existing VPC has no subnetIds, naclIds or endpointIds, and its
// routeTableIds are the tables that get routes; securityGroupIds holds only
// the groups created. Every peering, one-sided included, has its
// connection id (a requester-only one's is what the partner accepts) and
// status.
func outputs(cfg *config.Config, r *Result) pulumi.Map {
	accountIDs := pulumi.StringMap{}
	vpcIDs := pulumi.StringMap{}
	subnetIDs := pulumi.StringArrayMap{}
	routeTableIDs := pulumi.StringArrayMap{}
	sgIDs := pulumi.StringMap{}
	naclIDs := pulumi.StringMap{}
	endpointIDs := pulumi.Map{}
	for name, n := range r.Networks {
		accountIDs[name] = pulumi.String(r.Accounts[name].ID)
		vpcIDs[name] = n.VpcID
		routeTableIDs[name] = n.RouteTableIDs
		if n.AppSG != nil {
			sgIDs[name] = n.AppSG.ID().ToStringOutput()
		}
		if n.Vpc == nil {
			continue // existing: no subnets, NACL or endpoints of ours
		}
		subnetIDs[name] = n.SubnetIDs
		naclIDs[name] = n.Nacl.ID().ToStringOutput()
		eps := pulumi.StringMap{}
		for service, ep := range n.Endpoints {
			eps[service] = ep.ID().ToStringOutput()
		}
		endpointIDs[name] = eps
	}
	pcxIDs := pulumi.StringMap{}
	statuses := pulumi.StringMap{}
	for name, p := range r.Peerings {
		pcxIDs[name] = p.ConnectionID
		statuses[name] = p.AcceptStatus
	}
	out := pulumi.Map{
		OutputEnvironment:          pulumi.String(cfg.Environment),
		OutputAccountIDs:           accountIDs,
		OutputVpcIDs:               vpcIDs,
		OutputSubnetIDs:            subnetIDs,
		OutputRouteTableIDs:        routeTableIDs,
		OutputSecurityGroupIDs:     sgIDs,
		OutputNaclIDs:              naclIDs,
		OutputEndpointIDs:          endpointIDs,
		OutputPeeringConnectionIDs: pcxIDs,
		OutputPeeringStatuses:      statuses,
	}
	modes, oneSided := pulumi.StringMap{}, false
	for _, p := range cfg.Peerings {
		modes[p.Name()] = pulumi.String(string(p.Mode()))
		oneSided = oneSided || p.OneSided()
	}
	if oneSided {
		out[OutputPeeringModes] = modes
	}
	return out
}
