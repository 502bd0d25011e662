package rewrite

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
)

// FuzzMigrate checks, for any input that parses, that the migration
// succeeds, its result parses (MigrateFile checks that itself and
// reports ErrBadRewrite), a second pass changes nothing, and lint does
// not fail. The seeds are the golden test inputs.
func FuzzMigrate(f *testing.F) {
	files, _ := filepath.Glob("testdata/migrate/*.nix")
	for _, p := range files {
		src, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(src)
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		res, err := MigrateFile("fuzz.nix", src)
		if errors.Is(err, ErrBadRewrite) {
			t.Fatalf("bad rewrite of %q: %v", src, err)
		}
		if err != nil {
			return // does not parse, or discovery disagrees with the tree
		}
		again, err := MigrateFile("fuzz.nix", res.Out)
		if err != nil {
			t.Fatalf("migrating the result of %q: %v", src, err)
		}
		if again.Changed() {
			t.Fatalf("second pass over %q changes it:\n%s", src, again.Diff())
		}
		if _, err := LintFile("fuzz.nix", src, nil); err != nil {
			t.Fatalf("lint %q: %v", src, err)
		}
	})
}
