package main

import (
	"fmt"
	"testing"

	"github.com/uptix-dev/uptix/discover"
)

// The kept note names every unresolved call, or the first three and how
// many more; skipped links and an empty tree are reasons too.
func TestKeepReason(t *testing.T) {
	d := &discovery{calls: 5}
	for i := 1; i <= 5; i++ {
		d.unresolved = append(d.unresolved, unlockedCall{file: "a.nix", line: i, col: 2})
	}
	want := "no call found asks for it, but it is kept: 5 calls could not be resolved and may use it (a.nix:1:2, a.nix:2:2, a.nix:3:2 and 2 more)"
	if got := d.keepReason(3); got != want {
		t.Errorf("five calls: got %q, want %q", got, want)
	}
	d.unresolved = d.unresolved[:2]
	d.skipped = []discover.SkippedLink{{Path: "l.nix", Target: "../x.nix"}}
	want = "no call found asks for it, but it is kept: 1 symbolic link leading out of the tree was not read and may use it (l.nix); 2 calls could not be resolved and may use it (a.nix:1:2, a.nix:2:2)"
	if got := d.keepReason(3); got != want {
		t.Errorf("link and two calls: got %q, want %q", got, want)
	}
	for _, tc := range []struct {
		calls, entries int
		want           string
	}{
		{0, 2, "no call found asks for it, but it is kept: no uptix call was found at all; delete the entries by hand if none is used"},
		{0, 0, ""},
		{1, 2, ""},
	} {
		d := &discovery{calls: tc.calls}
		if got := d.keepReason(tc.entries); got != tc.want {
			t.Errorf("%d calls, %d entries: got %q, want %q", tc.calls, tc.entries, got, tc.want)
		}
	}
}

func TestCheckPlatformFlag(t *testing.T) {
	for in, want := range map[string]string{
		"linux/amd64/v1": "linux/amd64",
		"linux/arm64/v8": "linux/arm64",
		"linux/arm/v7":   "linux/arm/v7",
		"linux/arm/v6":   "linux/arm/v6",
		"linux/amd64/v3": "linux/amd64/v3",
	} {
		p, err := checkPlatformFlag(in)
		if err != nil || p.String() != want {
			t.Errorf("%s: got %v, %v; want %s", in, p, err, want)
		}
	}
	_, err := checkPlatformFlag("linux/arm")
	if got, want := fmt.Sprint(err), `--platform "linux/arm": name the arm variant, linux/arm/v7 (armv7l) or linux/arm/v6 (armv6l); the Nix module looks up no platform without one`; got != want {
		t.Errorf("linux/arm: got %s, want %s", got, want)
	}
}
