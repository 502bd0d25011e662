// Package oracle runs the real tools uptix must agree with (Nix and
// skopeo) in throwaway environments, for tests. See
// /work/shared/specs/oracles.md.
package oracle

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
)

// Require skips the test when a tool is missing, or fails it when the
// CI variable is "true" (oracle tests must not be skipped in CI).
func Require(t testing.TB, tools ...string) {
	t.Helper()
	var missing []string
	for _, tool := range tools {
		if _, err := exec.LookPath(tool); err != nil {
			missing = append(missing, tool)
		}
	}
	if len(missing) == 0 {
		return
	}
	msg := fmt.Sprintf("oracle tools missing from PATH: %s (apt-get install -y nix-bin skopeo)", strings.Join(missing, ", "))
	if os.Getenv("CI") == "true" {
		t.Fatal(msg)
		return
	}
	t.Skip(msg)
}

// Store is a private Nix store with its own state, log and config
// directories, so tests never touch /nix or /etc/nix.
type Store struct {
	Dir string   // root of the private tree
	Env []string // environment for Nix commands (os.Environ plus NIX_*)
}

// NewStore makes a private store under t.TempDir(); it requires nix.
func NewStore(t testing.TB) *Store {
	t.Helper()
	Require(t, "nix", "nix-build", "nix-instantiate")
	s, err := NewStoreAt(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { makeWritable(s.Dir) })
	return s
}

// NewStoreAt makes a private store rooted at dir.
func NewStoreAt(dir string) (*Store, error) {
	etc := filepath.Join(dir, "etc")
	if err := os.MkdirAll(etc, 0o755); err != nil {
		return nil, fmt.Errorf("creating private nix store: %w", err)
	}
	conf := "sandbox = false\nbuild-users-group =\nsubstituters =\n" +
		"experimental-features = nix-command flakes\n"
	if err := os.WriteFile(filepath.Join(etc, "nix.conf"), []byte(conf), 0o644); err != nil {
		return nil, fmt.Errorf("writing nix.conf: %w", err)
	}
	s := &Store{Dir: dir}
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		switch k {
		case "NIX_REMOTE", "NIX_CONFIG", "NIX_PATH", "NIX_STORE_DIR", "NIX_STATE_DIR",
			"NIX_LOG_DIR", "NIX_CONF_DIR", "NIX_USER_CONF_FILES", "XDG_CACHE_HOME":
			continue
		}
		s.Env = append(s.Env, kv)
	}
	s.Env = append(s.Env,
		"NIX_STORE_DIR="+filepath.Join(dir, "store"),
		"NIX_STATE_DIR="+filepath.Join(dir, "state"),
		"NIX_LOG_DIR="+filepath.Join(dir, "log"),
		"NIX_CONF_DIR="+etc,
		"NIX_USER_CONF_FILES="+filepath.Join(etc, "nix.conf"),
		"XDG_CACHE_HOME="+filepath.Join(dir, "cache"),
	)
	// Nix 2.8 creates the store's state (profiles, gcroots) on first use
	// and fails with "File exists" when two processes race to do it, so
	// open it once here, before tests run Nix in parallel.
	if _, err := exec.LookPath("nix-instantiate"); err == nil {
		cmd := exec.Command("nix-instantiate", "--eval", "-E", "builtins.storeDir")
		cmd.Env = s.Env
		if out, err := cmd.CombinedOutput(); err != nil {
			return nil, fmt.Errorf("initialising private nix store: %v: %s", err, out)
		}
	}
	return s, nil
}

// makeWritable lets t.TempDir's cleanup remove read-only store paths.
func makeWritable(dir string) {
	filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err == nil && d.IsDir() {
			os.Chmod(p, 0o755)
		}
		return nil
	})
}

// run runs a command in the store's environment and returns stdout,
// stderr and the exit code (-1 when it could not start).
func (s *Store) run(ctx context.Context, name string, args ...string) (stdout, stderr string, code int, err error) {
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Env = s.Env
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err = cmd.Run()
	code = cmd.ProcessState.ExitCode()
	if err != nil {
		err = fmt.Errorf("running %s: %w: %s", name, err, strings.TrimSpace(errb.String()))
	}
	return out.String(), errb.String(), code, err
}

// NixHashFile returns `nix hash file --sri path`; it needs no store.
func NixHashFile(ctx context.Context, path string) (string, error) {
	return bare().NixHashFile(ctx, path)
}

// NixHashPath returns `nix hash path --sri dir`; it needs no store.
func NixHashPath(ctx context.Context, dir string) (string, error) {
	return bare().NixHashPath(ctx, dir)
}

// bare is a Store value whose environment only enables nix-command.
func bare() *Store {
	env := append(os.Environ(), "NIX_CONFIG=experimental-features = nix-command")
	return &Store{Env: env}
}

// NixHashFile returns `nix hash file --sri path`.
func (s *Store) NixHashFile(ctx context.Context, path string) (string, error) {
	out, _, _, err := s.run(ctx, "nix", "hash", "file", "--sri", path)
	return strings.TrimSpace(out), err
}

// NixHashPath returns `nix hash path --sri dir` (the NAR hash).
func (s *Store) NixHashPath(ctx context.Context, dir string) (string, error) {
	out, _, _, err := s.run(ctx, "nix", "hash", "path", "--sri", dir)
	return strings.TrimSpace(out), err
}

// SkopeoCopy copies srcRef (a reference such as "127.0.0.1:5000/a@sha256:…",
// read over plain HTTP without TLS verification) to a docker-archive at
// archivePath tagged finalNameTag ("name:tag"), choosing the platform
// os/arch/variant (empty strings: no override). An existing file at
// archivePath is removed first.
func SkopeoCopy(ctx context.Context, srcRef, archivePath, finalNameTag, goos, arch, variant string) error {
	if err := os.Remove(archivePath); err != nil && !os.IsNotExist(err) {
		return fmt.Errorf("removing old archive: %w", err)
	}
	tmp, err := os.MkdirTemp("", "oracle-skopeo-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	args := []string{"--insecure-policy", "--tmpdir=" + tmp}
	if goos != "" {
		args = append(args, "--override-os", goos)
	}
	if arch != "" {
		args = append(args, "--override-arch", arch)
	}
	if variant != "" {
		args = append(args, "--override-variant", variant)
	}
	args = append(args, "copy", "--src-tls-verify=false",
		"docker://"+srcRef, "docker-archive://"+archivePath+":"+finalNameTag)
	cmd := exec.CommandContext(ctx, "skopeo", args...)
	cmd.Env = append(os.Environ(), "HOME="+tmp)
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("running skopeo copy %q: %w: %s", srcRef, err, strings.TrimSpace(string(out)))
	}
	return nil
}

// BuildResult is the outcome of a fixed-output build.
type BuildResult struct {
	Accepted bool   // the build succeeded with the given hash
	Got      string // the hash Nix computed, on a mismatch
	ExitCode int    // nix-build's exit code (102 on a hash mismatch)
	Path     string // the output path when accepted
	Log      string // nix-build's stderr
}

var gotRE = regexp.MustCompile(`got:\s+(sha256-[A-Za-z0-9+/=]+|sha256:[0-9a-z]+)`)

var buildCounter atomic.Int64

// Derivation is a fixed-output derivation run by /bin/sh.
type Derivation struct {
	Name     string // store name; a unique suffix is added
	Script   string // shell script; writes $out
	HashMode string // "flat" or "recursive"
	Hash     string // expected SRI hash
	Env      map[string]string
}

// Build builds d with nix-build in the private store.
func (s *Store) Build(ctx context.Context, d Derivation) (*BuildResult, error) {
	var env strings.Builder
	for k, v := range d.Env {
		fmt.Fprintf(&env, "  %s = %s;\n", k, nixString(v))
	}
	name := fmt.Sprintf("%s-%d-%d", d.Name, os.Getpid(), buildCounter.Add(1))
	expr := fmt.Sprintf(`derivation {
  name = %s;
  system = builtins.currentSystem;
  builder = "/bin/sh";
  args = [ "-c" %s ];
  PATH = "/usr/local/bin:/usr/bin:/bin";
  outputHashMode = %s;
  outputHashAlgo = "sha256";
  outputHash = %s;
%s}
`, nixString(name), nixString(d.Script), nixString(d.HashMode), nixString(d.Hash), env.String())
	file := filepath.Join(s.Dir, name+".nix")
	if err := os.WriteFile(file, []byte(expr), 0o644); err != nil {
		return nil, err
	}
	out, stderr, code, err := s.run(ctx, "nix-build", "--no-out-link", file)
	res := &BuildResult{ExitCode: code, Log: stderr}
	if err == nil {
		res.Accepted = true
		res.Path = strings.TrimSpace(out)
		return res, nil
	}
	if m := gotRE.FindStringSubmatch(stderr); m != nil {
		res.Got = m[1]
		return res, nil
	}
	if ctx.Err() != nil {
		return res, ctx.Err()
	}
	return res, fmt.Errorf("building %q (exit %d): %s", name, code, strings.TrimSpace(stderr))
}

// PullImage describes a pullImage-like build.
type PullImage struct {
	ImageName   string // e.g. "127.0.0.1:PORT/library/app"
	ImageDigest string // "sha256:…"
	FinalName   string
	FinalTag    string
	OS, Arch    string // default linux/amd64
	Hash        string // expected SRI hash
}

// FixedOutputBuild builds a derivation that runs the same skopeo copy as
// nixpkgs' dockerTools.pullImage, with outputHashMode "flat". It reports
// whether Nix accepted p.Hash, or the hash Nix got and the exit code.
func (s *Store) FixedOutputBuild(ctx context.Context, p PullImage) (*BuildResult, error) {
	goos, arch := p.OS, p.Arch
	if goos == "" {
		goos = "linux"
	}
	if arch == "" {
		arch = "amd64"
	}
	script := `set -eu
export HOME="$TMPDIR"
skopeo --insecure-policy --tmpdir="$TMPDIR" --override-os "$os" --override-arch "$arch" \
  copy --src-tls-verify=false "docker://$imageName@$imageDigest" \
  "docker-archive://$out:$finalImageName:$finalImageTag"
`
	return s.Build(ctx, Derivation{
		Name:   "docker-image-" + sanitize(p.FinalName) + "-" + sanitize(p.FinalTag) + ".tar",
		Script: script, HashMode: "flat", Hash: p.Hash,
		Env: map[string]string{
			"imageName": p.ImageName, "imageDigest": p.ImageDigest,
			"finalImageName": p.FinalName, "finalImageTag": p.FinalTag,
			"os": goos, "arch": arch,
		},
	})
}

// FetchTarball builds a fetchzip-like derivation with outputHashMode
// "recursive": it unpacks the tarball src (a local path, or an http URL
// fetched with curl), moves the single top-level directory to $out and
// makes it mode 755.
func (s *Store) FetchTarball(ctx context.Context, src, hash string) (*BuildResult, error) {
	script := `set -eu
cd "$TMPDIR"
case "$src" in
http://*|https://*) curl -sSfL -o archive "$src" ;;
*) cp "$src" archive ;;
esac
mkdir unpack
tar -xf archive -C unpack
set -- unpack/*
if [ "$#" -ne 1 ] || [ ! -d "$1" ]; then
  echo "error: zip file must contain a single directory" >&2; exit 1
fi
mv "$1" "$out"
chmod 755 "$out"
`
	return s.Build(ctx, Derivation{Name: "source", Script: script, HashMode: "recursive",
		Hash: hash, Env: map[string]string{"src": src}})
}

// nixString quotes s as a Nix string literal.
func nixString(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `"`, `\"`, "${", `\${`, "\n", `\n`, "\t", `\t`, "\r", `\r`)
	return `"` + r.Replace(s) + `"`
}

// sanitize keeps characters Nix allows in store names.
func sanitize(s string) string {
	var b strings.Builder
	for _, c := range s {
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9',
			strings.ContainsRune("+-._?=", c):
			b.WriteRune(c)
		default:
			b.WriteByte('-')
		}
	}
	return b.String()
}

// String describes the result: "accepted PATH" or "rejected (exit N, got H)".
func (r *BuildResult) String() string {
	if r.Accepted {
		return "accepted " + r.Path
	}
	return "rejected (exit " + strconv.Itoa(r.ExitCode) + ", got " + r.Got + ")"
}
