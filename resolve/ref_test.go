package resolve

import (
	"strings"
	"testing"

	"github.com/uptix-dev/uptix/internal/reftable"
)

// refCase is one row of testdata/references.json, the table shared with
// the Nix module's tests.
type refCase = reftable.Row

func loadRefCases(t *testing.T) []refCase {
	t.Helper()
	cases, err := reftable.Load()
	if err != nil {
		t.Fatal(err)
	}
	return cases
}

func TestParseImageRefTable(t *testing.T) {
	for _, c := range loadRefCases(t) {
		ref, err := ParseImageRef(c.Ref)
		if !c.Valid {
			if err == nil {
				t.Errorf("ParseImageRef(%q) = %+v, want an error", c.Ref, ref)
				continue
			}
			if c.ErrorContains != "" && !strings.Contains(err.Error(), c.ErrorContains) {
				t.Errorf("ParseImageRef(%q) error %q does not contain %q", c.Ref, err, c.ErrorContains)
			}
			if !strings.Contains(err.Error(), "parsing image reference") {
				t.Errorf("ParseImageRef(%q) error %q does not name the step", c.Ref, err)
			}
			continue
		}
		if err != nil {
			t.Errorf("ParseImageRef(%q): %v", c.Ref, err)
			continue
		}
		name, tag := FinalNameTag(ref)
		got := [5]string{ref.Registry, ref.Repository, name, tag, ref.Digest}
		want := [5]string{c.Registry, c.Repository, c.FinalImageName, c.FinalImageTag, c.Digest}
		if got != want {
			t.Errorf("ParseImageRef(%q): registry, repository, final name, final tag, digest = %q, want %q", c.Ref, got, want)
		}
		if strings.Contains(tag, ":") {
			t.Errorf("FinalNameTag(%q) tag %q holds a digest", c.Ref, tag)
		}
	}
}

func TestParseImageRefMessages(t *testing.T) {
	for _, c := range []struct{ ref, want string }{
		{"Koenkk/zigbee2mqtt", `write "koenkk/zigbee2mqtt"`},
		{"ghcr.io/Owner/image:v1", `write "owner/image"`},
		{"docker://alpine", `write "alpine" without "docker://"`},
		{"a___b/c", `path component "a___b" breaks the path rule`},
		{"a:b:c", `path component "a:b" breaks the path rule`},
		{"alpine@sha512:" + strings.Repeat("ab", 64), "only sha256"},
		{"alpine@sha256:abc", "digest rule"},
		{"some/img:", "a tag must follow the colon"},
		{":tag", "needs a name"},
		{strings.Repeat("a", 64), "image id"},
		{"alpine:-x", "tag rule"},
		{"host.example:x/app", "a port is digits only"},
		{"[::1/app", `opens "["`},
		{"ghcr.io//image", "empty component"},
		{"a/" + strings.Repeat("b", 260), "at most 255"},
	} {
		_, err := ParseImageRef(c.ref)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("ParseImageRef(%q) error = %v, want it to contain %q", c.ref, err, c.want)
		}
	}
}

func TestCanonical(t *testing.T) {
	for _, c := range []struct{ ref, want string }{
		{"postgres", "docker.io/library/postgres:latest"},
		{"index.docker.io/library/nginx:1", "docker.io/library/nginx:1"},
		{"localhost:5000/app:dev", "localhost:5000/app:dev"},
		{"alpine@sha256:" + strings.Repeat("0", 64), "docker.io/library/alpine@sha256:" + strings.Repeat("0", 64)},
		{"alpine:3@sha256:" + strings.Repeat("0", 64), "docker.io/library/alpine:3@sha256:" + strings.Repeat("0", 64)},
	} {
		ref, err := ParseImageRef(c.ref)
		if err != nil {
			t.Fatal(err)
		}
		if got := ref.Canonical(); got != c.want {
			t.Errorf("Canonical(%q) = %q, want %q", c.ref, got, c.want)
		}
	}
}

func TestDigestTag(t *testing.T) {
	d := "sha256:37f3d2ad8ee5a5046be490b025f6b2c585c59ff1475176241e15bde91c1ee3a7"
	if got, want := DigestTag(d), "sha256-37f3d2ad8ee5"; got != want {
		t.Errorf("DigestTag = %q, want %q", got, want)
	}
	if !tagRE.MatchString(DigestTag(d)) {
		t.Errorf("DigestTag(%q) is not a valid tag", d)
	}
}

func FuzzParseImageRef(f *testing.F) {
	for _, s := range []string{"postgres:15", "[::1]:5000/app", "a:b:c", "alpine@sha256:" + strings.Repeat("a", 64)} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		ref, err := ParseImageRef(s)
		if err != nil {
			return
		}
		// A valid reference splits into parts that rebuild it.
		name, tag := FinalNameTag(ref)
		rebuilt := name
		if ref.Tag != "" {
			rebuilt += ":" + ref.Tag
		}
		if ref.Digest != "" {
			rebuilt += "@" + ref.Digest
		}
		if rebuilt != s || tag == "" || strings.Contains(tag, ":") {
			t.Fatalf("ParseImageRef(%q) = %+v; rebuilt %q, tag %q", s, ref, rebuilt, tag)
		}
		if _, err := ParseImageRef(ref.Canonical()); err != nil {
			t.Fatalf("canonical form %q of %q does not parse: %v", ref.Canonical(), s, err)
		}
	})
}

func TestLoadedName(t *testing.T) {
	d := "sha256:37f3d2ad8ee5a5046be490b025f6b2c585c59ff1475176241e15bde91c1ee3a7"
	for in, want := range map[string]string{
		"postgres":                "postgres",
		"localhost:5000/app:dev":  "localhost:5000/app:dev",
		"alpine@" + d:             "alpine:sha256-37f3d2ad8ee5",
		"alpine:3.19@" + d:        "alpine:3.19",
		"ghcr.io/o/i:latest@" + d: "ghcr.io/o/i:latest",
		"[::1]:5000/app@" + d:     "[::1]:5000/app:sha256-37f3d2ad8ee5",
	} {
		ref, err := ParseImageRef(in)
		if err != nil {
			t.Fatal(err)
		}
		if got := LoadedName(ref); got != want {
			t.Errorf("LoadedName(%q) = %q, want %q", in, got, want)
		}
	}
}
