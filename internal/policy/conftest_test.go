package policy

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"testing"
)

// TestConftestTerraformExamples runs conftest's documentation examples for
// Terraform, adapted to the plan input, as a team would bring them: in
// package main with --namespace main.
func TestConftestTerraformExamples(t *testing.T) {
	e, err := New(context.Background(), Options{
		Dirs:       []string{filepath.Join("testdata", "conftest", "terraform")},
		Namespaces: []string{"main"},
	})
	if err != nil {
		t.Fatal(err)
	}
	bad := planOf("dev",
		res("urn:l", "aws:lb/listener:Listener", "web", "l-1", "trading", map[string]any{"protocol": "HTTP"}),
		res("urn:l2", "aws:lb/listener:Listener", "tls", "l-2", "trading", map[string]any{"protocol": "HTTPS"}),
		res("urn:sg", "aws:ec2/securityGroupRule:SecurityGroupRule", "open", "sgr-1", "trading", map[string]any{"type": "ingress", "cidrBlocks": []any{"10.0.0.0/8", "0.0.0.0/0"}}),
		res("urn:sg2", "aws:ec2/securityGroupRule:SecurityGroupRule", "out", "sgr-2", "trading", map[string]any{"type": "egress", "cidrBlocks": []any{"0.0.0.0/0"}}),
		res("urn:v", "aws:ebs/volume:Volume", "data", "vol-1", "trading", map[string]any{"encrypted": false}),
		res("urn:igw", "aws:ec2/internetGateway:InternetGateway", "igw", "igw-1", "trading", nil),
	)
	want := []Finding{
		{Rule: "main.deny", Severity: "deny", Message: "ALB listener `web` uses HTTP rather than HTTPS"},
		{Rule: "main.deny", Severity: "deny", Message: "EBS volume `data` is not encrypted"},
		{Rule: "main.deny", Severity: "deny", Message: "security group rule `open` defines a fully open ingress"},
		{Rule: "main.deny", Severity: "deny", Message: "the plan creates resources of prohibited types: aws:ec2/internetGateway:, aws:ec2/eip:"},
	}
	if got := userFindings(t, e, bad); !reflect.DeepEqual(got, want) {
		t.Errorf("findings = %+v\nwant      %+v", got, want)
	}

	// The real dev plan breaks none of them.
	b, err := os.ReadFile(filepath.Join("testdata", "plan-dev.json"))
	if err != nil {
		t.Fatal(err)
	}
	var dev map[string]any
	if err := json.Unmarshal(b, &dev); err != nil {
		t.Fatal(err)
	}
	if got := userFindings(t, e, dev); len(got) != 0 {
		t.Errorf("findings on the dev plan: %+v", got)
	}
}
