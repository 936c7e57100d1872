package plan_test

import "github.com/pulumi/pulumi/sdk/v3/go/pulumi"

func pulumiCall(token string) pulumi.MockCallArgs { return pulumi.MockCallArgs{Token: token} }
