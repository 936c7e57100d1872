// The Pulumi program run by `pulumi up` (and by `peerctl up` through the
// Automation API): it reads the stack configuration the engine passes in
// and registers everything through stack.Define.
package main

import (
	"encoding/json"
	"fmt"
	"os"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/peerctl/peerctl/internal/config"
	"github.com/peerctl/peerctl/internal/stack"
)

func main() {
	pulumi.Run(func(ctx *pulumi.Context) error {
		cfg, err := engineConfig()
		if err != nil {
			return err
		}
		_, err = stack.Define(ctx, cfg)
		return err
	})
}

// engineConfig reads the whole stack configuration from PULUMI_CONFIG, where
// the engine puts it, so unknown keys are reported like in `peerctl plan`.
func engineConfig() (*config.Config, error) {
	raw := config.Raw{}
	if s := os.Getenv(pulumi.EnvConfig); s != "" {
		if err := json.Unmarshal([]byte(s), &raw); err != nil {
			return nil, fmt.Errorf("reading %s: %w", pulumi.EnvConfig, err)
		}
	}
	return config.Parse(raw, os.LookupEnv)
}
