package policy_test

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/peerctl/peerctl/internal/policy"
)

func ExampleEngine_Evaluate() {
	ctx := context.Background()
	e, err := policy.New(ctx, policy.Options{})
	if err != nil {
		fmt.Println(err)
		return
	}
	var plan map[string]any
	_ = json.Unmarshal([]byte(`{
	  "stack": "dev", "environment": "dev", "region": "us-east-1",
	  "resources": [{
	    "urn": "urn:pulumi:dev::peerctl::peerctl:network:Network$aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule::trading-app-sg-in-22-world",
	    "type": "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
	    "name": "trading-app-sg-in-22-world", "id": "sgr-1", "account": "trading",
	    "inputs": {"securityGroupId": "sg-1", "cidrIpv4": "0.0.0.0/0", "fromPort": 22, "toPort": 22, "ipProtocol": "tcp",
	               "tags": {"CostCenter": "trading", "Environment": "dev"}}
	  }]}`), &plan)
	findings, err := e.Evaluate(ctx, plan)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, f := range findings {
		fmt.Printf("%s %s [%s] %s\n", f.Severity, f.Rule, f.Account, f.Message)
	}
	fmt.Println("fails the plan:", policy.HasDeny(findings))
	// Output:
	// deny NET-001 [trading] SecurityGroupIngressRule "trading-app-sg-in-22-world" allows ingress traffic to/from 0.0.0.0/0 (ports 22-22)
	// fails the plan: true
}
