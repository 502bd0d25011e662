// Package modules_test evaluates the Nix module (default.nix) and the
// flake with Debian's nix-instantiate and stub package sets, and checks
// the exact arguments given to dockerTools.pullImage, the exact errors,
// the GitHub functions, the flake's outputs and its vendorHash.
package modules_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/uptix-dev/uptix/internal/oracle"
	"github.com/uptix-dev/uptix/internal/reftable"
)

// reference is one row of testdata/references.json.
type reference = reftable.Row

func loadReferences(t *testing.T) []reference {
	t.Helper()
	refs, err := reftable.Load()
	if err != nil {
		t.Fatal(err)
	}
	return refs
}

// moduleDir and repoDir are absolute paths for Nix expressions.
func moduleDir(t *testing.T) string {
	t.Helper()
	d, err := filepath.Abs(".")
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func repoDir(t *testing.T) string { return filepath.Dir(moduleDir(t)) }

// nixStr quotes s as a Nix string literal.
func nixStr(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `"`, `\"`, "${", `\${`, "\n", `\n`, "\t", `\t`, "\r", `\r`)
	return `"` + r.Replace(s) + `"`
}

// nixPath is a Nix path expression for the absolute path p.
func nixPath(p string) string { return "(/. + " + nixStr(p) + ")" }

// evalNix runs `nix-instantiate --eval --strict --json -E expr` in a
// private store and returns stdout; on failure the error holds the
// message Nix printed (the text after "error: " on its first line).
func evalNix(t *testing.T, store *oracle.Store, expr string) ([]byte, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "nix-instantiate", "--eval", "--strict", "--json", "-E", expr)
	cmd.Env = store.Env
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		return nil, &nixError{msg: nixMessage(errb.String()), stderr: errb.String()}
	}
	return out.Bytes(), nil
}

type nixError struct{ msg, stderr string }

func (e *nixError) Error() string { return e.msg }

// nixMessage extracts the error message from nix-instantiate's stderr.
func nixMessage(stderr string) string {
	for _, line := range strings.Split(stderr, "\n") {
		if msg, ok := strings.CutPrefix(line, "error: "); ok {
			return msg
		}
	}
	return strings.TrimSpace(stderr)
}

func writeJSON(t *testing.T, v any) string {
	t.Helper()
	data, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(t.TempDir(), "uptix.lock")
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// host is a Nix system and the image platform the module must pick.
type host struct {
	system, key, arch, variant string
}

var hosts = []host{
	{"x86_64-linux", "linux/amd64", "amd64", ""},
	{"aarch64-linux", "linux/arm64", "arm64", ""},
	{"armv7l-linux", "linux/arm/v7", "arm", "v7"},
	{"armv6l-linux", "linux/arm/v6", "arm", "v6"},
	{"i686-linux", "linux/386", "386", ""},
	{"powerpc64le-linux", "linux/ppc64le", "ppc64le", ""},
	{"riscv64-linux", "linux/riscv64", "riscv64", ""},
	{"s390x-linux", "linux/s390x", "s390x", ""},
	{"aarch64-darwin", "linux/arm64", "arm64", ""},
	{"x86_64-darwin", "linux/amd64", "amd64", ""},
}

// Stub pullImage functions: what the module may pass depends on the
// arguments pullImage declares.
type stub struct {
	name          string
	expr          string
	tlsVerify     bool // declares tlsVerify (nixpkgs since 2022)
	acceptVariant bool // declares variant
}

var stubs = []stub{
	{name: "plain", expr: `args: { type = "derivation"; inherit args; }`},
	{name: "nixpkgs", tlsVerify: true, expr: `{ imageName, imageDigest, sha256, os ? "linux", arch ? "amd64",
	  finalImageName ? imageName, finalImageTag ? "latest", tlsVerify ? true, name ? "x" }@args:
	  { type = "derivation"; inherit args; }`},
	// A functor with __functionArgs, as lib.setFunctionArgs makes.
	{name: "functor", tlsVerify: true, acceptVariant: true, expr: `{
	  __functionArgs = { imageName = false; imageDigest = false; sha256 = true; hash = true;
	    os = true; arch = true; variant = true; finalImageName = true; finalImageTag = true;
	    tlsVerify = true; name = true; };
	  __functor = self: args: { type = "derivation"; inherit args; };
	}`},
}

// stubPkgs is a Nix expression for a package set with the given host
// system and pullImage.
func stubPkgs(system, pullImage string) string {
	return fmt.Sprintf(`{ stdenv.hostPlatform.system = %s; dockerTools.pullImage = %s; }`,
		nixStr(system), pullImage)
}

func fakeDigest(parts ...string) string {
	sum := sha256.Sum256([]byte(strings.Join(parts, "|")))
	return "sha256:" + hex.EncodeToString(sum[:])
}

func fakeHash(parts ...string) string {
	sum := sha256.Sum256([]byte("hash|" + strings.Join(parts, "|")))
	return "sha256-" + base64.StdEncoding.EncodeToString(sum[:])
}

func registryIsLoopback(registry string) bool {
	h := registry
	if strings.HasPrefix(h, "[") {
		h = h[:strings.Index(h, "]")+1]
	} else if i := strings.Index(h, ":"); i >= 0 {
		h = h[:i]
	}
	return h == "localhost" || h == "[::1]" || strings.HasPrefix(h, "127.")
}

func newStore(t *testing.T) *oracle.Store {
	t.Helper()
	oracle.Require(t, "nix-instantiate", "nix")
	return oracle.NewStore(t)
}

// TestReferenceTableRules checks the table against the splitting rules
// documented in README.md, without Nix.
func TestReferenceTableRules(t *testing.T) {
	refs := loadReferences(t)
	seen := map[string]bool{}
	valid, invalid := 0, 0
	for _, r := range refs {
		if seen[r.Ref] {
			t.Errorf("duplicate row %q", r.Ref)
		}
		seen[r.Ref] = true
		if !r.Valid {
			invalid++
			if r.Registry != "" || r.Repository != "" || r.FinalImageName != "" || r.FinalImageTag != "" {
				t.Errorf("invalid row %q has name fields", r.Ref)
			}
			continue
		}
		valid++
		rebuilt := r.FinalImageName
		digestOnly := r.Digest != "" && !strings.Contains(strings.TrimPrefix(r.Ref, r.FinalImageName), ":"+r.FinalImageTag+"@")
		switch {
		case digestOnly:
			algo, hexPart, _ := strings.Cut(r.Digest, ":")
			if want := algo + "-" + hexPart[:12]; r.FinalImageTag != want {
				t.Errorf("%q: digest-only finalImageTag = %q, want %q", r.Ref, r.FinalImageTag, want)
			}
		case strings.HasPrefix(r.Ref, r.FinalImageName+":"):
			rebuilt += ":" + r.FinalImageTag
		case r.FinalImageTag != "latest":
			t.Errorf("%q: no tag written but finalImageTag = %q", r.Ref, r.FinalImageTag)
		}
		if r.Digest != "" {
			rebuilt += "@" + r.Digest
		}
		if rebuilt != r.Ref {
			t.Errorf("%q: finalImageName %q, tag %q and digest %q rebuild %q", r.Ref, r.FinalImageName, r.FinalImageTag, r.Digest, rebuilt)
		}
		if strings.Contains(r.FinalImageTag, ":") || strings.Contains(r.FinalImageTag, "@") {
			t.Errorf("%q: finalImageTag %q holds a digest", r.Ref, r.FinalImageTag)
		}
		if r.Registry == "" || r.Repository == "" {
			t.Errorf("%q: registry or repository empty", r.Ref)
		}
	}
	if valid < 20 || invalid < 10 {
		t.Errorf("table has %d valid and %d invalid rows; expected at least 20 and 10", valid, invalid)
	}
}

// TestDockerImageArguments evaluates dockerImage for every valid
// reference, every host platform and every pullImage shape, and checks
// the exact arguments pullImage receives.
func TestDockerImageArguments(t *testing.T) {
	store := newStore(t)
	refs := loadReferences(t)
	var validRefs []reference
	for _, r := range refs {
		if r.Valid {
			validRefs = append(validRefs, r)
		}
	}
	keys := map[string]bool{}
	for _, h := range hosts {
		keys[h.key] = true
	}
	lock := map[string]any{}
	for _, r := range validRefs {
		platforms := map[string]any{}
		for k := range keys {
			platforms[k] = map[string]string{"imageDigest": fakeDigest(r.Ref, k), "sha256": fakeHash(r.Ref, k)}
		}
		lock[r.Ref] = map[string]any{
			"metadata": map[string]string{"name": r.FinalImageName, "dep_type": "docker"},
			"lock": map[string]any{
				"imageDigest": fakeDigest(r.Ref, "index"),
				"sha256":      fakeHash(r.Ref, "linux/amd64"),
				"platform":    "linux/amd64",
				"platforms":   platforms,
			},
		}
	}
	lockPath := writeJSON(t, lock)
	var refList []string
	for _, r := range validRefs {
		refList = append(refList, nixStr(r.Ref))
	}
	for _, s := range stubs {
		t.Run(s.name, func(t *testing.T) {
			t.Parallel()
			var perHost []string
			for _, h := range hosts {
				perHost = append(perHost, fmt.Sprintf(`%s = let u = import %s { lockFile = %s; pkgs = %s; }; in map (r: (u.dockerImage r).args) refs;`,
					nixStr(h.system), nixPath(moduleDir(t)), nixPath(lockPath), stubPkgs(h.system, s.expr)))
			}
			expr := fmt.Sprintf("let refs = [ %s ]; in { %s }", strings.Join(refList, " "), strings.Join(perHost, "\n"))
			out, err := evalNix(t, store, expr)
			if err != nil {
				t.Fatalf("evaluating: %v", err)
			}
			var got map[string][]map[string]any
			if err := json.Unmarshal(out, &got); err != nil {
				t.Fatalf("decoding %s: %v", out, err)
			}
			for _, h := range hosts {
				if len(got[h.system]) != len(validRefs) {
					t.Fatalf("%s: %d results for %d references", h.system, len(got[h.system]), len(validRefs))
				}
				for i, r := range validRefs {
					want := map[string]any{
						"imageName":      r.FinalImageName,
						"imageDigest":    fakeDigest(r.Ref, h.key),
						"sha256":         fakeHash(r.Ref, h.key),
						"finalImageName": r.FinalImageName,
						"finalImageTag":  r.FinalImageTag,
						"os":             "linux",
						"arch":           h.arch,
					}
					if s.tlsVerify && registryIsLoopback(r.Registry) {
						want["tlsVerify"] = false
					}
					if s.acceptVariant && h.variant != "" {
						want["variant"] = h.variant
					}
					if g := got[h.system][i]; !reflect.DeepEqual(g, want) {
						gj, _ := json.Marshal(g)
						wj, _ := json.Marshal(want)
						t.Errorf("%s %q:\n got  %s\n want %s", h.system, r.Ref, gj, wj)
					}
				}
			}
		})
	}
}

// TestInvalidReferences checks that every invalid reference of the table
// fails evaluation as invalid, even when the lock has an entry for it.
func TestInvalidReferences(t *testing.T) {
	store := newStore(t)
	lock := map[string]any{}
	var invalid []reference
	for _, r := range loadReferences(t) {
		if !r.Valid {
			invalid = append(invalid, r)
			lock[r.Ref] = map[string]any{"lock": map[string]string{
				"imageDigest": fakeDigest(r.Ref), "sha256": fakeHash(r.Ref), "platform": "linux/amd64"}}
		}
	}
	lockPath := writeJSON(t, lock)
	for _, r := range invalid {
		t.Run(strings.ReplaceAll(r.Ref, "/", "_"), func(t *testing.T) {
			t.Parallel()
			expr := fmt.Sprintf(`(import %s { lockFile = %s; pkgs = %s; }).dockerImage %s`,
				nixPath(moduleDir(t)), nixPath(lockPath), stubPkgs("x86_64-linux", stubs[0].expr), nixStr(r.Ref))
			out, err := evalNix(t, store, expr)
			if err == nil {
				t.Fatalf("evaluated to %s, want an error", out)
			}
			prefix := fmt.Sprintf("uptix: invalid image reference %s: ", nixStrDisplay(r.Ref))
			if !strings.HasPrefix(err.Error(), prefix) {
				t.Fatalf("error %q, want prefix %q", err, prefix)
			}
			if r.ErrorContains != "" && !strings.Contains(err.Error(), r.ErrorContains) {
				t.Errorf("error %q does not contain %q", err, r.ErrorContains)
			}
		})
	}
}

// nixStrDisplay is how Nix's throw shows a reference quoted by the module
// ("…" around the text as written).
func nixStrDisplay(s string) string { return `"` + s + `"` }

// TestDockerImageLockForms checks which lock pair each platform uses and
// the exact errors for what cannot be used.
func TestDockerImageLockForms(t *testing.T) {
	store := newStore(t)
	pair := func(name string) map[string]string {
		return map[string]string{"imageDigest": fakeDigest(name), "sha256": fakeHash(name)}
	}
	withPlatform := func(p map[string]string, platform string) map[string]any {
		m := map[string]any{"platform": platform}
		for k, v := range p {
			m[k] = v
		}
		return m
	}
	entry := func(l any) any { return map[string]any{"metadata": map[string]string{"dep_type": "docker"}, "lock": l} }
	lock := map[string]any{
		"single:amd64":  entry(withPlatform(pair("single"), "linux/amd64")),
		"single:arm64":  entry(withPlatform(pair("single-arm"), "linux/arm64")),
		"earlier:1":     entry(pair("earlier")),
		"bare:object":   pair("bare"),
		"old:string":    entry("sha256:" + strings.Repeat("ab", 32)),
		"old:bare":      "sha256:" + strings.Repeat("cd", 32),
		"broken:nohash": entry(map[string]string{"imageDigest": fakeDigest("broken")}),
		"multi:v8": entry(map[string]any{
			"imageDigest": fakeDigest("index"), "sha256": fakeHash("multi-amd"), "platform": "linux/amd64",
			"platforms": map[string]any{
				"linux/amd64":    pair("multi-amd"),
				"linux/arm64/v8": pair("multi-arm64v8"),
			},
		}),
		"multi:both": entry(map[string]any{
			"imageDigest": fakeDigest("index"), "sha256": fakeHash("both-arm64"), "platform": "linux/arm64",
			"platforms": map[string]any{
				"linux/arm64":  pair("both-arm64"),
				"linux/arm/v7": pair("both-armv7"),
			},
		}),
	}
	lockPath := writeJSON(t, lock)
	update := func(ref string) string { return "uptix update --dependency '" + ref + "'" }
	tests := []struct {
		system, ref string
		want        map[string]string // imageDigest and sha256 used
		wantErr     string
	}{
		{system: "x86_64-linux", ref: "single:amd64", want: pair("single")},
		{system: "aarch64-linux", ref: "single:amd64",
			wantErr: `uptix: image "single:amd64" is not locked for linux/arm64; run: ` + update("single:amd64") + " --platform linux/arm64"},
		{system: "aarch64-linux", ref: "single:arm64", want: pair("single-arm")},
		{system: "x86_64-linux", ref: "single:arm64",
			wantErr: `uptix: image "single:arm64" is not locked for linux/amd64; run: ` + update("single:arm64") + " --platform linux/amd64"},
		// The earlier uptix wrote { imageDigest, sha256 } hashed for amd64.
		{system: "x86_64-linux", ref: "earlier:1", want: pair("earlier")},
		{system: "aarch64-linux", ref: "earlier:1",
			wantErr: `uptix: image "earlier:1" is not locked for linux/arm64; run: ` + update("earlier:1") + " --platform linux/arm64"},
		{system: "x86_64-linux", ref: "bare:object", want: pair("bare")},
		{system: "x86_64-linux", ref: "old:string",
			wantErr: `uptix: image "old:string" is locked in the old format (a bare digest); run: ` + update("old:string")},
		{system: "x86_64-linux", ref: "old:bare",
			wantErr: `uptix: image "old:bare" is locked in the old format (a bare digest); run: ` + update("old:bare")},
		{system: "x86_64-linux", ref: "broken:nohash",
			wantErr: `uptix: the lock entry of image "broken:nohash" has no imageDigest and sha256; run: ` + update("broken:nohash")},
		{system: "x86_64-linux", ref: "missing:1",
			wantErr: `uptix: image "missing:1" is not in the lock file; run: uptix update`},
		{system: "x86_64-linux", ref: "multi:v8", want: pair("multi-amd")},
		{system: "aarch64-linux", ref: "multi:v8", want: pair("multi-arm64v8")},
		{system: "armv7l-linux", ref: "multi:v8",
			wantErr: `uptix: image "multi:v8" is not locked for linux/arm/v7; run: ` + update("multi:v8") + " --platform linux/arm/v7"},
		{system: "aarch64-linux", ref: "multi:both", want: pair("both-arm64")},
		{system: "armv7l-linux", ref: "multi:both", want: pair("both-armv7")},
		{system: "x86_64-linux", ref: "multi:both",
			wantErr: `uptix: image "multi:both" is not locked for linux/amd64; run: ` + update("multi:both") + " --platform linux/amd64"},
		{system: "armv6l-linux", ref: "multi:both",
			wantErr: `uptix: image "multi:both" is not locked for linux/arm/v6; run: ` + update("multi:both") + " --platform linux/arm/v6"},
		{system: "wasm32-wasi", ref: "single:amd64",
			wantErr: `uptix: no container image architecture is known for the host platform wasm32-wasi`},
	}
	for _, tt := range tests {
		t.Run(tt.system+"/"+tt.ref, func(t *testing.T) {
			t.Parallel()
			// The error must come from the call itself, so force only the
			// result to weak head normal form before reading fields.
			expr := fmt.Sprintf(`let d = (import %s { lockFile = %s; pkgs = %s; }).dockerImage %s; in builtins.seq d { inherit (d.args) imageDigest sha256; }`,
				nixPath(moduleDir(t)), nixPath(lockPath), stubPkgs(tt.system, stubs[0].expr), nixStr(tt.ref))
			out, err := evalNix(t, store, expr)
			if tt.wantErr != "" {
				if err == nil {
					t.Fatalf("evaluated to %s, want error %q", out, tt.wantErr)
				}
				if err.Error() != tt.wantErr {
					t.Fatalf("error:\n got  %s\n want %s", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			var got map[string]string
			if err := json.Unmarshal(out, &got); err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
}

// TestGitHubFunctions checks githubBranch, githubRelease and version
// against the earlier uptix's behaviour.
func TestGitHubFunctions(t *testing.T) {
	store := newStore(t)
	src := func(owner, repo, rev string, f, d, l bool) map[string]any {
		return map[string]any{"owner": owner, "repo": repo, "rev": rev,
			"sha256":          "0" + strings.Repeat("a", 51),
			"fetchSubmodules": f, "deepClone": d, "leaveDotGit": l}
	}
	entry := func(l any) any { return map[string]any{"metadata": map[string]string{"dep_type": "github"}, "lock": l} }
	lock := map[string]any{
		"$GITHUB_BRANCH$:o/r:main$":     entry(src("o", "r", "1111111111111111111111111111111111111111", false, false, false)),
		"$GITHUB_BRANCH$:o/r:dev$fl":    entry(src("o", "r", "2222222222222222222222222222222222222222", true, false, true)),
		"$GITHUB_BRANCH$:o/r:feat/x$d":  entry(src("o", "r", "3333333333333333333333333333333333333333", false, true, false)),
		"$GITHUB_RELEASE$:o/rel$":       entry(src("o", "rel", "v1.2.3", false, false, false)),
		"$GITHUB_RELEASE$:o/rel2$fdl":   entry(src("o", "rel2", "2.0", true, true, true)),
		"$GITHUB_RELEASE$:o/vless$":     src("o", "vless", "version-9", false, false, false),
		"$GITHUB_BRANCH$:o/other:main$": entry(src("o", "other", "4444444444444444444444444444444444444444", false, false, false)),
	}
	lockPath := writeJSON(t, lock)
	sha := "0" + strings.Repeat("a", 51)
	tests := []struct {
		name, call string
		want       any
		wantErr    string
	}{
		{name: "branch", call: `u.githubBranch { owner = "o"; repo = "r"; branch = "main"; }`,
			want: map[string]any{"owner": "o", "repo": "r", "rev": "1111111111111111111111111111111111111111", "sha256": sha}},
		{name: "branch flags", call: `u.githubBranch { owner = "o"; repo = "r"; branch = "dev"; fetchSubmodules = true; leaveDotGit = true; name = "src"; }`,
			want: map[string]any{"owner": "o", "repo": "r", "rev": "2222222222222222222222222222222222222222", "sha256": sha,
				"fetchSubmodules": true, "leaveDotGit": true, "name": "src"}},
		{name: "branch with slash", call: `u.githubBranch { owner = "o"; repo = "r"; branch = "feat/x"; deepClone = true; }`,
			want: map[string]any{"owner": "o", "repo": "r", "rev": "3333333333333333333333333333333333333333", "sha256": sha, "deepClone": true}},
		{name: "branch explicit false flag", call: `u.githubBranch { owner = "o"; repo = "r"; branch = "main"; fetchSubmodules = false; }`,
			want: map[string]any{"owner": "o", "repo": "r", "rev": "1111111111111111111111111111111111111111", "sha256": sha, "fetchSubmodules": false}},
		{name: "release", call: `u.githubRelease { owner = "o"; repo = "rel"; }`,
			want: map[string]any{"owner": "o", "repo": "rel", "rev": "v1.2.3", "sha256": sha}},
		{name: "release flags", call: `u.githubRelease { owner = "o"; repo = "rel2"; fetchSubmodules = true; deepClone = true; leaveDotGit = true; }`,
			want: map[string]any{"owner": "o", "repo": "rel2", "rev": "2.0", "sha256": sha,
				"fetchSubmodules": true, "deepClone": true, "leaveDotGit": true}},
		{name: "release bare lock", call: `u.githubRelease { owner = "o"; repo = "vless"; }`,
			want: map[string]any{"owner": "o", "repo": "vless", "rev": "version-9", "sha256": sha}},
		{name: "version v", call: `u.version (u.githubRelease { owner = "o"; repo = "rel"; })`, want: "1.2.3"},
		{name: "version plain", call: `u.version (u.githubRelease { owner = "o"; repo = "rel2"; fetchSubmodules = true; deepClone = true; leaveDotGit = true; })`, want: "2.0"},
		// As the earlier uptix: any leading "v" goes.
		{name: "version other", call: `u.version { rev = "version-9"; }`, want: "ersion-9"},
		{name: "missing branch", call: `u.githubBranch { owner = "o"; repo = "r"; branch = "nope"; }`,
			wantErr: `uptix: GitHub branch o/r:nope is not in the lock file; run: uptix update`},
		{name: "missing flags", call: `u.githubBranch { owner = "o"; repo = "r"; branch = "main"; leaveDotGit = true; }`,
			wantErr: `uptix: GitHub branch o/r:main is not in the lock file; run: uptix update`},
		{name: "missing release", call: `u.githubRelease { owner = "o"; repo = "none"; }`,
			wantErr: `uptix: GitHub release of o/none is not in the lock file; run: uptix update`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			expr := fmt.Sprintf(`let u = import %s { lockFile = %s; pkgs = %s; }; in %s`,
				nixPath(moduleDir(t)), nixPath(lockPath), stubPkgs("x86_64-linux", stubs[0].expr), tt.call)
			out, err := evalNix(t, store, expr)
			if tt.wantErr != "" {
				if err == nil || err.Error() != tt.wantErr {
					t.Fatalf("got %s, %v; want error %q", out, err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			var got any
			if err := json.Unmarshal(out, &got); err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
}

// flakeVendorHash reads the vendorHash written in flake.nix.
func flakeVendorHash(t *testing.T) string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(repoDir(t), "flake.nix"))
	if err != nil {
		t.Fatal(err)
	}
	const key = `vendorHash = "`
	i := bytes.Index(data, []byte(key))
	if i < 0 || bytes.Count(data, []byte(key)) != 1 {
		t.Fatalf("flake.nix must hold exactly one %s…\"", key)
	}
	rest := data[i+len(key):]
	return string(rest[:bytes.IndexByte(rest, '"')])
}

// TestFlakeOutputs calls the flake's outputs function with a stub nixpkgs
// and checks every output.
func TestFlakeOutputs(t *testing.T) {
	store := newStore(t)
	lockPath := writeJSON(t, map[string]any{
		"postgres:15": map[string]any{"lock": map[string]any{
			"imageDigest": fakeDigest("pg"), "sha256": fakeHash("pg", "linux/amd64"), "platform": "linux/amd64",
			"platforms": map[string]any{
				"linux/amd64":  map[string]string{"imageDigest": fakeDigest("pg-amd64"), "sha256": fakeHash("pg", "linux/amd64")},
				"linux/arm64":  map[string]string{"imageDigest": fakeDigest("pg-arm64"), "sha256": fakeHash("pg", "linux/arm64")},
				"linux/arm/v7": map[string]string{"imageDigest": fakeDigest("pg-armv7"), "sha256": fakeHash("pg", "linux/arm/v7")},
			}}},
	})
	expr := fmt.Sprintf(`
let
  drv = name: { type = "derivation"; inherit name; outPath = "/stub/" + name; };
  stubPkgs = system: {
    stdenv.hostPlatform.system = system;
    dockerTools.pullImage = args: { type = "derivation"; inherit args; };
    buildGoModule = args: drv "uptix" // { inherit args; builder = "buildGoModule"; };
    mkShell = args: drv "shell" // { inherit args; };
    makeWrapper = drv "makeWrapper";
    nix-prefetch-git = drv "nix-prefetch-git";
    go = drv "go";
    gopls = drv "gopls";
    skopeo = drv "skopeo";
    git = drv "git";
  } // (if system == "x86_64-linux" then {
    buildGo126Module = args: drv "uptix" // { inherit args; builder = "buildGo126Module"; };
    go_1_26 = drv "go_1_26";
  } else { });
  systems = [ "x86_64-linux" "aarch64-linux" "x86_64-darwin" "aarch64-darwin" ];
  nixpkgs = { legacyPackages = builtins.listToAttrs (map (s: { name = s; value = stubPkgs s; }) systems); };
  flake = import %s;
  self = flake.outputs { inherit self nixpkgs; };
  lockFile = %s;
  image = u: (u.dockerImage "postgres:15").args;
  final = stubPkgs "armv7l-linux" // self.overlays.default final (stubPkgs "armv7l-linux");
  pkg = p: {
    inherit (p) builder;
    inherit (p.args) pname version vendorHash subPackages doCheck postInstall ldflags;
    nativeBuildInputs = map (d: d.name) p.args.nativeBuildInputs;
    src = toString p.args.src;
    srcType = builtins.typeOf p.args.src;
  };
in {
  inherit (flake) description;
  inputs = flake.inputs;
  outputNames = builtins.attrNames self;
  module = image (self.nixosModules.uptix lockFile { pkgs = stubPkgs "aarch64-linux"; config = { }; lib = { }; })._module.args.uptix;
  moduleFunctions = builtins.attrNames (self.nixosModules.uptix lockFile { pkgs = stubPkgs "aarch64-linux"; })._module.args.uptix;
  lib = image (self.lib.mkUptix { inherit lockFile; pkgs = stubPkgs "x86_64-linux"; });
  overlay = { package = pkg final.uptix; image = image (final.mkUptix lockFile); };
  packages = builtins.mapAttrs (s: ps: { names = builtins.attrNames ps; default = pkg ps.default; same = ps.default == ps.uptix; }) self.packages;
  apps = self.apps;
  devShells = builtins.mapAttrs (s: d: map (p: p.name) d.default.args.packages) self.devShells;
  checks = builtins.mapAttrs (s: c: builtins.mapAttrs (n: v: v.outPath) c) self.checks;
}`, nixPath(filepath.Join(repoDir(t), "flake.nix")), nixPath(lockPath))
	out, err := evalNix(t, store, expr)
	if err != nil {
		t.Fatalf("evaluating the flake: %v\n%s", err, err.(*nixError).stderr)
	}
	var got map[string]any
	if err := json.Unmarshal(out, &got); err != nil {
		t.Fatal(err)
	}
	imageArgs := func(key, arch string) map[string]any {
		return map[string]any{"imageName": "postgres", "finalImageName": "postgres", "finalImageTag": "15",
			"imageDigest": fakeDigest("pg-" + strings.ReplaceAll(strings.TrimPrefix(key, "linux/"), "/", "")),
			"sha256":      fakeHash("pg", key), "os": "linux", "arch": arch}
	}
	pkgWant := func(builder string) map[string]any {
		return map[string]any{
			"builder": builder, "pname": "uptix", "version": "0.1.0", "vendorHash": flakeVendorHash(t),
			"subPackages": []any{"cmd/uptix"}, "doCheck": false,
			"ldflags":           []any{"-s", "-w", "-X main.version=0.1.0"},
			"postInstall":       "wrapProgram $out/bin/uptix --prefix PATH : /stub/nix-prefetch-git/bin\n",
			"nativeBuildInputs": []any{"makeWrapper"},
			"src":               repoDir(t), "srcType": "path",
		}
	}
	systems := []string{"x86_64-linux", "aarch64-linux", "x86_64-darwin", "aarch64-darwin"}
	packages, apps, devShells, checks := map[string]any{}, map[string]any{}, map[string]any{}, map[string]any{}
	for _, s := range systems {
		builder, goPkg := "buildGoModule", "go"
		if s == "x86_64-linux" {
			builder, goPkg = "buildGo126Module", "go_1_26"
		}
		packages[s] = map[string]any{"names": []any{"default", "uptix"}, "default": pkgWant(builder), "same": true}
		apps[s] = map[string]any{"default": map[string]any{"type": "app", "program": "/stub/uptix/bin/uptix"}}
		devShells[s] = []any{goPkg, "gopls", "skopeo", "nix-prefetch-git", "git"}
		checks[s] = map[string]any{"package": "/stub/uptix"}
	}
	want := map[string]any{
		"description":     got["description"],
		"inputs":          map[string]any{"nixpkgs": map[string]any{"url": "github:NixOS/nixpkgs/nixpkgs-unstable"}},
		"outputNames":     []any{"apps", "checks", "devShells", "lib", "nixosModules", "overlays", "packages"},
		"module":          imageArgs("linux/arm64", "arm64"),
		"moduleFunctions": []any{"dockerImage", "githubBranch", "githubRelease", "pullDockerImage", "version"},
		"lib":             imageArgs("linux/amd64", "amd64"),
		"overlay":         map[string]any{"package": pkgWant("buildGoModule"), "image": imageArgs("linux/arm/v7", "arm")},
		"packages":        packages,
		"apps":            apps,
		"devShells":       devShells,
		"checks":          checks,
	}
	if d, _ := got["description"].(string); !strings.Contains(d, "uptix") {
		t.Errorf("description %q does not name uptix", d)
	}
	for _, k := range sortedKeys(want) {
		if !reflect.DeepEqual(got[k], want[k]) {
			gj, _ := json.MarshalIndent(got[k], "", " ")
			wj, _ := json.MarshalIndent(want[k], "", " ")
			t.Errorf("%s:\n got  %s\n want %s", k, gj, wj)
		}
	}
	if len(got) != len(want) {
		t.Errorf("got keys %v, want %v", sortedKeys(got), sortedKeys(want))
	}
}

func sortedKeys(m map[string]any) []string {
	var ks []string
	for k := range m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}

// TestVendorHash recomputes buildGoModule's vendorHash (the NAR hash of
// the directory `go mod vendor` writes) and compares it with flake.nix.
func TestVendorHash(t *testing.T) {
	t.Parallel()
	oracle.Require(t, "nix", "go")
	store := oracle.NewStore(t)
	vendor := filepath.Join(t.TempDir(), "vendor")
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "go", "mod", "vendor", "-o", vendor)
	cmd.Dir = repoDir(t)
	cmd.Env = append(os.Environ(), "GOFLAGS=", "GOTOOLCHAIN=local", "GOWORK=off")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go mod vendor: %v\n%s", err, out)
	}
	got, err := store.NixHashPath(ctx, vendor)
	if err != nil {
		t.Fatal(err)
	}
	if want := flakeVendorHash(t); got != want {
		t.Errorf("flake.nix has vendorHash = %q, but `go mod vendor` now hashes to %q; update flake.nix", want, got)
	}
}
