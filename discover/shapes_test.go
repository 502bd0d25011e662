package discover

import (
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// sharedShapes is the project's shared case collection, beside the
// repository (as CI lays it out too).
const sharedShapes = "../../shared/cases/shapes"

// TestSharedShapes runs discovery over every file of the shared shape
// collection and compares with its MANIFEST.tsv row: the references
// found (as a multiset; a bracketed list stands for a mapped call's
// elements) and which calls are unresolved.
func TestSharedShapes(t *testing.T) {
	manifest, err := os.ReadFile(filepath.Join(sharedShapes, "MANIFEST.tsv"))
	if err != nil {
		t.Skipf("shared cases not here: %v", err)
	}
	rows := strings.Split(strings.TrimSpace(string(manifest)), "\n")[1:]
	if len(rows) < 20 {
		t.Fatalf("MANIFEST has %d rows", len(rows))
	}
	for _, row := range rows {
		cols := strings.Split(row, "\t")
		name, expected := cols[0], cols[1]
		t.Run(strings.TrimSuffix(name, ".nix"), func(t *testing.T) {
			src, err := os.ReadFile(filepath.Join(sharedShapes, name))
			if err != nil {
				t.Fatal(err)
			}
			calls, err := Source(filepath.Join(sharedShapes, name), src)
			if err != nil {
				t.Fatalf("parsing: %v", err)
			}
			wantKeys, wantUnresolved := manifestExpectation(expected)
			var gotKeys []string
			gotUnresolved := 0
			for _, c := range calls {
				if c.Unresolved != "" {
					gotUnresolved++
					continue
				}
				gotKeys = append(gotKeys, c.Keys()...)
			}
			slices.Sort(gotKeys)
			if !slices.Equal(gotKeys, wantKeys) || gotUnresolved != wantUnresolved {
				t.Errorf("got keys %q and %d unresolved, want %q and %d (manifest: %s)",
					gotKeys, gotUnresolved, wantKeys, wantUnresolved, expected)
			}
		})
	}
}

var bracketed = regexp.MustCompile(`\[([^\]]*)\]`)

// manifestExpectation reads the expected_images column: "(none)",
// "UNRESOLVED …", or items separated by " | " or " ; ", each an image
// reference followed by a note, or a note with a bracketed list.
func manifestExpectation(col string) (keys []string, unresolved int) {
	switch {
	case col == "(none)":
		return nil, 0
	case strings.HasPrefix(col, "UNRESOLVED"):
		return nil, 1
	}
	for _, item := range regexp.MustCompile(` \| | ; `).Split(col, -1) {
		if m := bracketed.FindStringSubmatch(item); m != nil {
			keys = append(keys, strings.Fields(m[1])...)
			continue
		}
		keys = append(keys, strings.Fields(item)[0])
	}
	slices.Sort(keys)
	return keys, 0
}
