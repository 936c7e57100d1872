package policy

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/tester"
)

// ErrTestsFailed is returned by RunTests when a Rego test fails or errors.
var ErrTestsFailed = errors.New("policy tests failed")

// TestOptions configure RunTests.
type TestOptions struct {
	Dirs       []string // user policy directories, with their *_test.rego files
	Namespaces []string
	Verbose    bool          // list every test, as opa test -v
	Run        string        // only tests whose name matches this regular expression (opa test --run)
	Timeout    time.Duration // per test; 0 is DefaultTimeout
}

// RunTests runs the *_test.rego files of the baseline and of opts.Dirs with
// OPA's test runner, under the same rules as evaluation (contract, sandbox,
// strict built-in errors), and prints the results as opa test does.
func RunTests(ctx context.Context, opts TestOptions, w io.Writer) error {
	ns, err := newNamespaces(opts.Namespaces)
	if err != nil {
		return fmt.Errorf("load policies: %w", err)
	}
	mods, names, isBaseline, err := loadModules(opts.Dirs, true)
	if err != nil {
		return fmt.Errorf("load policies: %w", err)
	}
	policies := map[string]bool{}
	for _, n := range names {
		policies[n] = !isTest(n)
	}
	if _, err := discover(onlyPolicies(mods, policies), names, isBaseline, ns); err != nil {
		return fmt.Errorf("load policies: %w", err)
	}
	c := newCompiler()
	if c.Compile(mods); c.Failed() {
		return fmt.Errorf("load policies: %w", errors.Join(fromOPA("", c.Errors)...))
	}
	timeout := opts.Timeout
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	runner := tester.NewRunner().
		SetCompiler(c).
		SetModules(mods).
		RaiseBuiltinErrors(true).
		SetTimeout(timeout).
		CapturePrintOutput(true).
		EnableTracing(opts.Verbose)
	if opts.Run != "" {
		runner = runner.Filter(opts.Run)
	}
	ch, err := runner.RunTests(ctx, nil)
	if err != nil {
		return fmt.Errorf("run policy tests: %w", err)
	}
	failed := 0
	counted := make(chan *tester.Result)
	go func() {
		defer close(counted)
		for r := range ch {
			if r.Fail || r.Error != nil {
				failed++
			}
			counted <- r
		}
	}()
	if err := (tester.PrettyReporter{Output: w, Verbose: opts.Verbose, FailureLine: true}).Report(counted); err != nil {
		// Drain, so the counting goroutine and OPA's runner can finish.
		for range counted {
		}
		return fmt.Errorf("report policy tests: %w", err)
	}
	if failed > 0 {
		return fmt.Errorf("%d policy test(s) failed: %w", failed, ErrTestsFailed)
	}
	return nil
}

// onlyPolicies drops the test files: the contract applies to policies.
func onlyPolicies(mods map[string]*ast.Module, keep map[string]bool) map[string]*ast.Module {
	out := make(map[string]*ast.Module, len(mods))
	for n, m := range mods {
		if keep[n] {
			out[n] = m
		}
	}
	return out
}
