package config

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
)

// regionProblems parses a stack with region and networks (a JSON list, or
// "" for the default pair) and returns its problems, one string each.
func regionProblems(t *testing.T, region, networks string, extra Raw) []string {
	t.Helper()
	raw := Raw{Namespace + ":region": region}
	if networks != "" {
		raw[Namespace+":networks"] = networks
	}
	for k, v := range extra {
		raw[k] = v
	}
	_, err := Parse(raw, nil)
	if err == nil {
		return nil
	}
	var verr *ValidationError
	if !errors.As(err, &verr) {
		t.Fatalf("error is not a *ValidationError: %v", err)
	}
	out := make([]string, len(verr.Problems))
	for i, p := range verr.Problems {
		out[i] = p.Error()
	}
	return out
}

// twoNetworks are two networks with the given extra fields ("azCount": 4).
func twoNetworks(first, second string) string {
	n := func(name, cidr, extra string) string {
		s := fmt.Sprintf(`{"name":%q,"cidr":%q,"costCenter":"x"`, name, cidr)
		if extra != "" {
			s += "," + extra
		}
		return s + "}"
	}
	return "[" + n("trading", "10.0.0.0/16", first) + "," + n("analytics", "10.1.0.0/16", second) + "]"
}

// Expected messages are written by hand; the AZ IDs in them are those of
// the AWS "AWS Availability Zones" tables.
func TestValidateRegionAndAZs(t *testing.T) {
	usw2 := "usw2-az1, usw2-az2, usw2-az3, usw2-az4"
	tests := []struct {
		name     string
		region   string
		networks string
		want     []string
	}{
		{name: "us-west-2 has four AZ IDs: azCount 4 plans", region: "us-west-2",
			networks: twoNetworks(`"azCount":4`, `"azCount":4`)},
		{name: "us-west-2 has four AZ IDs: azCount 5 is refused", region: "us-west-2",
			networks: twoNetworks(`"azCount":5`, `"azCount":4`),
			want:     []string{`peerctl:networks[0].azCount: "5" is more than the 4 AZ IDs of us-west-2 (` + usw2 + `); lower azCount`}},
		{name: "us-east-1 has six AZ IDs", region: "us-east-1",
			networks: twoNetworks(`"azCount":6`, `"azs":["use1-az6","use1-az3"]`)},
		{name: "eu-west-1 has three AZ IDs", region: "eu-west-1",
			networks: twoNetworks(`"azCount":4`, ""),
			want:     []string{`peerctl:networks[0].azCount: "4" is more than the 3 AZ IDs of eu-west-1 (euw1-az1, euw1-az2, euw1-az3); lower azCount`}},
		{name: "an AZ ID the region does not have", region: "us-west-2",
			networks: twoNetworks(`"azs":["usw2-az1","usw2-az5"]`, ""),
			want:     []string{`peerctl:networks[0].azs[1]: "usw2-az5" is not an AZ ID of us-west-2 (its AZ IDs: ` + usw2 + `)`}},
		{name: "ca-central-1 has no cac1-az3", region: "ca-central-1",
			networks: twoNetworks("", `"azs":["cac1-az3"]`),
			want:     []string{`peerctl:networks[1].azs[0]: "cac1-az3" is not an AZ ID of ca-central-1 (its AZ IDs: cac1-az1, cac1-az2, cac1-az4)`}},
		{name: "an AZ ID of another region", region: "us-west-2",
			networks: twoNetworks(`"azs":["use1-az1"]`, ""),
			want:     []string{`peerctl:networks[0].azs[0]: "use1-az1" is not in region us-west-2 (its AZ IDs start with usw2-)`}},
		{name: "an AZ name", region: "eu-west-1",
			networks: twoNetworks(`"azs":["eu-west-1a"]`, ""),
			want:     []string{`peerctl:networks[0].azs[0]: "eu-west-1a" is an AZ name; use AZ IDs like euw1-az1 (names map to different zones in each account)`}},
		{name: "an AZ ID twice", region: "us-west-2",
			networks: twoNetworks(`"azs":["usw2-az2","usw2-az2"]`, ""),
			want:     []string{`peerctl:networks[0].azs[1]: "usw2-az2" is listed twice`}},
		{name: "a region that does not exist", region: "us-east-7",
			want: []string{`peerctl:region: "us-east-7" is not an AWS region (peerctl knows the regions AWS listed as of 2025-11); did you mean us-east-1?`}},
		{name: "a misspelt region", region: "eu-centrall-1",
			want: []string{`peerctl:region: "eu-centrall-1" is not an AWS region (peerctl knows the regions AWS listed as of 2025-11); did you mean eu-central-1?`}},
		{name: "not a region name", region: "US-East",
			want: []string{`peerctl:region: "US-East" is not an AWS region name like us-east-1`}},
		{name: "GovCloud plans", region: "us-gov-west-1",
			networks: twoNetworks(`"azs":["usgw1-az1","usgw1-az3"]`, `"azCount":3`)},
		{name: "China is refused", region: "cn-north-1",
			want: []string{`peerctl:region: "cn-north-1" is in the aws-cn partition (AWS China), which peerctl does not support: ` +
				`its gateway endpoint service names (cn.com.amazonaws.<region>.s3), service principals and managed policies differ from the aws partition's, ` +
				`and peerctl cannot check them offline; use a region of the aws or aws-us-gov partition`}},
		{name: "an isolated partition is refused", region: "us-isob-east-1",
			want: []string{`peerctl:region: "us-isob-east-1" is in the aws-iso-b partition (AWS ISOB (US)), which peerctl does not support: ` +
				`it is an isolated partition whose service names, principals and service availability are not public, so peerctl cannot check a plan for it offline; ` +
				`use a region of the aws or aws-us-gov partition`}},
		{name: "the European Sovereign Cloud is refused", region: "eusc-de-east-1",
			want: []string{`peerctl:region: "eusc-de-east-1" is in the aws-eusc partition (AWS European Sovereign Cloud), which peerctl does not support: ` +
				`its DNS suffix is amazonaws.eu, so service principals and endpoint names differ from the aws partition's, and peerctl cannot check them offline; ` +
				`use a region of the aws or aws-us-gov partition`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := regionProblems(t, tt.region, tt.networks, nil)
			if !slices.Equal(got, tt.want) {
				t.Errorf("problems:\n  %s\nwant:\n  %s", strings.Join(got, "\n  "), strings.Join(tt.want, "\n  "))
			}
		})
	}
}

func TestValidateRegionServices(t *testing.T) {
	on, off := true, false
	tests := []struct {
		region string
		cross  *bool
		want   []string
	}{
		{region: "us-east-1", cross: &on},
		{region: "us-gov-west-1", cross: &off},
		{region: "us-gov-west-1"},
		{region: "us-gov-east-1", cross: &on, want: []string{`peerctl:dashboard.crossAccount: "true" needs CloudWatch cross-account observability, ` +
			`which the aws-us-gov partition (AWS GovCloud (US), region us-gov-east-1) does not offer; set it to false (one dashboard per account)`}},
	}
	for _, tt := range tests {
		c := &Config{Region: tt.region}
		c.Observability.Dashboard.CrossAccount = tt.cross
		p := &problems{}
		validateRegionServices(c, p)
		var got []string
		for _, e := range p.list {
			got = append(got, e.Error())
		}
		if !slices.Equal(got, tt.want) {
			t.Errorf("%s crossAccount %v: problems %q, want %q", tt.region, tt.cross, got, tt.want)
		}
	}
}
