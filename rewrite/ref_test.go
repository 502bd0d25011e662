package rewrite

import (
	"encoding/json"
	"os"
	"testing"
)

// TestImageName checks imageName against the reference table the Nix
// module's tests read, so both sides tag and expect the same name.
func TestImageName(t *testing.T) {
	data, err := os.ReadFile("../testdata/references.json")
	if err != nil {
		t.Fatal(err)
	}
	var rows []struct {
		Ref, FinalImageName, FinalImageTag string
		Valid                              bool
	}
	if err := json.Unmarshal(data, &rows); err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, r := range rows {
		if !r.Valid {
			continue
		}
		n++
		if got, want := imageName(r.Ref), r.FinalImageName+":"+r.FinalImageTag; got != want {
			t.Errorf("imageName(%q) = %q, want %q", r.Ref, got, want)
		}
	}
	if n < 20 {
		t.Fatalf("only %d valid rows in references.json", n)
	}
}
