package resolve

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/uptix-dev/uptix/internal/oracle"
)

// narNixEnv wraps internal/oracle's private Nix store.
type narNixEnv struct {
	store *oracle.Store
}

// newNarNixEnv needs nix, nix-build and GNU tar: it skips the test when
// one is missing, or fails it when CI=true.
func newNarNixEnv(t *testing.T) *narNixEnv {
	t.Helper()
	oracle.Require(t, "nix", "nix-build", "tar")
	return &narNixEnv{store: oracle.NewStore(t)}
}

// hashPath returns `nix hash path --sri dir`.
func (n *narNixEnv) hashPath(t *testing.T, dir string) string {
	t.Helper()
	h, err := n.store.NixHashPath(context.Background(), dir)
	if err != nil {
		t.Fatal(err)
	}
	return h
}

// narGNUUnpack unpacks the tarball with GNU tar into a fresh directory
// and returns the directory fetchzip would hash ($out), built with the
// same steps fetchzip takes for a single file or directory.
func narGNUUnpack(t *testing.T, tarball []byte) string {
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

// narFetchzipScript is the unpacking part of nixpkgs' fetchzip, run by a
// fixed-output derivation: unpack, require one top-level entry, move a
// directory to $out or a file into $out, chmod 755 $out.
const narFetchzipScript = `set -e
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

// fetchzipBuild builds a recursive fixed-output derivation per tarball
// (keyed by name) claiming the given SRI hashes, and returns for each
// name the hash Nix got when it differs from the claim. Builds that
// fail for other reasons fail the test.
func (n *narNixEnv) fetchzipBuild(t *testing.T, tarballs map[string][]byte, claims map[string]string) map[string]string {
	t.Helper()
	dir := t.TempDir()
	got := map[string]string{}
	for _, name := range narSortedKeys(tarballs) {
		src := filepath.Join(dir, name+".tar.gz")
		if err := os.WriteFile(src, tarballs[name], 0o644); err != nil {
			t.Fatal(err)
		}
		res, err := n.store.Build(context.Background(), oracle.Derivation{
			Name:     "fetchzip-" + name,
			Script:   narFetchzipScript,
			HashMode: "recursive",
			Hash:     claims[name],
			Env:      map[string]string{"src": src},
		})
		if err != nil {
			t.Fatalf("fixed-output build of %q: %v", name, err)
		}
		if !res.Accepted {
			got[name] = res.Got
		}
	}
	return got
}
