package main

import (
	"encoding/json"
	"errors"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/peerctl/peerctl/internal/config"
)

// The engine hands the program its stack configuration in PULUMI_CONFIG:
// namespaced keys, structured values as JSON text. The program must read it
// exactly as peerctl plan reads the stack file.
func TestEngineConfigMatchesTheStackFile(t *testing.T) {
	raw, err := config.LoadStackFile("Pulumi.dev.yaml")
	if err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(raw)
	if err != nil {
		t.Fatal(err)
	}
	t.Setenv(pulumi.EnvConfig, string(b))
	t.Setenv(config.EnvEnvironmentSuffix, "")
	got, err := engineConfig()
	if err != nil {
		t.Fatal(err)
	}
	want, err := config.Parse(raw, nil)
	if err != nil {
		t.Fatal(err)
	}
	gotJSON, _ := json.Marshal(got)
	wantJSON, _ := json.Marshal(want)
	if string(gotJSON) != string(wantJSON) {
		t.Errorf("engine config differs from the stack file:\n%s\n%s", gotJSON, wantJSON)
	}
}

func TestEngineConfigRejectsWhatPlanRejects(t *testing.T) {
	t.Setenv(pulumi.EnvConfig, `{"peerctl:networkz": "[]", "aws:region": "us-west-2"}`)
	_, err := engineConfig()
	var verr *config.ValidationError
	if !errors.As(err, &verr) || len(verr.Problems) != 2 {
		t.Fatalf("want two problems, got %v", err)
	}
	t.Setenv(pulumi.EnvConfig, `{not json`)
	if _, err := engineConfig(); err == nil {
		t.Fatal("unreadable PULUMI_CONFIG must be an error")
	}
}
