package resolve

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nix-community/go-nix/pkg/nixhash"
)

// ghFakePrefetchGit installs a nix-prefetch-git stand-in that records its
// arguments and prints output; it returns the program and the file its
// arguments go to.
func ghFakePrefetchGit(t *testing.T, output string, exit int) (prog, argsFile string) {
	t.Helper()
	dir := t.TempDir()
	argsFile = filepath.Join(dir, "args")
	outFile := filepath.Join(dir, "out")
	if err := os.WriteFile(outFile, []byte(output), 0o644); err != nil {
		t.Fatal(err)
	}
	prog = filepath.Join(dir, "nix-prefetch-git")
	script := "#!/bin/sh\nfor a in \"$@\"; do printf '%s\\n' \"$a\"; done > " + argsFile + "\n" +
		"echo 'Initialized empty Git repository' >&2\n"
	if exit != 0 {
		script += "echo 'fatal: could not read from remote repository' >&2\nexit " +
			string(rune('0'+exit)) + "\n"
	}
	script += "cat " + outFile + "\n"
	if err := os.WriteFile(prog, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	return prog, argsFile
}

func ghReadArgs(t *testing.T, file string) string {
	t.Helper()
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	return strings.TrimSpace(strings.ReplaceAll(string(b), "\n", " "))
}

const (
	ghPrefetchBase32 = "0pag17288a9yd0n6x0q2wrxzn58f9lzq06bszq9jmajcy3rbbys2"
	ghPrefetchSRI    = "sha256-Qvu18vBMqioT/noZgD9NDhX7e+YCg24saD4phMQJT10="
)

func TestGitHubPrefetchGit(t *testing.T) {
	f := newGHFake(t, ghTestToken)
	f.repos["o/r"] = true
	f.branches["o/r:main"] = ghFakeCommit{sha: ghTestSHA, message: "with submodules", author: ghAuthorDate}
	// Older nix-prefetch-git: base-32 "sha256", progress before the JSON.
	out := "git revision is " + ghTestSHA + "\n" + `{
  "url": "` + f.srv.URL + `/o/r.git",
  "rev": "` + ghTestSHA + `",
  "date": "2024-11-01T14:32:10+00:00",
  "path": "/nix/store/xxx-r",
  "sha256": "` + ghPrefetchBase32 + `",
  "fetchLFS": false,
  "fetchSubmodules": true,
  "deepClone": false,
  "leaveDotGit": false
}
`
	prog, argsFile := ghFakePrefetchGit(t, out, 0)
	gh := f.client()
	gh.PrefetchGit = prog
	res, err := gh.Branch(context.Background(), "o", "r", "main", GitHubOptions{FetchSubmodules: true})
	if err != nil {
		t.Fatal(err)
	}
	wantArgs := "--quiet --no-deepClone --fetch-submodules --url " + f.srv.URL + "/o/r.git --rev " + ghTestSHA
	if got := ghReadArgs(t, argsFile); got != wantArgs {
		t.Errorf("nix-prefetch-git %s\nwant             %s", got, wantArgs)
	}
	if res.SHA256 != ghPrefetchBase32 || res.SRI() != ghPrefetchSRI {
		t.Errorf("hash %s / %s", res.SHA256, res.SRI())
	}
	lock := res.Lock()
	if !lock.FetchSubmodules || lock.DeepClone || lock.LeaveDotGit || res.Key() != "$GITHUB_BRANCH$:o/r:main$f" {
		t.Errorf("lock %+v, key %s", lock, res.Key())
	}
	for _, r := range f.requests() {
		if strings.Contains(r.path, "archive") {
			t.Errorf("downloaded %s although git is used", r.path)
		}
	}
}

func TestGitHubPrefetchGitFlags(t *testing.T) {
	// Newer nix-prefetch-git also prints an SRI "hash".
	out := `{"rev":"` + ghTestSHA + `","sha256":"` + ghPrefetchBase32 + `","hash":"` + ghPrefetchSRI + `"}`
	cases := []struct {
		o    GitHubOptions
		args string
	}{
		{GitHubOptions{DeepClone: true}, "--quiet --deepClone --leave-dotGit"},
		{GitHubOptions{LeaveDotGit: true}, "--quiet --no-deepClone --leave-dotGit"},
		{GitHubOptions{true, true, true}, "--quiet --deepClone --fetch-submodules --leave-dotGit"},
	}
	for _, c := range cases {
		prog, argsFile := ghFakePrefetchGit(t, out, 0)
		gh := &GitHub{ArchiveBase: "https://git.example.com/", PrefetchGit: prog}
		h, err := gh.HashRev(context.Background(), "o", "r", "v1.0", c.o)
		if err != nil {
			t.Fatal(err)
		}
		want := c.args + " --url https://git.example.com/o/r.git --rev v1.0"
		if got := ghReadArgs(t, argsFile); got != want {
			t.Errorf("%+v: args %q, want %q", c.o, got, want)
		}
		if h.Format(nixhash.SRI, true) != ghPrefetchSRI {
			t.Errorf("%+v: hash %s", c.o, h.Format(nixhash.SRI, true))
		}
	}
}

func TestGitHubPrefetchGitMissing(t *testing.T) {
	t.Setenv("PATH", t.TempDir())
	gh := &GitHub{}
	_, err := gh.HashRev(context.Background(), "o", "r", ghTestSHA, GitHubOptions{DeepClone: true})
	want := "uptix hashes that clone with nix-prefetch-git, which was not found " +
		"(install it, for example with `nix profile install nixpkgs#nix-prefetch-git`)"
	if err == nil || !strings.Contains(err.Error(), want) {
		t.Fatalf("err = %v, want it to say %q", err, want)
	}
}

func TestGitHubPrefetchGitFails(t *testing.T) {
	prog, _ := ghFakePrefetchGit(t, "", 1)
	gh := &GitHub{PrefetchGit: prog}
	_, err := gh.HashRev(context.Background(), "o", "r", ghTestSHA, GitHubOptions{FetchSubmodules: true})
	if err == nil || !strings.Contains(err.Error(), `running nix-prefetch-git for "https://github.com/o/r.git" at "`+ghTestSHA+`": exit status 1`) ||
		!strings.Contains(err.Error(), "fatal: could not read from remote repository") {
		t.Fatalf("err = %v", err)
	}

	for _, out := range []string{"not json", `{"rev":"x"}`, `{"sha256":"tooshort"}`} {
		prog, _ := ghFakePrefetchGit(t, out, 0)
		gh := &GitHub{PrefetchGit: prog}
		_, err := gh.HashRev(context.Background(), "o", "r", ghTestSHA, GitHubOptions{LeaveDotGit: true})
		if err == nil || !strings.Contains(err.Error(), "reading nix-prefetch-git's output") {
			t.Errorf("output %q: err = %v", out, err)
		}
	}
}
