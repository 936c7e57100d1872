package e2e

import (
	"encoding/xml"
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"sort"
	"strings"
)

// The EC2 calls of peerctl's pre-flight check for existing VPCs and
// one-sided peerings (internal/deploy/preflight), answered from the
// stand-in's world as AWS would answer the caller's account in the
// caller's region (the region of the request's signature).

// ec2NS is the EC2 API's XML namespace.
const ec2NS = `xmlns="http://ec2.amazonaws.com/doc/2016-11-15/"`

var regionPattern = regexp.MustCompile(`Credential=[^/]+/\d{8}/([a-z0-9-]+)/`)

// regionOfRequest is the region a request was signed for.
func regionOfRequest(r *http.Request) string {
	if m := regionPattern.FindStringSubmatch(r.Header.Get("Authorization")); m != nil {
		return m[1]
	}
	return ""
}

// ec2Request is one EC2 query call.
type ec2Request struct {
	account, region string
	form            map[string][]string
}

// list reads a list parameter (VpcId.1, VpcId.2 ...).
func (q ec2Request) list(name string) []string {
	var out []string
	for i := 1; ; i++ {
		v, ok := q.form[fmt.Sprintf("%s.%d", name, i)]
		if !ok || len(v) == 0 {
			return out
		}
		out = append(out, v[0])
	}
}

// filters reads Filter.N.Name / Filter.N.Value.M.
func (q ec2Request) filters() map[string][]string {
	out := map[string][]string{}
	for i := 1; ; i++ {
		name, ok := q.form[fmt.Sprintf("Filter.%d.Name", i)]
		if !ok || len(name) == 0 {
			return out
		}
		out[name[0]] = q.list(fmt.Sprintf("Filter.%d.Value", i))
	}
}

func (q ec2Request) get(name string) string {
	if v := q.form[name]; len(v) > 0 {
		return v[0]
	}
	return ""
}

// ec2Error is the EC2 error response.
func ec2Error(w http.ResponseWriter, code, message string) {
	w.Header().Set("Content-Type", "text/xml")
	w.WriteHeader(http.StatusBadRequest)
	fmt.Fprintf(w, `<?xml version="1.0" encoding="UTF-8"?><Response><Errors><Error><Code>%s</Code><Message>%s</Message></Error></Errors><RequestID>e2e</RequestID></Response>`, code, esc(message))
}

func esc(s string) string {
	var b strings.Builder
	_ = xml.EscapeText(&b, []byte(s))
	return b.String()
}

func tagSet(tags map[string]string) string {
	keys := make([]string, 0, len(tags))
	for k := range tags {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	b.WriteString("<tagSet>")
	for _, k := range keys {
		fmt.Fprintf(&b, "<item><key>%s</key><value>%s</value></item>", esc(k), esc(tags[k]))
	}
	b.WriteString("</tagSet>")
	return b.String()
}

// matches reports whether r passes every filter; value gives r's value
// for a filter name, ok false for a name the fake does not know.
func matches(filters map[string][]string, r *worldResource, value func(name string) (string, bool)) (bool, error) {
	for name, want := range filters {
		var got string
		if strings.HasPrefix(name, "tag:") {
			got = r.tags()[strings.TrimPrefix(name, "tag:")]
		} else {
			v, ok := value(name)
			if !ok {
				return false, fmt.Errorf("the fake AWS does not know the filter %q; add it to e2e/fakeec2_test.go", name)
			}
			got = v
		}
		if !slices.Contains(want, got) {
			return false, nil
		}
	}
	return true, nil
}

// ec2Handlers are the EC2 actions faked here, by Action.
var ec2Handlers = map[string]func(http.ResponseWriter, ec2Request, awsWorld) error{
	"DescribeVpcs":                  describeVpcs,
	"DescribeVpcAttribute":          describeVpcAttribute,
	"DescribeRouteTables":           describeRouteTables,
	"DescribeFlowLogs":              describeFlowLogs,
	"DescribeVpcPeeringConnections": describeVpcPeeringConnections,
}
