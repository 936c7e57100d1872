package main

import (
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
)

// addTagsAll sets what the provider reports as tagsAll on a tagged
// resource: its default tags overridden by the resource's own. The fake
// AWS endpoints answer tag filters from it (peerctl's pre-flight check
// finds what the stack created by its ManagedBy tag, a default tag).
func (s *server) addTagsAll(outputs resource.PropertyMap) {
	tags, ok := outputs["tags"]
	if !ok || !tags.IsObject() {
		return
	}
	s.mu.Lock()
	all := resource.NewPropertyMapFromMap(s.defaultTags)
	s.mu.Unlock()
	for k, v := range tags.ObjectValue() {
		all[k] = v
	}
	outputs["tagsAll"] = resource.NewObjectProperty(all)
}
