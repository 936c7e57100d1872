package policy

import (
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// maxPolicyFile bounds one policy file. Real policies are kilobytes; the
// bound keeps a hostile pull request from making the CI runner read a
// multi-gigabyte file into memory before parsing fails.
const maxPolicyFile = 4 << 20

// readPolicyFile reads one .rego file found in dir. Policies come from pull
// requests, and error messages quote their source, so a symlink may not
// lead outside the policy directory (policy/x.rego -> ~/.aws/credentials
// would print the credentials in a parse error in CI's log), and only
// regular files are read (a named pipe would block the run forever).
func readPolicyFile(dir, path string, d fs.DirEntry) ([]byte, error) {
	real := path
	if d.Type()&fs.ModeSymlink != 0 {
		target, err := filepath.EvalSymlinks(path)
		if err != nil {
			return nil, err
		}
		root, err := filepath.EvalSymlinks(dir)
		if err != nil {
			return nil, err
		}
		if rel, err := filepath.Rel(root, target); err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
			return nil, fmt.Errorf("%w: %s is a symbolic link to %s, outside the policy directory; copy the file in instead", ErrInvalidPolicy, path, target)
		}
		real = target
	}
	// Checked before opening: opening a named pipe blocks until a writer
	// comes.
	info, err := os.Stat(real)
	if err != nil {
		return nil, err
	}
	if !info.Mode().IsRegular() {
		return nil, fmt.Errorf("%w: %s is not a regular file", ErrInvalidPolicy, path)
	}
	if info.Size() > maxPolicyFile {
		return nil, fmt.Errorf("%w: %s is %d bytes; policy files are limited to %d", ErrInvalidPolicy, path, info.Size(), maxPolicyFile)
	}
	f, err := os.Open(real)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	// Read at most one byte past the limit: the file may grow after Stat.
	b, err := io.ReadAll(io.LimitReader(f, maxPolicyFile+1))
	if err != nil {
		return nil, err
	}
	if len(b) > maxPolicyFile {
		return nil, fmt.Errorf("%w: %s is over %d bytes; policy files are limited to %d", ErrInvalidPolicy, path, maxPolicyFile, maxPolicyFile)
	}
	return b, nil
}
