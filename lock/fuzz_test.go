package lock

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/rogpeppe/go-internal/txtar"
)

// FuzzParse checks that Parse never panics, that whatever it accepts is
// written in a form it accepts again, and that writing is idempotent.
func FuzzParse(f *testing.F) {
	files, _ := filepath.Glob("testdata/golden/*.txtar")
	for _, name := range files {
		ar, err := txtar.ParseFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(section(ar, "in"))
	}
	if b, err := os.ReadFile("../testdata/configs/example/uptix.lock"); err == nil {
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		lf, err := Parse("uptix.lock", data)
		if err != nil {
			if _, ok := err.(ErrorList); !ok {
				t.Fatalf("error of type %T: %v", err, err)
			}
			return
		}
		out := lf.Marshal()
		again, err := Parse("uptix.lock", out)
		if err != nil {
			t.Fatalf("output does not parse: %v\n%s", err, out)
		}
		if out2 := again.Marshal(); !bytes.Equal(out, out2) {
			t.Fatalf("writing is not idempotent:\n%s\n---\n%s", out, out2)
		}
	})
}
