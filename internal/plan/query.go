package plan

// OfType returns the resources of type t, in URN order.
func (d *Document) OfType(t string) []Resource {
	var out []Resource
	for _, r := range d.Resources {
		if r.Type == t {
			out = append(out, r)
		}
	}
	return out
}

// Named returns the resource of type t called name.
func (d *Document) Named(t, name string) (Resource, bool) {
	for _, r := range d.Resources {
		if r.Type == t && r.Name == name {
			return r, true
		}
	}
	return Resource{}, false
}

// ByID returns the resource whose placeholder id is id.
func (d *Document) ByID(id string) (Resource, bool) {
	for _, r := range d.Resources {
		if r.ID == id && id != "" {
			return r, true
		}
	}
	return Resource{}, false
}

// String returns the input at key if it is a string.
func (r Resource) String(key string) string {
	s, _ := r.Inputs[key].(string)
	return s
}
