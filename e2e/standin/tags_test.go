package main

import (
	"reflect"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
)

// tagsAll is the provider's default tags with the resource's own on top;
// an untagged resource (a route) gets none.
func TestTagsAll(t *testing.T) {
	s := &server{defaultTags: map[string]any{"ManagedBy": "peerctl", "Environment": "dev", "CostCenter": "trading"}}
	vpc := resource.NewPropertyMapFromMap(map[string]any{"tags": map[string]any{"Name": "trading-vpc-dev", "CostCenter": "shared"}})
	s.addTagsAll(vpc)
	want := map[string]any{"ManagedBy": "peerctl", "Environment": "dev", "CostCenter": "shared", "Name": "trading-vpc-dev"}
	if got := vpc["tagsAll"].Mappable(); !reflect.DeepEqual(got, want) {
		t.Errorf("tagsAll = %v, want %v", got, want)
	}
	route := resource.NewPropertyMapFromMap(map[string]any{"routeTableId": "rtb-1"})
	s.addTagsAll(route)
	if _, ok := route["tagsAll"]; ok {
		t.Errorf("an untagged resource got tagsAll: %v", route)
	}
}
