package rewrite

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// wants reads the expectations written inside a test input: a comment
// `# want lint RULE...` or `# want manual` (or both, in any order) on the
// line where the finding is reported. It returns, per 1-based line, the
// sorted list of expected items: lint rule names and "manual".
func wants(src []byte) map[int][]string {
	m := map[int][]string{}
	for i, line := range strings.Split(string(src), "\n") {
		_, rest, ok := strings.Cut(line, "# want ")
		if !ok {
			continue
		}
		var items []string
		for _, w := range strings.Fields(rest) {
			if w != "lint" {
				items = append(items, w)
			}
		}
		slices.Sort(items)
		m[i+1] = items
	}
	return m
}

// filterWants keeps only the items keep accepts.
func filterWants(m map[int][]string, keep func(string) bool) map[int][]string {
	out := map[int][]string{}
	for line, items := range m {
		var kept []string
		for _, it := range items {
			if keep(it) {
				kept = append(kept, it)
			}
		}
		if len(kept) > 0 {
			out[line] = kept
		}
	}
	return out
}

// compareWants reports the difference between expected and got, both
// per-line sorted item lists.
func compareWants(t *testing.T, file string, want, got map[int][]string) {
	t.Helper()
	for line, w := range want {
		if !slices.Equal(w, got[line]) {
			t.Errorf("%s:%d: got %v, want %v", file, line, got[line], w)
		}
	}
	for line, g := range got {
		if _, ok := want[line]; !ok {
			t.Errorf("%s:%d: unexpected %v", file, line, g)
		}
	}
}

// need returns the path of a tool, skipping the test when it is missing
// unless CI=true, where a missing oracle is a failure.
func need(t *testing.T, tool string) string {
	t.Helper()
	p, err := exec.LookPath(tool)
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("%s is required when CI=true: %v", tool, err)
		}
		t.Skipf("%s not installed: %v", tool, err)
	}
	return p
}

// nixParse runs one nix-instantiate --parse over all files, each
// wrapped in `with {}; ` so that only syntax (and duplicate attributes)
// is checked, not undefined variables. When that fails it parses the
// files one by one to name the ones Nix rejects.
func nixParse(t *testing.T, nix string, files map[string][]byte) []error {
	t.Helper()
	dir := t.TempDir()
	var names, paths []string
	for name, src := range files {
		p := filepath.Join(dir, fmt.Sprintf("f%d.nix", len(paths)))
		// The newline keeps a final line comment from running on.
		text := append([]byte("with {}; "), src...)
		text = append(text, '\n')
		if err := os.WriteFile(p, text, 0o644); err != nil {
			t.Fatal(err)
		}
		names, paths = append(names, name), append(paths, p)
	}
	run := func(paths ...string) error {
		cmd := exec.Command(nix, append([]string{"--parse"}, paths...)...)
		cmd.Env = append(os.Environ(), "NIX_STATE_DIR="+dir, "NIX_LOG_DIR="+dir, "HOME="+dir)
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		if err := cmd.Run(); err != nil {
			return fmt.Errorf("%v: %s", err, stderr.Bytes())
		}
		return nil
	}
	if run(paths...) == nil {
		return nil
	}
	var errs []error
	for i, p := range paths {
		if err := run(p); err != nil {
			errs = append(errs, fmt.Errorf("nix-instantiate --parse %s: %w", names[i], err))
		}
	}
	if len(errs) == 0 {
		errs = append(errs, fmt.Errorf("nix-instantiate --parse failed on all files together but on none alone"))
	}
	return errs
}
