package resolve

import (
	"bytes"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/nix-community/go-nix/pkg/nixhash"
	"github.com/uptix-dev/uptix/internal/oracle"
)

// narRandomArchive builds a tar of random entries below "r/", drawing
// names from a small pool so that duplicates, replacements, merges,
// hard links and tricky sort orders happen often.
func narRandomArchive(t testing.TB, rng *rand.Rand) []narTarEnt {
	names := []string{"a", "a-b", "a.c", "b", "ü", "A"}
	randPath := func() string {
		parts := []string{"r"}
		for range 1 + rng.IntN(3) {
			parts = append(parts, names[rng.IntN(len(names))])
		}
		p := strings.Join(parts, "/")
		switch rng.IntN(20) {
		case 0:
			return "./" + p
		case 1:
			return "/" + p
		case 2:
			return p + "/../" + names[rng.IntN(len(names))]
		}
		return p
	}
	modes := []int64{0o644, 0o755, 0o700, 0o654, 0o600}
	var ents []narTarEnt
	if rng.IntN(2) == 0 {
		ents = append(ents, nglobal("0123abcd"))
	}
	ents = append(ents, ndir("r/"))
	for range 1 + rng.IntN(12) {
		p := randPath()
		switch k := rng.IntN(10); {
		case k < 5:
			ents = append(ents, nmode(p, "body "+strconv.Itoa(rng.IntN(3)), modes[rng.IntN(len(modes))]))
		case k < 7:
			ents = append(ents, ndir(p+"/"))
		case k < 8:
			targets := []string{names[rng.IntN(len(names))], "../a", "/etc/passwd", "a/b"}
			ents = append(ents, nsym(p, targets[rng.IntN(len(targets))]))
		default:
			ents = append(ents, nhard(p, randPath()))
		}
	}
	return ents
}

// TestNarHashDifferential compares our hash with GNU tar plus
// `nix hash path` on random archives. Set UPTIX_NAR_DIFF=N for more
// archives and UPTIX_NAR_DIFF_SEED=S for others.
func TestNarHashDifferential(t *testing.T) {
	nix := newNarNixEnv(t)
	n := 60
	if s := os.Getenv("UPTIX_NAR_DIFF"); s != "" {
		n, _ = strconv.Atoi(s)
	}
	seed := uint64(7)
	if s := os.Getenv("UPTIX_NAR_DIFF_SEED"); s != "" {
		seed, _ = strconv.ParseUint(s, 10, 64)
	}
	rng := rand.New(rand.NewPCG(seed, 11))
	dir := t.TempDir()
	agreed, refused := 0, 0
	for i := range n {
		ents := narRandomArchive(t, rng)
		data := narBuildTar(t, 0, true, ents...)
		ours, ourErr := NarHashTarball(bytes.NewReader(data))

		src := filepath.Join(dir, "a.tar.gz")
		os.WriteFile(src, data, 0o644)
		unpack := filepath.Join(dir, "u"+strconv.Itoa(i))
		os.Mkdir(unpack, 0o755)
		tarOut, tarErr := exec.Command("tar", "-xf", src, "-C", unpack).CombinedOutput()

		switch {
		case ourErr != nil && tarErr != nil:
			agreed++
		case ourErr != nil:
			// Deliberate refusals: paths through symlinks, which GNU
			// tar follows.
			if strings.Contains(ourErr.Error(), "is a symlink, not a directory") ||
				strings.Contains(ourErr.Error(), "which GNU tar creates last") ||
				strings.Contains(ourErr.Error(), "which is beneath a symlink") {
				refused++
				continue
			}
			t.Errorf("archive %d: we fail (%v) but GNU tar unpacks it\n%s", i, ourErr, narDescribe(ents))
		case tarErr != nil:
			t.Errorf("archive %d: GNU tar fails (%s) but we hash it\n%s", i, tarOut, narDescribe(ents))
		default:
			want := nix.hashPath(t, filepath.Join(unpack, "r"))
			if got := ours.Format(nixhash.SRI, true); got != want {
				t.Errorf("archive %d: ours %s, nix %s\n%s", i, got, want, narDescribe(ents))
			}
			agreed++
		}
	}
	t.Logf("%d archives: %d agree, %d refused on purpose", n, agreed, refused)
	if agreed < n/2 {
		t.Errorf("only %d of %d archives compared", agreed, n)
	}
}

func narDescribe(ents []narTarEnt) string {
	var b strings.Builder
	for _, e := range ents {
		b.WriteString("  " + string(rune(e.typ)) + " " + e.name)
		if e.link != "" {
			b.WriteString(" -> " + e.link)
		}
		if e.typ == '0' {
			b.WriteString(" " + strconv.FormatInt(e.mode, 8) + " " + strconv.Quote(e.body))
		}
		b.WriteString("\n")
	}
	return b.String()
}

// TestNarHashGitArchive hashes what `git archive` writes for a small
// repository, the same program GitHub's archives come from.
func TestNarHashGitArchive(t *testing.T) {
	nix := newNarNixEnv(t)
	oracle.Require(t, "git")
	repo := t.TempDir()
	files := map[string]string{
		"README.md":            "# demo\n",
		"bin/tool":             "#!/bin/sh\necho tool\n",
		"a-b":                  "dash\n",
		"...":                  "dots\n",
		"a/b":                  "slash\n",
		"ünïcødé/日本語.txt":      "unicode\n",
		"ignored/secret":       "export-ignore drops this\n",
		".gitattributes":       "ignored export-ignore\n",
		narLongName("d/", 120): "long\n",
	}
	for name, body := range files {
		p := filepath.Join(repo, name)
		os.MkdirAll(filepath.Dir(p), 0o755)
		mode := os.FileMode(0o644)
		if name == "bin/tool" {
			mode = 0o755
		}
		if err := os.WriteFile(p, []byte(body), mode); err != nil {
			t.Fatal(err)
		}
	}
	os.Symlink("README.md", filepath.Join(repo, "link"))
	git := func(args ...string) []byte {
		cmd := exec.Command("git", append([]string{"-C", repo, "-c", "user.name=u",
			"-c", "user.email=u@example.com", "-c", "commit.gpgsign=false"}, args...)...)
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("git %v: %v", args, err)
		}
		return out
	}
	git("init", "-q")
	git("add", "-A")
	git("commit", "-q", "-m", "demo")
	sha := strings.TrimSpace(string(git("rev-parse", "HEAD")))
	archive := git("archive", "--format=tar.gz", "--prefix=demo-"+sha+"/", "HEAD")

	ours, err := NarHashTarball(bytes.NewReader(archive))
	if err != nil {
		t.Fatal(err)
	}
	unpacked := narGNUUnpack(t, archive)
	if _, err := os.Stat(filepath.Join(unpacked, "ignored")); !os.IsNotExist(err) {
		t.Fatalf("git archive kept the export-ignore directory (%v)", err)
	}
	if want := nix.hashPath(t, unpacked); ours.Format(nixhash.SRI, true) != want {
		t.Fatalf("git archive: ours %s, nix %s", ours.Format(nixhash.SRI, true), want)
	}
}
