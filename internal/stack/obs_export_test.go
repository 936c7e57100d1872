package stack

// Hooks for the external observability tests (package stack_test), which
// import internal/plan and so cannot live in this package.
var (
	DefineObservability = defineObservability
)
