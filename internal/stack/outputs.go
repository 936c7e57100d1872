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
)

// outputs collects the stack outputs, keyed by network or peering name.
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
		vpcIDs[name] = n.Vpc.ID().ToStringOutput()
		subnetIDs[name] = n.SubnetIDs
		routeTableIDs[name] = n.RouteTableIDs
		sgIDs[name] = n.AppSG.ID().ToStringOutput()
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
	return pulumi.Map{
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
}
