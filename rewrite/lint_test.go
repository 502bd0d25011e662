package rewrite

import (
	"fmt"
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
			// Every rule is an error, unresolved too: uptix update fails
			// for such a call, and so may the Nix module.
			if f.Severity != SeverityError {
				t.Errorf("%s: severity %s, want %s", f, f.Severity, SeverityError)
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

// TestLintMessages checks what findings say: "(uptix migrate)" only
// where migrate rewrites, the tag of a digest reference as the image
// to set, stale lock entries, and no lock findings for invalid
// references.
func TestLintMessages(t *testing.T) {
	const digest = "alpine@sha256:37f3d2ad8ee5a5046be490b025f6b2c585c59ff1475176241e15bde91c1ee3a7"
	src := `{ config, lib, uptix, ... }:
let pin = "` + digest + `"; in {
  c.a.image = uptix.dockerImage "` + digest + `";
  c.b.image = lib.mkForce (uptix.dockerImage "b:1");
  c.c.image = if config.x then uptix.dockerImage "c:1" else null;
  c.d.image = uptix.dockerImage pin;
  c.e = { imageFile = uptix.dockerImage pin; image = pin; };
  c.f = { imageFile = uptix.dockerImage "f:1"; image = "f:1"; };
  c.g = { imageFile = uptix.dockerImage "G:1"; image = "G:1"; };
}
`
	stale := func(k string) string {
		if k == "f:1" {
			return "a bare digest"
		}
		return ""
	}
	fs, err := LintFileWith("x.nix", []byte(src), LintOptions{Locked: func(k string) bool { return k != "G:1" }, Stale: stale})
	if err != nil {
		t.Fatal(err)
	}
	got := map[int][]string{}
	for _, f := range fs {
		got[f.Pos.Line] = append(got[f.Pos.Line], f.Rule+": "+f.Msg)
	}
	want := map[int][]string{
		3: {`old-style: uptix.dockerImage returns the image tarball now: bind the call to imageFile and set image = "alpine:sha256-37f3d2ad8ee5" (uptix migrate)`},
		4: {"old-style: uptix.dockerImage returns the image tarball now: uptix migrate leaves this one to you: the value of `c.b.image` is not just the call (it is an argument of another function); " +
			`by hand: bind that value to imageFile instead of image, and set image to the matching reference ("b:1" for this call)`},
		5: {"old-style: uptix.dockerImage returns the image tarball now: uptix migrate leaves this one to you: the value of `c.c.image` is not just the call (it is inside an if expression); " +
			`by hand: bind that value to imageFile instead of image, and set image to the matching reference ("c:1" for this call)`},
		6: {`old-style: uptix.dockerImage returns the image tarball now: uptix migrate leaves this one to you: the reference "` + digest + `" has a digest, so its tarball is tagged "alpine:sha256-37f3d2ad8ee5"; by hand: bind the call to imageFile and set image = "alpine:sha256-37f3d2ad8ee5"`},
		7: {`image-mismatch: image is "` + digest + "\" (the value of `pin`) but the tarball of \"" + digest + `" is tagged "alpine:sha256-37f3d2ad8ee5", so the container would pull "` + digest + `" from the registry; set image = "alpine:sha256-37f3d2ad8ee5"`},
		8: {`stale-lock: the lock entry for "f:1" is in the earlier uptix's format (a bare digest), which the Nix module refuses; run uptix update`},
		9: {`invalid-ref: invalid image reference "G:1": repository name must be lowercase: "G" (try "g")`},
	}
	for line, w := range want {
		if !slices.Equal(got[line], w) {
			t.Errorf("line %d:\n got %q\nwant %q", line, got[line], w)
		}
	}
	for line, g := range got {
		if _, ok := want[line]; !ok {
			t.Errorf("line %d: unexpected %q", line, g)
		}
	}
}

// TestLintCandidates checks that the candidates of an unresolved call
// that are missing from the lock are not-locked errors at the call,
// each naming its value, and that the call is an unresolved error
// whether or not they are locked.
func TestLintCandidates(t *testing.T) {
	src := []byte(`{ uptix, ... }:
let
  mk = image: { imageFile = uptix.dockerImage image; inherit image; };
in {
  a = mk "r.test/team/not-in-lock:v1";
  b = mk "r.test/team/b:v2";
}
`)
	fs, err := LintFile("c.nix", src, lockedInTests)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, f := range fs {
		got = append(got, fmt.Sprintf("%d:%d %s %s", f.Pos.Line, f.Pos.Column, f.Rule, f.Severity))
		if f.Rule == RuleNotLocked && !strings.Contains(f.Msg, `"r.test/team/not-in-lock:v1"`) {
			t.Errorf("not-locked finding %q does not name the missing candidate", f)
		}
	}
	want := []string{"3:29 unresolved error", "3:29 not-locked error"}
	if !slices.Equal(got, want) {
		t.Errorf("findings %q, want %q", got, want)
	}
}
