package resolve

import (
	"bytes"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// nixEnv runs Nix against a private store in a temporary directory.
// TODO(github helper): switch to internal/oracle once it has landed.
type nixEnv struct {
	root string
	env  []string
}

// needTools skips the test when a tool is missing, or fails it when
// CI=true.
func needTools(t *testing.T, tools ...string) {
	t.Helper()
	for _, tool := range tools {
		if _, err := exec.LookPath(tool); err != nil {
			if os.Getenv("CI") == "true" {
				t.Fatalf("%s is required in CI: %v", tool, err)
			}
			t.Skipf("%s not installed: %v", tool, err)
		}
	}
}

func newNixEnv(t *testing.T) *nixEnv {
	t.Helper()
	needTools(t, "nix", "nix-build", "tar")
	root := t.TempDir()
	// The store is read-only; make it removable again.
	t.Cleanup(func() {
		filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
			if err == nil && d.IsDir() {
				os.Chmod(p, 0o755)
			}
			return nil
		})
	})
	etc := filepath.Join(root, "etc")
	if err := os.MkdirAll(etc, 0o755); err != nil {
		t.Fatal(err)
	}
	conf := "sandbox = false\nbuild-users-group =\nsubstituters =\n" +
		"experimental-features = nix-command\n"
	if err := os.WriteFile(filepath.Join(etc, "nix.conf"), []byte(conf), 0o644); err != nil {
		t.Fatal(err)
	}
	env := append(os.Environ(),
		"NIX_STORE_DIR="+filepath.Join(root, "store"),
		"NIX_STATE_DIR="+filepath.Join(root, "state"),
		"NIX_LOG_DIR="+filepath.Join(root, "log"),
		"NIX_CONF_DIR="+etc,
		"NIX_CONFIG=",
		"HOME="+root,
	)
	return &nixEnv{root: root, env: env}
}

func (n *nixEnv) run(name string, args ...string) (stdout, stderr string, err error) {
	cmd := exec.Command(name, args...)
	cmd.Env = n.env
	var o, e bytes.Buffer
	cmd.Stdout, cmd.Stderr = &o, &e
	err = cmd.Run()
	return o.String(), e.String(), err
}

// hashPath returns `nix hash path --sri dir`.
func (n *nixEnv) hashPath(t *testing.T, dir string) string {
	t.Helper()
	out, errOut, err := n.run("nix", "hash", "path", "--sri", dir)
	if err != nil {
		t.Fatalf("nix hash path %s: %v\n%s", dir, err, errOut)
	}
	return strings.TrimSpace(out)
}

// gnuUnpack unpacks the tarball with GNU tar into a fresh directory
// and returns the directory fetchzip would hash ($out), built with the
// same steps fetchzip takes for a single file or directory.
func gnuUnpack(t *testing.T, tarball []byte) string {
	t.Helper()
	dir := t.TempDir()
	src := filepath.Join(dir, "src.tar.gz")
	if err := os.WriteFile(src, tarball, 0o644); err != nil {
		t.Fatal(err)
	}
	unpack := filepath.Join(dir, "unpack")
	os.Mkdir(unpack, 0o755)
	cmd := exec.Command("tar", "-xf", src, "-C", unpack)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("GNU tar failed: %v\n%s", err, out)
	}
	entries, err := os.ReadDir(unpack)
	if err != nil || len(entries) != 1 {
		t.Fatalf("unpacked %d top-level entries (%v)", len(entries), err)
	}
	top := filepath.Join(unpack, entries[0].Name())
	if entries[0].Type().IsRegular() {
		out := filepath.Join(dir, "out")
		os.Mkdir(out, 0o755)
		if err := os.Rename(top, filepath.Join(out, entries[0].Name())); err != nil {
			t.Fatal(err)
		}
		return out
	}
	return top
}

// fetchzipScript is the unpacking part of nixpkgs' fetchzip, run by a
// fixed-output derivation: unpack, require one top-level entry, move a
// directory to $out or a file into $out, chmod 755 $out.
const fetchzipScript = `set -e
unpackDir="$TMPDIR/unpack"
mkdir "$unpackDir"
cd "$unpackDir"
tar xf "$src" --mode=+w --warning=no-timestamp
chmod -R +w "$unpackDir"
if [ "$(ls -A "$unpackDir" | wc -l)" != 1 ]; then
  echo "error: zip file must contain a single file or directory."
  exit 1
fi
fn=$(cd "$unpackDir" && ls -A)
if [ -f "$unpackDir/$fn" ]; then
  mkdir "$out"
fi
mv "$unpackDir/$fn" "$out"
chmod 755 "$out"
`

var gotHashRE = regexp.MustCompile(`got:\s+(sha256-[A-Za-z0-9+/=]+)`)

// fetchzipBuild builds a recursive fixed-output derivation per tarball
// (keyed by name) claiming the given SRI hashes, and returns for each
// name the hash Nix got when it differs from the claim. Builds that
// fail for other reasons fail the test.
func (n *nixEnv) fetchzipBuild(t *testing.T, tarballs map[string][]byte, claims map[string]string) map[string]string {
	t.Helper()
	dir := t.TempDir()
	script := filepath.Join(dir, "fetchzip.sh")
	os.WriteFile(script, []byte(fetchzipScript), 0o644)

	var expr strings.Builder
	expr.WriteString("{\n")
	for name, data := range tarballs {
		src := filepath.Join(dir, name+".tar.gz")
		if err := os.WriteFile(src, data, 0o644); err != nil {
			t.Fatal(err)
		}
		expr.WriteString("  \"" + name + "\" = derivation {\n" +
			"    name = \"fetchzip-" + name + "\";\n" +
			"    system = builtins.currentSystem;\n" +
			"    builder = \"/bin/sh\";\n" +
			"    args = [ \"" + script + "\" ];\n" +
			"    PATH = \"/usr/bin:/bin\";\n" +
			"    src = \"" + src + "\";\n" +
			"    outputHashMode = \"recursive\";\n" +
			"    outputHashAlgo = \"sha256\";\n" +
			"    outputHash = \"" + claims[name] + "\";\n" +
			"  };\n")
	}
	expr.WriteString("}\n")
	file := filepath.Join(dir, "default.nix")
	os.WriteFile(file, []byte(expr.String()), 0o644)

	got := map[string]string{}
	for name := range tarballs {
		_, errOut, err := n.run("nix-build", "--no-out-link", file, "-A", name)
		if err == nil {
			continue
		}
		m := gotHashRE.FindStringSubmatch(errOut)
		if m == nil {
			t.Fatalf("fixed-output build of %q failed without a hash mismatch: %v\n%s", name, err, errOut)
		}
		got[name] = m[1]
	}
	return got
}
