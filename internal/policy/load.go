package policy

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"

	"github.com/open-policy-agent/opa/v1/ast"

	baseline "github.com/peerctl/peerctl/policy"
)

// baselinePrefix names embedded files in errors and annotations, so that
// they cannot be mistaken for files on disk.
const baselinePrefix = "policy/"

// source is one policy file's name and contents.
type source struct {
	name string
	text []byte
}

// isTest reports whether a file holds Rego unit tests, which the engine
// never loads as policy.
func isTest(name string) bool { return strings.HasSuffix(name, "_test.rego") }

// baselineSources reads the embedded baseline; withTests adds the
// *_test.rego files.
func baselineSources(withTests bool) ([]source, error) {
	names, err := fs.Glob(baseline.FS, "*.rego")
	if err != nil {
		return nil, fmt.Errorf("read embedded baseline: %w", err)
	}
	sort.Strings(names)
	var out []source
	for _, n := range names {
		if isTest(n) && !withTests {
			continue
		}
		b, err := fs.ReadFile(baseline.FS, n)
		if err != nil {
			return nil, fmt.Errorf("read embedded baseline: %w", err)
		}
		out = append(out, source{name: baselinePrefix + n, text: b})
	}
	return out, nil
}

// dirSources reads every *.rego file under dir, recursively, skipping
// *_test.rego files and hidden directories.
func dirSources(dir string, withTests bool) ([]source, error) {
	info, err := os.Stat(dir)
	if err != nil {
		return nil, fmt.Errorf("policy dir: %w", err)
	}
	if !info.IsDir() {
		return nil, fmt.Errorf("policy dir %q: not a directory", dir)
	}
	var out []source
	err = filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if p != dir && strings.HasPrefix(d.Name(), ".") {
				return filepath.SkipDir
			}
			return nil
		}
		if path.Ext(d.Name()) != ".rego" || (isTest(d.Name()) && !withTests) {
			return nil
		}
		b, err := readPolicyFile(dir, p, d)
		if err != nil {
			return err
		}
		out = append(out, source{name: p, text: b})
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("policy dir %q: %w", dir, err)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("%w: policy dir %q holds no .rego files", ErrInvalidPolicy, dir)
	}
	return out, nil
}

// parse parses Rego v1 sources with their METADATA annotations. It returns
// every file's errors, not only the first file's.
func parse(srcs []source) (map[string]*ast.Module, error) {
	mods := make(map[string]*ast.Module, len(srcs))
	var errs []error
	opts := ast.ParserOptions{ProcessAnnotation: true, RegoVersion: ast.RegoV1}
	for _, s := range srcs {
		if _, dup := mods[s.name]; dup {
			continue // the same directory given twice
		}
		m, err := ast.ParseModuleWithOpts(s.name, string(s.text), opts)
		if err != nil {
			errs = append(errs, fromOPA(s.name, err)...)
			continue
		}
		if m == nil {
			errs = append(errs, &PolicyError{File: s.name, Line: 1, Column: 1, Code: contractError, Message: "file is empty; a policy file needs a package"})
			continue
		}
		mods[s.name] = m
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return mods, nil
}

// newCompiler is the compiler every policy goes through, for evaluation and
// for tests alike: Rego v1, sandboxed built-ins.
func newCompiler() *ast.Compiler {
	return ast.NewCompiler().
		WithDefaultRegoVersion(ast.RegoV1).
		WithCapabilities(sandboxCapabilities())
}

// compile compiles modules into one compiler.
func compile(mods map[string]*ast.Module) (*ast.Compiler, error) {
	c := newCompiler().WithEnablePrintStatements(false)
	c.Compile(mods)
	if c.Failed() {
		return nil, errors.Join(fromOPA("", c.Errors)...)
	}
	return c, nil
}
