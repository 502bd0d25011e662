package rewrite

import (
	"os"
	"path/filepath"
	"testing"
)

func TestWriteFileKeepsMode(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "a.nix")
	if err := os.WriteFile(p, []byte("old"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(p, 0o640); err != nil {
		t.Fatal(err)
	}
	if err := WriteFile(p, []byte("new")); err != nil {
		t.Fatal(err)
	}
	got, _ := os.ReadFile(p)
	fi, _ := os.Stat(p)
	if string(got) != "new" || fi.Mode().Perm() != 0o640 {
		t.Errorf("got %q mode %v, want \"new\" mode -rw-r-----", got, fi.Mode().Perm())
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("temporary files left behind: %v", entries)
	}
}

func TestWriteFileNewFile(t *testing.T) {
	p := filepath.Join(t.TempDir(), "new.nix")
	if err := WriteFile(p, []byte("x")); err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(p)
	if err != nil || fi.Mode().Perm() != 0o644 {
		t.Errorf("stat: %v, mode %v, want 0644", err, fi.Mode().Perm())
	}
}

func TestWriteFileFollowsSymlink(t *testing.T) {
	dir := t.TempDir()
	target := filepath.Join(dir, "real.nix")
	link := filepath.Join(dir, "link.nix")
	if err := os.WriteFile(target, []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("real.nix", link); err != nil {
		t.Skipf("no symlinks here: %v", err)
	}
	if err := WriteFile(link, []byte("new")); err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Lstat(link); err != nil || fi.Mode()&os.ModeSymlink == 0 {
		t.Errorf("link.nix is no longer a symbolic link (%v)", err)
	}
	if got, _ := os.ReadFile(target); string(got) != "new" {
		t.Errorf("real.nix = %q, want \"new\"", got)
	}
}

// TestWriteFileFailureCleansUp makes the final rename fail (the target
// is a non-empty directory, which works as root too) and checks that the
// target is untouched and no temporary file is left.
func TestWriteFileFailureCleansUp(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "a.nix")
	if err := os.MkdirAll(filepath.Join(p, "inside"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := WriteFile(p, []byte("new")); err == nil {
		t.Fatal("replacing a non-empty directory succeeded")
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 || entries[0].Name() != "a.nix" || !entries[0].IsDir() {
		t.Errorf("directory after a failed write: %v, want only the untouched a.nix/", entries)
	}
}

func TestDiffLabels(t *testing.T) {
	if d := Diff("x.nix", []byte("a\n"), []byte("a\n")); d != nil {
		t.Errorf("Diff of equal texts = %q, want nil", d)
	}
	got := string(Diff("./hosts/x.nix", []byte("a\nb\n"), []byte("a\nc\n")))
	want := "diff a/hosts/x.nix b/hosts/x.nix\n--- a/hosts/x.nix\n+++ b/hosts/x.nix\n@@ -1,2 +1,2 @@\n a\n-b\n+c\n"
	if got != want {
		t.Errorf("Diff:\n%s\nwant:\n%s", got, want)
	}
}
