package policy

// Update exposes the -update flag to the external test package.
var Update = update
