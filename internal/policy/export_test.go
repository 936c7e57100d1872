package policy

// Update exposes the -update flag to the external test package.
var Update = update

// rule returns the loaded rule with that id, nil when there is none.
func (e *Engine) rule(id string) *Rule {
	for i := range e.rules {
		if e.rules[i].ID == id {
			return &e.rules[i]
		}
	}
	return nil
}
