package lock

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rogpeppe/go-internal/txtar"
)

var update = flag.Bool("update", false, "rewrite the expected output in testdata/golden")

// TestGolden reads each testdata/golden/*.txtar's "in" section and
// compares what Marshal writes with "out", or the errors with "err",
// and the stale entries with "stale". The expected output, read back,
// must be written unchanged (a second pass).
func TestGolden(t *testing.T) {
	files, _ := filepath.Glob("testdata/golden/*.txtar")
	if len(files) == 0 {
		t.Fatal("no golden files")
	}
	for _, name := range files {
		t.Run(strings.TrimSuffix(filepath.Base(name), ".txtar"), func(t *testing.T) {
			ar, err := txtar.ParseFile(name)
			if err != nil {
				t.Fatal(err)
			}
			in := section(ar, "in")
			got := map[string]string{}
			f, err := Parse("uptix.lock", in)
			if err != nil {
				got["err"] = err.Error() + "\n"
			} else {
				got["out"] = string(f.Marshal())
				var stale strings.Builder
				for _, k := range f.Keys() {
					if s := f.Entries[k].Stale; s != "" {
						fmt.Fprintf(&stale, "%s: %s\n", k, s)
					}
				}
				if stale.Len() > 0 {
					got["stale"] = stale.String()
				}
			}
			if *update {
				ar.Files = ar.Files[:1]
				for _, s := range []string{"out", "stale", "err"} {
					if got[s] != "" {
						ar.Files = append(ar.Files, txtar.File{Name: s, Data: []byte(got[s])})
					}
				}
				if err := os.WriteFile(name, txtar.Format(ar), 0o666); err != nil {
					t.Fatal(err)
				}
				return
			}
			for _, s := range []string{"out", "stale", "err"} {
				if want := string(section(ar, s)); got[s] != want {
					t.Errorf("%s:\ngot:\n%s\nwant:\n%s", s, got[s], want)
				}
			}
			if out := section(ar, "out"); out != nil {
				again, err := Parse("uptix.lock", out)
				if err != nil {
					t.Fatalf("reading the output back: %v", err)
				}
				if b := again.Marshal(); !bytes.Equal(b, out) {
					t.Errorf("second pass changed the output:\n%s", b)
				}
			}
		})
	}
}

func section(ar *txtar.Archive, name string) []byte {
	for _, f := range ar.Files {
		if f.Name == name {
			return f.Data
		}
	}
	return nil
}

// TestExampleStable reads the example configuration's lock, as the
// earlier uptix left it, and writes it back byte for byte.
func TestExampleStable(t *testing.T) {
	in, err := os.ReadFile("../testdata/configs/example/uptix.lock")
	if err != nil {
		t.Fatal(err)
	}
	f, err := Parse("uptix.lock", in)
	if err != nil {
		t.Fatal(err)
	}
	if out := f.Marshal(); !bytes.Equal(out, in) {
		t.Errorf("writing back changed the bytes:\n%s", out)
	}
	if n := len(f.Entries); n != 14 {
		t.Errorf("got %d entries, want 14", n)
	}
	e := f.Entries["redis:7.2"]
	if e.Digest != "sha256:03deb5fd0d0d5b91ef29757492f3c0bf380ad6bd27988d639726777a08626655" || e.Stale == "" {
		t.Errorf("redis:7.2: digest %q stale %q, want the bare digest, stale", e.Digest, e.Stale)
	}
	if e.Metadata.ResolvedVersion != "2024-01-09" {
		t.Errorf("redis:7.2: resolved_version %q", e.Metadata.ResolvedVersion)
	}
	g := f.Entries["$GITHUB_RELEASE$:example-org/mqtt-exporter$"].GitHub
	if g == nil || g.Rev != "v0.3.1" || g.Owner != "example-org" || g.FetchSubmodules {
		t.Errorf("mqtt-exporter: %+v", g)
	}
}

// TestChangedEntry replaces one entry and checks that only its bytes
// change, that it is written in canonical form, and that the other
// entries' unknown fields survive.
func TestChangedEntry(t *testing.T) {
	ar, err := txtar.ParseFile("testdata/golden/canonical.txtar")
	if err != nil {
		t.Fatal(err)
	}
	in := section(ar, "in")
	f, err := Parse("uptix.lock", in)
	if err != nil {
		t.Fatal(err)
	}
	old := f.Entries["postgres:15"]
	f.Entries["postgres:15"] = &Entry{
		Metadata: Metadata{Name: "postgres", SelectedVersion: "15", Extra: old.Metadata.Extra},
		Docker: &Docker{
			ImageDigest: "sha256:" + strings.Repeat("4", 64),
			SHA256:      "sha256-" + strings.Repeat("A", 43) + "=",
			Platform:    "linux/arm64",
		},
		Extra: old.Extra,
	}
	f.Entries["alpine:3"] = &Entry{
		Metadata: Metadata{Name: "alpine", Description: "a <b> & c"},
		Docker: &Docker{
			ImageDigest: "sha256:" + strings.Repeat("5", 64),
			SHA256:      "sha256-" + strings.Repeat("B", 43) + "=",
			Platform:    "linux/amd64",
			Platforms: map[string]PlatformLock{
				"linux/amd64": {ImageDigest: "sha256:" + strings.Repeat("6", 64), SHA256: "sha256-" + strings.Repeat("B", 43) + "="},
				"linux/arm64": {ImageDigest: "sha256:" + strings.Repeat("7", 64), SHA256: "sha256-" + strings.Repeat("C", 43) + "="},
			},
		},
	}
	out := string(f.Marshal())
	want := `{
  "$GITHUB_BRANCH$:NixOS/nixpkgs:nixos-24.05$f": {
` + strings.SplitN(strings.SplitN(string(in), "\n  \"postgres:15\"", 2)[0], "\n", 3)[2] + `
  "alpine:3": {
    "lock": {
      "imageDigest": "sha256:5555555555555555555555555555555555555555555555555555555555555555",
      "platform": "linux/amd64",
      "platforms": {
        "linux/amd64": {
          "imageDigest": "sha256:6666666666666666666666666666666666666666666666666666666666666666",
          "sha256": "sha256-BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB="
        },
        "linux/arm64": {
          "imageDigest": "sha256:7777777777777777777777777777777777777777777777777777777777777777",
          "sha256": "sha256-CCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCC="
        }
      },
      "sha256": "sha256-BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB="
    },
    "metadata": {
      "description": "a <b> & c",
      "name": "alpine"
    }
  },
  "postgres:15": {
    "future": [
      1.50,
      true,
      null,
      {}
    ],
    "lock": {
      "imageDigest": "sha256:4444444444444444444444444444444444444444444444444444444444444444",
      "platform": "linux/arm64",
      "sha256": "sha256-AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="
    },
    "metadata": {
      "name": "postgres",
      "selected_version": "15",
      "x-note": "kept"
    }
  }
}
`
	if out != want {
		t.Errorf("got:\n%s\nwant:\n%s", out, want)
	}
	if _, err := Parse("uptix.lock", []byte(out)); err != nil {
		t.Errorf("reading the output back: %v", err)
	}
}

func TestLocked(t *testing.T) {
	d := &Docker{ImageDigest: "sha256:a", SHA256: "sha256-b", Platform: "linux/amd64"}
	got := d.Locked()
	if len(got) != 1 || got["linux/amd64"].SHA256 != "sha256-b" {
		t.Errorf("single platform: %v", got)
	}
	d.Platforms = map[string]PlatformLock{"linux/amd64": {}, "linux/arm64": {}}
	if got := d.Locked(); len(got) != 2 {
		t.Errorf("two platforms: %v", got)
	}
	if got := (&Docker{}).Locked(); got != nil {
		t.Errorf("no platform: %v", got)
	}
}

func TestErrorLineText(t *testing.T) {
	src := "{\n  \"a\": {\"lock\": 3},\r\n  \"b\": 4\n}"
	_, err := Parse("uptix.lock", []byte(src))
	var l ErrorList
	if !errors.As(err, &l) || len(l) != 2 {
		t.Fatalf("Parse: %v", err)
	}
	if e := l[0]; e.Line != 2 || e.Column != 17 || e.LineText != `  "a": {"lock": 3},` {
		t.Errorf("first error: %d:%d %q", e.Line, e.Column, e.LineText)
	}
	if e := l[1]; e.Line != 3 || e.Column != 8 || e.LineText != `  "b": 4` {
		t.Errorf("second error: %d:%d %q", e.Line, e.Column, e.LineText)
	}
}
