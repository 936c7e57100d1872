package e2e

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// fakeAWS answers the AWS calls peerctl itself makes before the engine
// runs (the credentials check and the pre-flight check), on 127.0.0.1:
// STS GetCallerIdentity and AssumeRole, EC2 DescribeAvailabilityZones,
// AWS Config DescribeConfigurationRecorders and DescribeDeliveryChannels
// (from the stand-in's world, so a deployed stack's own recorder is seen),
// CloudWatch OAM ListSinks, and the EC2 reads of existing VPCs and
// peering connections (fakeec2_test.go, from the world and its seeds). The account of a request is the last 12
// digits of its access key id (see accessKey).
func fakeAWS(t testing.TB, worldDir string) *httptest.Server {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := r.ParseForm(); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		account := accountOfRequest(r)
		target := r.Header.Get("X-Amz-Target")
		switch {
		case r.Form.Get("Action") == "GetCallerIdentity":
			writeXML(w, fmt.Sprintf(`<GetCallerIdentityResponse><GetCallerIdentityResult><Account>%s</Account><Arn>arn:aws:iam::%s:user/e2e</Arn><UserId>AIDAE2E</UserId></GetCallerIdentityResult></GetCallerIdentityResponse>`, account, account))
		case r.Form.Get("Action") == "AssumeRole":
			role := r.Form.Get("RoleArn")
			parts := strings.Split(role, ":")
			if len(parts) < 5 {
				http.Error(w, "bad RoleArn", http.StatusBadRequest)
				return
			}
			writeXML(w, fmt.Sprintf(`<AssumeRoleResponse><AssumeRoleResult><AssumedRoleUser><Arn>arn:aws:sts::%[1]s:assumed-role/e2e/s</Arn><AssumedRoleId>AROAE2E:s</AssumedRoleId></AssumedRoleUser><Credentials><AccessKeyId>%[2]s</AccessKeyId><Expiration>2099-01-01T00:00:00Z</Expiration><SecretAccessKey>e2e</SecretAccessKey><SessionToken>e2e</SessionToken></Credentials></AssumeRoleResult></AssumeRoleResponse>`,
				parts[4], "ASIAE2E"+parts[4]))
		case r.Form.Get("Action") == "DescribeAvailabilityZones":
			var items strings.Builder
			for i := 1; i <= 6; i++ {
				fmt.Fprintf(&items, `<item><zoneName>us-east-1%c</zoneName><zoneId>use1-az%d</zoneId><zoneState>available</zoneState><optInStatus>opt-in-not-required</optInStatus><zoneType>availability-zone</zoneType><regionName>us-east-1</regionName></item>`, 'a'+i-1, i)
			}
			writeXML(w, `<DescribeAvailabilityZonesResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/"><availabilityZoneInfo>`+items.String()+`</availabilityZoneInfo></DescribeAvailabilityZonesResponse>`)
		case target == "StarlingDoveService.DescribeConfigurationRecorders":
			writeJSON(w, map[string]any{"ConfigurationRecorders": worldNamed(worldDir, "aws:cfg/recorder:Recorder", account)})
		case target == "StarlingDoveService.DescribeDeliveryChannels":
			writeJSON(w, map[string]any{"DeliveryChannels": worldNamed(worldDir, "aws:cfg/deliveryChannel:DeliveryChannel", account)})
		case r.URL.Path == "/ListSinks":
			writeJSON(w, map[string]any{"Items": []any{}})
		case ec2Handlers[r.Form.Get("Action")] != nil:
			q := ec2Request{account: account, region: regionOfRequest(r), form: r.Form}
			if err := ec2Handlers[r.Form.Get("Action")](w, q, loadWorld(worldDir)); err != nil {
				t.Errorf("fake AWS: %s: %v", r.Form.Get("Action"), err)
				http.Error(w, err.Error(), http.StatusNotImplemented)
			}
		default:
			t.Errorf("fake AWS: unexpected request %s %s target %q form %v", r.Method, r.URL.Path, target, r.Form)
			http.Error(w, "not faked", http.StatusNotImplemented)
		}
	}))
	t.Cleanup(srv.Close)
	return srv
}

// accessKey is the access key id of account in the fake.
func accessKey(account string) string { return "AKIAE2E" + account }

var credentialPattern = regexp.MustCompile(`Credential=[A-Z]*E2E(\d{12})/`)

func accountOfRequest(r *http.Request) string {
	if m := credentialPattern.FindStringSubmatch(r.Header.Get("Authorization")); m != nil {
		return m[1]
	}
	return "000000000000"
}

// worldNamed lists the {"name": ...} of the world's resources of typ in
// account.
func worldNamed(dir, typ, account string) []map[string]any {
	out := []map[string]any{}
	data, err := os.ReadFile(filepath.Join(dir, "world.json"))
	if err != nil {
		return out
	}
	var st struct {
		Resources map[string]struct {
			Type    string         `json:"type"`
			Account string         `json:"account"`
			Outputs map[string]any `json:"outputs"`
		} `json:"resources"`
	}
	if json.Unmarshal(data, &st) != nil {
		return out
	}
	for _, r := range st.Resources {
		if r.Type == typ && r.Account == account {
			out = append(out, map[string]any{"name": r.Outputs["name"]})
		}
	}
	return out
}

func writeXML(w http.ResponseWriter, body string) {
	w.Header().Set("Content-Type", "text/xml")
	fmt.Fprint(w, body)
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/x-amz-json-1.1")
	_ = json.NewEncoder(w).Encode(v)
}
