package deploy

import (
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"os"
	"slices"
	"strings"
	"text/tabwriter"

	"github.com/pulumi/pulumi/sdk/v3/go/auto"
)

// Outputs are the stack outputs that stack.Define exports, typed. A map left
// nil means the key was not in the outputs (an older stack, or a feature not
// deployed); an empty map means it was there and empty.
type Outputs struct {
	Environment          string                       `json:"environment,omitempty"`
	AccountIDs           map[string]string            `json:"accountIds,omitempty"`
	VpcIDs               map[string]string            `json:"vpcIds"`
	SubnetIDs            map[string][]string          `json:"subnetIds"`
	RouteTableIDs        map[string][]string          `json:"routeTableIds"`
	SecurityGroupIDs     map[string]string            `json:"securityGroupIds"`
	EndpointIDs          map[string]map[string]string `json:"endpointIds"`
	NaclIDs              map[string]string            `json:"naclIds"`
	PeeringConnectionIDs map[string]string            `json:"peeringConnectionIds"`
	PeeringStatuses      map[string]string            `json:"peeringStatuses"`

	// Observability outputs, each optional.
	FlowLogIDs          map[string]map[string]string `json:"flowLogIds,omitempty"`
	FlowLogBuckets      map[string]string            `json:"flowLogBuckets,omitempty"`
	FlowLogGroups       map[string]string            `json:"flowLogGroups,omitempty"`
	AlarmNames          map[string][]string          `json:"alarmNames,omitempty"`
	AlarmTopicARNs      map[string]string            `json:"alarmTopicArns,omitempty"`
	DashboardName       *string                      `json:"dashboardName,omitempty"`
	DashboardNames      map[string]string            `json:"dashboardNames,omitempty"`
	ConfigRuleNames     map[string][]string          `json:"configRuleNames,omitempty"`
	ConfigRecorderNames map[string]string            `json:"configRecorderNames,omitempty"`
}

// ParseOutputs decodes outputs from the shape `pulumi stack output --json`
// prints (and `peerctl outputs --json`): an object of output name to value.
func ParseOutputs(data []byte) (*Outputs, error) {
	var o Outputs
	if err := json.Unmarshal(data, &o); err != nil {
		return nil, fmt.Errorf("stack outputs: %w", err)
	}
	return &o, nil
}

// ReadOutputsFile reads outputs saved with `peerctl outputs --json > FILE`.
func ReadOutputsFile(path string) (*Outputs, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	o, err := ParseOutputs(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return o, nil
}

// PlainOutputs turns Automation API outputs into plain values. Secret
// values are replaced by "[secret]" unless showSecrets.
func PlainOutputs(m auto.OutputMap, showSecrets bool) map[string]any {
	out := make(map[string]any, len(m))
	for k, v := range m {
		if v.Secret && !showSecrets {
			out[k] = "[secret]"
			continue
		}
		out[k] = v.Value
	}
	return out
}

// OutputsFromMap types the plain outputs.
func OutputsFromMap(m map[string]any) (*Outputs, error) {
	data, err := json.Marshal(m)
	if err != nil {
		return nil, err
	}
	return ParseOutputs(data)
}

// PrintSummary writes what `up` reports at the end: VPC ids, each
// peering's id and status, route table ids and the dashboard. (`outputs`
// prints every output with its own WriteText.)
func (o *Outputs) PrintSummary(w io.Writer) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	for _, n := range slices.Sorted(maps.Keys(o.VpcIDs)) {
		fmt.Fprintf(tw, "vpc\t%s\t%s\n", n, o.VpcIDs[n])
	}
	for _, p := range slices.Sorted(maps.Keys(o.PeeringConnectionIDs)) {
		status := o.PeeringStatuses[p]
		if status == "" {
			status = "unknown"
		}
		fmt.Fprintf(tw, "peering\t%s\t%s (%s)\n", p, o.PeeringConnectionIDs[p], status)
	}
	for _, n := range slices.Sorted(maps.Keys(o.RouteTableIDs)) {
		fmt.Fprintf(tw, "route tables\t%s\t%s\n", n, strings.Join(o.RouteTableIDs[n], ", "))
	}
	if o.DashboardName != nil && *o.DashboardName != "" {
		fmt.Fprintf(tw, "dashboard\t\t%s\n", *o.DashboardName)
	}
	return tw.Flush()
}
