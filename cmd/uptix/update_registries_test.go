package main

import (
	"os"
	"reflect"
	"strings"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"
)

// The expandenv command writes a file with $NAME and ${NAME} replaced
// by the script's variables:
//
//	expandenv SRC DST
//
// Scripts use it to name the test registry ($REGISTRY) in a
// registries.conf.
func init() {
	scriptCmds["expandenv"] = func(ts *testscript.TestScript, neg bool, args []string) {
		if neg || len(args) != 2 {
			ts.Fatalf("usage: expandenv SRC DST")
		}
		data := ts.ReadFile(args[0])
		ts.Check(os.WriteFile(ts.MkAbs(args[1]), []byte(os.Expand(data, ts.Getenv)), 0o644))
	}
}

func TestParseRegistriesConf(t *testing.T) {
	conf, err := parseRegistriesConf("r.conf", []byte(`
[[registry]]
prefix = "docker.io"
blocked = false
mirror-by-digest-only = false
[[registry.mirror]]
location = "cache.example.com:5000/hub"
insecure = true
pull-from-mirror = "all"

[[registry]]
location = "ghcr.io"
[[registry.mirror]]
location = "ghcr-cache.example.com"

[[registry]]
prefix = "index.docker.io"
location = "index.docker.io"
insecure = true
`))
	// index.docker.io is docker.io, which has a table already.
	if err == nil || err.Error() != `r.conf: [[registry]] number 3: registry "docker.io" has a table already ([[registry]] number 1)` {
		t.Fatalf("got %v, %v", conf, err)
	}

	conf, err = parseRegistriesConf("r.conf", []byte(`
[[registry]]
prefix = "registry-1.docker.io"
[[registry.mirror]]
location = "cache.example.com:5000/hub"
insecure = true

[[registry]]
location = "ghcr.io"
[[registry.mirror]]
location = "ghcr-cache.example.com"

[[registry]]
prefix = "quay.io"
insecure = true
`))
	if err != nil {
		t.Fatal(err)
	}
	wantMirrors := map[string]string{"docker.io": "cache.example.com:5000/hub", "ghcr.io": "ghcr-cache.example.com"}
	if !reflect.DeepEqual(conf.mirrors, wantMirrors) {
		t.Errorf("mirrors = %v, want %v", conf.mirrors, wantMirrors)
	}
	if want := []string{"cache.example.com:5000", "quay.io"}; !reflect.DeepEqual(conf.insecure, want) {
		t.Errorf("insecure = %q, want %q", conf.insecure, want)
	}

	// Flags win over the file; insecure registries add up.
	mirrors, insecure := mergeRegistriesConf(conf, map[string]string{"ghcr.io": "flag.example.com"}, []string{"quay.io", "other:5000"})
	wantMirrors["ghcr.io"] = "flag.example.com"
	if !reflect.DeepEqual(mirrors, wantMirrors) {
		t.Errorf("merged mirrors = %v, want %v", mirrors, wantMirrors)
	}
	if want := []string{"quay.io", "other:5000", "cache.example.com:5000"}; !reflect.DeepEqual(insecure, want) {
		t.Errorf("merged insecure = %q, want %q", insecure, want)
	}
}

func TestParseRegistriesConfErrors(t *testing.T) {
	for _, tc := range []struct{ conf, want string }{
		{"[[registry]]\nprefix = \"a.io\"\nblocked = true\n",
			`r.conf: [[registry]] number 1 (prefix "a.io"): key "blocked" is not supported: uptix cannot refuse a registry; remove the images from the configuration instead`},
		{"[[registry]]\nprefix = \"a.io\"\nmirror-by-digest-only = true\n",
			`r.conf: [[registry]] number 1 (prefix "a.io"): key "mirror-by-digest-only" is not supported: uptix asks the mirror for tags too`},
		{"[[registry]]\nprefix = \"a.io\"\nfoo = 1\n",
			`r.conf: [[registry]] number 1 (prefix "a.io"): key "foo" is not supported (uptix reads prefix, location, insecure and mirror)`},
		{"[[registry]]\nprefix = \"a.io\"\ninsecure = \"yes\"\n",
			`r.conf: [[registry]] number 1 (prefix "a.io"): key "insecure": want true or false, not a string`},
		{"[[registry]]\ninsecure = true\n",
			`r.conf: [[registry]] number 1: want a prefix or a location`},
		{"[[registry]]\nprefix = \"*.example.com\"\n",
			`r.conf: [[registry]] number 1 (prefix "*.example.com"): key "prefix": a wildcard is not supported; uptix takes one mirror per registry, named HOST[:PORT]`},
		{"[[registry]]\nprefix = \"docker.io/library\"\n",
			`r.conf: [[registry]] number 1 (prefix "docker.io/library"): key "prefix": a path within a registry is not supported; uptix takes one mirror per registry, named HOST[:PORT]`},
		{"[[registry]]\nprefix = \"a b\"\n",
			`r.conf: [[registry]] number 1 (prefix "a b"): key "prefix": "a b" is not a host name`},
		{"[[registry]]\nprefix = \"docker.io\"\nlocation = \"mirror.example.com/hub\"\n",
			`r.conf: [[registry]] number 1 (prefix "docker.io"): key "location" is not supported when it differs from the prefix ("mirror.example.com/hub"): uptix fetches images from the registry their name gives; use a [[registry.mirror]] table instead`},
		{"[[registry]]\nprefix = \"a.io\"\n[[registry.mirror]]\nlocation = \"m1.io\"\n[[registry.mirror]]\nlocation = \"m2.io\"\n",
			`r.conf: [[registry]] number 1 (prefix "a.io"): key "mirror": 2 [[registry.mirror]] tables are not supported; uptix takes one mirror per registry`},
		{"[[registry]]\nprefix = \"a.io\"\n[[registry.mirror]]\nlocation = \"user:secret@m1.io/x\"\n",
			`r.conf: [[registry]] number 1 (prefix "a.io"): [[registry.mirror]] number 1: key "location": a mirror must not hold a user name or password; give credentials to the docker config instead (docker login m1.io)`},
		{"[[registry]]\nprefix = \"a.io\"\n[[registry.mirror]]\nlocation = \"https://m1.io\"\n",
			`r.conf: [[registry]] number 1 (prefix "a.io"): [[registry.mirror]] number 1: key "location": mirror "https://m1.io": want HOST[:PORT], without a scheme (plain HTTP is what --insecure-registry allows)`},
		{"[[registry]]\nprefix = \"a.io\"\n[[registry.mirror]]\nlocation = \"m1.io\"\npull-from-mirror = \"digest-only\"\n",
			`r.conf: [[registry]] number 1 (prefix "a.io"): [[registry.mirror]] number 1: key "pull-from-mirror" = "digest-only" is not supported: uptix asks the mirror for tags and digests alike ("all")`},
		{"[[registry]]\nprefix = \"a.io\"\n[[registry.mirror]]\ninsecure = true\n",
			`r.conf: [[registry]] number 1 (prefix "a.io"): [[registry.mirror]] number 1: want a location`},
		{"unqualified-search = 1\n",
			`r.conf: key "unqualified-search" is not supported: uptix reads only [[registry]] tables`},
		{"[registries.search]\nregistries = []\n",
			`r.conf: key "registries" is not supported: this is version 1 of the format; uptix reads version 2 ([[registry]] tables)`},
		{"registry = 1\n",
			`r.conf: key "registry": want [[registry]] tables, not a number`},
		{"[[registry]]\nprefix = \"a.io\"\nlocation = \"b.io\n",
			`r.conf:3:17: strings cannot contain newlines`},
	} {
		_, err := parseRegistriesConf("r.conf", []byte(tc.conf))
		if err == nil || err.Error() != tc.want {
			t.Errorf("%q:\n got %v\nwant %s", tc.conf, err, tc.want)
		}
		if err != nil && strings.Contains(err.Error(), "secret") {
			t.Errorf("%q: the error shows the password: %v", tc.conf, err)
		}
	}
}

// TestRegistriesConfShortNameKeys checks that the keys podman uses for
// short names and credentials are passed over, so that a system
// registries.conf with a mirror can be used as it is.
func TestRegistriesConfShortNameKeys(t *testing.T) {
	conf := `unqualified-search-registries = ["docker.io", "quay.io"]
short-name-mode = "enforcing"
credential-helpers = ["containers-auth.json"]

[aliases]
"postgres" = "docker.io/library/postgres"

[[registry]]
prefix = "docker.io"
[[registry.mirror]]
location = "cache.example.com:5000"
`
	got, err := parseRegistriesConf("r.conf", []byte(conf))
	if err != nil {
		t.Fatal(err)
	}
	if m := got.mirrors["docker.io"]; m != "cache.example.com:5000" {
		t.Errorf("mirror of docker.io = %q, want cache.example.com:5000", m)
	}
}
