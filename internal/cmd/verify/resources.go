package verify

import (
	"context"
	"fmt"

	"github.com/pulumi/pulumi/sdk/v3/go/common/apitype"

	"github.com/peerctl/peerctl/internal/verify"
)

// stateExporter is what verify needs of auto.Stack to list the stack's
// resources.
type stateExporter interface {
	Export(ctx context.Context) (apitype.UntypedDeployment, error)
}

// stackResources lists the stack's resources from its state, which the
// config-rules check matches Config's per-resource results against. The
// state names everything the stack manages (also the default security
// groups, default network ACLs and main route tables it adopts, and every
// bucket); when it cannot be read, the check falls back to the outputs and
// says so, so the failure is a warning, not an error.
func stackResources(ctx context.Context, st stateExporter) (*verify.StackResources, error) {
	dep, err := st.Export(ctx)
	if err != nil {
		return nil, fmt.Errorf("pulumi stack export: %w", err)
	}
	return verify.ResourcesFromState(dep.Deployment)
}
