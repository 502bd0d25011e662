package nixast

import (
	"strings"
	"testing"
)

// TestCases checks the inputs in testdata/cases.txtar against what Nix
// 2.8 said about them (recorded in NAME.want), and the round trip.
func TestCases(t *testing.T) {
	files := readArchive(t, "testdata/cases.txtar")
	want := map[string]string{}
	for _, f := range files {
		if name, ok := strings.CutSuffix(f.Name, ".want"); ok {
			want[name] = f.Data
		}
	}
	n := 0
	for _, f := range files {
		name, ok := strings.CutSuffix(f.Name, ".nix")
		if !ok {
			continue
		}
		n++
		t.Run(name, func(t *testing.T) {
			w, ok := want[name]
			if !ok {
				t.Fatalf("no %s.want", name)
			}
			src := []byte(f.Data)
			file, err := ParseFile(name+".nix", src)
			if got := Format(file); got != f.Data {
				t.Errorf("round trip: got %q, want %q", got, f.Data)
			}
			if strings.HasPrefix(w, "error") {
				if err == nil {
					t.Errorf("%q: parsed as %s, but Nix says %s", f.Data, FormatNix(file.Expr, NixOptions{BaseDir: probeDir, Home: probeDir}), w)
				}
				return
			}
			if err != nil {
				t.Fatalf("%q: %v; Nix accepts it", f.Data, err)
			}
			got := FormatNix(file.Expr, NixOptions{BaseDir: probeDir, Home: probeDir})
			if exp := sortLets(strings.ReplaceAll(strings.TrimPrefix(w, "ok "), "$DIR", probeDir)); got != exp {
				t.Errorf("%q:\n got %s\nwant %s", f.Data, got, exp)
			}
		})
	}
	if n < 200 {
		t.Errorf("only %d cases", n)
	}
}
