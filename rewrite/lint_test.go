package rewrite

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// lockedInTests stands in for a lock holding every test reference but
// the ones named not-in-lock.
func lockedInTests(key string) bool { return !strings.Contains(key, "not-in-lock") }

// TestLintWants checks the findings on every input against its
// `# want lint RULE` comments.
func TestLintWants(t *testing.T) {
	for _, in := range migrateCases(t) {
		src, err := os.ReadFile(in)
		if err != nil {
			t.Fatal(err)
		}
		fs, err := LintFile(in, src, lockedInTests)
		if err != nil {
			t.Errorf("%s: %v", in, err)
			continue
		}
		got := map[int][]string{}
		for _, f := range fs {
			got[f.Pos.Line] = append(got[f.Pos.Line], f.Rule)
			if !strings.HasPrefix(f.String(), in+":") {
				t.Errorf("finding %q does not start with the file name", f)
			}
			wantSev := SeverityError
			if f.Rule == RuleUnresolved {
				wantSev = SeverityWarning
			}
			if f.Severity != wantSev {
				t.Errorf("%s: severity %s, want %s", f, f.Severity, wantSev)
			}
		}
		for l := range got {
			slices.Sort(got[l])
		}
		compareWants(t, filepath.Base(in), filterWants(wants(src), func(s string) bool { return s != "manual" }), got)
	}
}

// TestLintMigrated checks that a migrated file has no old-style or
// old-name findings left, except where the migration asked for a change
// by hand, and no more image mismatches than before.
func TestLintMigrated(t *testing.T) {
	count := func(fs []Finding, rule string) int {
		n := 0
		for _, f := range fs {
			if f.Rule == rule {
				n++
			}
		}
		return n
	}
	for _, in := range migrateCases(t) {
		src, err := os.ReadFile(in)
		if err != nil {
			t.Fatal(err)
		}
		res, err := MigrateFile(in, src)
		if err != nil {
			t.Fatal(err)
		}
		before, err := LintFile(in, src, lockedInTests)
		if err != nil {
			t.Fatal(err)
		}
		after, err := LintFile(in, res.Out, lockedInTests)
		if err != nil {
			t.Fatal(err)
		}
		if n := count(after, RuleOldStyle) + count(after, RuleOldName); n > len(res.Manual) {
			t.Errorf("%s: %d old-style/old-name findings after migration, %d hand-change notes", in, n, len(res.Manual))
		}
		if a, b := count(after, RuleImageMismatch), count(before, RuleImageMismatch); a != b {
			t.Errorf("%s: %d image mismatches after migration, %d before", in, a, b)
		}
	}
}

func TestSameImage(t *testing.T) {
	same := [][2]string{
		{"postgres:15", "docker.io/library/postgres:15"},
		{"nginx", "nginx:latest"},
		{"grafana/grafana:10", "docker.io/grafana/grafana:10"},
		{"registry.local:5000/app", "registry.local:5000/app:latest"},
	}
	for _, p := range same {
		if !sameImage(p[0], p[1]) {
			t.Errorf("sameImage(%q, %q) = false", p[0], p[1])
		}
	}
	differ := [][2]string{
		{"postgres:15", "postgres:16"},
		{"ghcr.io/a/b:1", "a/b:1"},
		{"registry.local:5000/app", "registry.local:5000/app:1"},
	}
	for _, p := range differ {
		if sameImage(p[0], p[1]) {
			t.Errorf("sameImage(%q, %q) = true", p[0], p[1])
		}
	}
}
