package discover

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/uptix-dev/uptix/nixast"
)

func writeFiles(t *testing.T, root string, files map[string]string) {
	t.Helper()
	for name, content := range files {
		p := filepath.Join(root, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

const callFile = `{ uptix, ... }: uptix.dockerImage "x:1"`

// TestDirWalk checks what the walk visits: hidden directories, git's
// ignore rules (only untracked files are ignored), and symbolic links.
func TestDirWalk(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("git is required when CI=true")
		}
		t.Skip("git is not installed")
	}
	base := t.TempDir()
	root := filepath.Join(base, "tree")
	writeFiles(t, base, map[string]string{
		"outside.nix":                 callFile,
		"tree/a.nix":                  callFile,
		"tree/sub/b.nix":              callFile,
		"tree/.hidden/c.nix":          callFile,
		"tree/sub/.d.nix":             callFile, // a hidden file, not a directory: walked
		"tree/result/d.nix":           callFile,
		"tree/ignored.nix":            callFile,
		"tree/tracked-ignored.nix":    callFile,
		"tree/notnix.txt":             callFile,
		"tree/.gitignore":             "result/\nignored.nix\ntracked-ignored.nix\n",
		"tree/deep/er/still/e.nix":    callFile,
		"tree/vendor/keep/f.nix":      callFile,
		"tree/vendor/keep/.gitignore": "*.nix\n",
	})
	git := func(args ...string) {
		t.Helper()
		cmd := exec.Command("git", append([]string{"-C", root}, args...)...)
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
	}
	git("init", "-q")
	git("add", "-f", "tracked-ignored.nix")
	must(t, os.Symlink(filepath.Join(base, "outside.nix"), filepath.Join(root, "out-link.nix")))
	must(t, os.Symlink(filepath.Join(root, "a.nix"), filepath.Join(root, "in-link.nix")))
	must(t, os.Symlink(base, filepath.Join(root, "dir-link")))
	must(t, os.Symlink(filepath.Join(root, "missing.nix"), filepath.Join(root, "dangling.nix")))
	must(t, os.Symlink(filepath.Join(root, "sub"), filepath.Join(root, "sub-link"))) // inside: walked as sub
	must(t, os.Symlink(filepath.Join(base, "outside.nix"), filepath.Join(root, "notnix-link")))
	must(t, os.Symlink("../outside.nix", filepath.Join(root, "sub", "rel-out.nix")))

	res, err := Dir(context.Background(), root, &Options{Workers: 3})
	if err != nil {
		t.Fatal(err)
	}
	// The links skipped because they lead out of the tree are named,
	// with their text, so that callers can say so.
	wantSkipped := []SkippedLink{
		{"dangling.nix", filepath.Join(root, "missing.nix")},
		{"dir-link", base},
		{"out-link.nix", filepath.Join(base, "outside.nix")},
		{"sub/rel-out.nix", "../outside.nix"},
	}
	if !slices.Equal(res.SkippedLinks, wantSkipped) {
		t.Errorf("skipped links = %q, want %q", res.SkippedLinks, wantSkipped)
	}
	want := []string{"a.nix", "deep/er/still/e.nix", "in-link.nix", "sub/b.nix", "tracked-ignored.nix"}
	if !slices.Equal(res.Files, want) {
		t.Errorf("files = %q, want %q", res.Files, want)
	}
	var files []string
	for _, c := range res.Calls {
		files = append(files, c.File)
	}
	if !slices.Equal(files, want) {
		t.Errorf("calls in %q, want one in each of %q", files, want)
	}

	// NoGitIgnore walks ignored files too; hidden directories stay out.
	res, err = Dir(context.Background(), root, &Options{NoGitIgnore: true})
	if err != nil {
		t.Fatal(err)
	}
	want = []string{"a.nix", "deep/er/still/e.nix", "ignored.nix", "in-link.nix", "result/d.nix", "sub/b.nix", "tracked-ignored.nix", "vendor/keep/f.nix"}
	if !slices.Equal(res.Files, want) {
		t.Errorf("files without ignoring = %q, want %q", res.Files, want)
	}
}

// Outside a git work tree nothing is ignored, and a relative root works.
func TestDirNoGit(t *testing.T) {
	root := t.TempDir()
	writeFiles(t, root, map[string]string{
		"a.nix":      callFile,
		".gitignore": "a.nix\n",
		"b/c.nix":    `{ uptix }: uptix.githubRelease { owner = "o"; repo = "r"; }`,
	})
	t.Chdir(root)
	res, err := Dir(context.Background(), "", nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Calls) != 2 || res.Calls[0].File != "a.nix" || res.Calls[1].File != "b/c.nix" {
		t.Fatalf("calls = %+v", res.Calls)
	}
	if got := res.Calls[1].Keys(); !slices.Equal(got, []string{"$GITHUB_RELEASE$:o/r$"}) {
		t.Errorf("keys = %q", got)
	}
}

// A root that is a symbolic link to a directory is walked.
func TestDirSymlinkRoot(t *testing.T) {
	base := t.TempDir()
	writeFiles(t, base, map[string]string{"real/a.nix": callFile})
	must(t, os.Symlink(filepath.Join(base, "real"), filepath.Join(base, "link")))
	res, err := Dir(context.Background(), filepath.Join(base, "link"), nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Calls) != 1 || res.Calls[0].File != "a.nix" {
		t.Fatalf("calls = %+v", res.Calls)
	}
}

func TestDirMissingRoot(t *testing.T) {
	if _, err := Dir(context.Background(), filepath.Join(t.TempDir(), "nope"), nil); err == nil {
		t.Fatal("walking a missing root succeeded")
	}
}

// Imports stop at the tree's edge, even through a symbolic link.
func TestImportOutsideTree(t *testing.T) {
	base := t.TempDir()
	writeFiles(t, base, map[string]string{
		"secret.nix": `"outside:1"`,
		"tree/a.nix": `{ uptix, ... }: { a = uptix.dockerImage (import ../secret.nix); b = uptix.dockerImage (import ./link.nix); }`,
	})
	must(t, os.Symlink(filepath.Join(base, "secret.nix"), filepath.Join(base, "tree", "link.nix")))
	res, err := Files(context.Background(), filepath.Join(base, "tree"), []string{"a.nix"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Calls) != 2 {
		t.Fatalf("calls = %+v", res.Calls)
	}
	for _, c := range res.Calls {
		if c.Unresolved == "" || !strings.Contains(c.Unresolved, "outside the tree") {
			t.Errorf("call at %d: unresolved = %q, want an import outside the tree", c.Pos, c.Unresolved)
		}
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// ParsedFileIn follows imports anywhere in the given root.
func TestParsedFileIn(t *testing.T) {
	root := t.TempDir()
	writeFiles(t, root, map[string]string{
		"versions.nix": `{ db = "postgres:16"; }`,
		"hosts/a.nix":  `{ uptix, ... }: uptix.dockerImage (import ../versions.nix).db`,
	})
	src, err := os.ReadFile(filepath.Join(root, "hosts", "a.nix"))
	if err != nil {
		t.Fatal(err)
	}
	f, err := nixast.ParseFile(filepath.Join(root, "hosts", "a.nix"), src)
	if err != nil {
		t.Fatal(err)
	}
	calls := ParsedFileIn(root, f)
	if len(calls) != 1 || !slices.Equal(calls[0].Keys(), []string{"postgres:16"}) {
		t.Fatalf("calls = %+v", calls)
	}
	// With the file's own directory as the root, the import leaves it.
	calls = ParsedFile(f)
	if len(calls) != 1 || !strings.Contains(calls[0].Unresolved, "outside the tree") {
		t.Fatalf("calls = %+v", calls)
	}
}
