package nixast

// The corpus tests read a folder of real Nix files named by
// UPTIX_NIX_CORPUS; they are skipped when it is unset. The corpus lives
// outside the repository and is never committed. One way to build it
// from git mirrors of public repositories:
//
//	mkdir -p /work/corpus/home-manager
//	git --git-dir=MIRROR archive HEAD | tar -x -C /work/corpus/home-manager
//	find /work/corpus -type f ! -name '*.nix' -delete
//
// (home-manager, nix-darwin, nixos-hardware and NixOS/nix, whose
// tests/functional/lang holds parse-okay and parse-fail cases, make
// 5,169 files, 7 MB.) Then:
//
//	UPTIX_NIX_CORPUS=/work/corpus go test ./nixast -run Corpus -v
//	UPTIX_NIX_CORPUS=/work/corpus go test ./nixast -run XXX -bench Corpus

import (
	"bytes"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"syscall"
	"testing"
	"time"
)

// corpusFiles returns the .nix files under $UPTIX_NIX_CORPUS, sorted,
// skipping the test when the variable is unset.
func corpusFiles(t testing.TB) (names []string, srcs [][]byte) {
	t.Helper()
	root := os.Getenv("UPTIX_NIX_CORPUS")
	if root == "" {
		t.Skip("UPTIX_NIX_CORPUS is not set (a folder of .nix files; the comment at the top of this file says how to make one)")
	}
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.Type().IsRegular() && strings.HasSuffix(path, ".nix") {
			names = append(names, path)
		}
		return nil
	})
	if err != nil {
		t.Fatalf("walking corpus %q: %v", root, err)
	}
	sort.Strings(names)
	for _, n := range names {
		b, err := os.ReadFile(n)
		if err != nil {
			t.Fatal(err)
		}
		srcs = append(srcs, b)
	}
	if len(names) == 0 {
		t.Fatalf("no .nix files under %q", root)
	}
	return names, srcs
}

// TestCorpus checks the round trip on every corpus file and compares
// accept/reject and --print=nix output with nix-instantiate --parse.
func TestCorpus(t *testing.T) {
	names, srcs := corpusFiles(t)
	var size int
	for i, src := range srcs {
		size += len(src)
		f, _ := ParseFile(names[i], src)
		if got := Format(f); got != string(src) {
			t.Errorf("%s: round trip differs", names[i])
		}
		checkRanges(t, names[i], f)
	}
	nix := needNix(t)
	dir := t.TempDir()
	start := time.Now()
	theirs := runNix(t, nix, dir, srcs)
	nixTime := time.Since(start)
	var accepted, rejected, disagree, printDiff, pipes int
	for i, src := range srcs {
		ours, _ := ourVerdict(src, dir)
		th := theirs[i]
		if th.ok {
			accepted++
		} else {
			rejected++
		}
		switch {
		case ours.ok && !th.ok && (bytes.Contains(src, []byte("|>")) || bytes.Contains(src, []byte("<|"))):
			pipes++ // Nix 2.24 syntax, which 2.8 rejects
		case ours.ok != th.ok:
			disagree++
			t.Errorf("%s: verdicts differ:\n ours: %v %s\nnix's: %v %s", names[i], ours.ok, ours.err, th.ok, th.err)
		case ours.ok && ours.out != th.out:
			printDiff++
			t.Errorf("%s: --print=nix differs at byte %d:\n ours: …%s\nnix's: …%s", names[i], diffAt(ours.out, th.out), excerpt(ours.out, diffAt(ours.out, th.out)), excerpt(th.out, diffAt(ours.out, th.out)))
		}
	}
	t.Logf("corpus: %d files (%.1f MB), nix accepted %d, rejected %d; verdict disagreements %d (and %d files with pipes, deliberately accepted), print differences %d; nix-instantiate --parse took %v (%.1f MB/s)",
		len(srcs), float64(size)/1e6, accepted, rejected, disagree, pipes, printDiff, nixTime.Round(time.Millisecond), float64(size)/1e6/nixTime.Seconds())
}

func diffAt(a, b string) int {
	i := 0
	for i < len(a) && i < len(b) && a[i] == b[i] {
		i++
	}
	return i
}

func excerpt(s string, i int) string {
	from := max(0, i-40)
	to := min(len(s), i+60)
	return s[from:to]
}

// checkRanges checks that every node's range lies inside its parent's
// and that children come in source order without overlapping.
func checkRanges(t testing.TB, name string, f *File) {
	t.Helper()
	var check func(n Node)
	bad := 0
	check = func(n Node) {
		if n.Pos() > n.End() || n.Pos() < 0 || n.End() > len(f.Src) {
			if bad++; bad < 5 {
				t.Errorf("%s: %T has range %d..%d (source has %d bytes)", name, n, n.Pos(), n.End(), len(f.Src))
			}
			return
		}
		prev := n.Pos()
		for _, c := range Children(n) {
			if c.Pos() < prev || c.End() > n.End() {
				if bad++; bad < 5 {
					t.Errorf("%s: %T %d..%d lies outside its parent %T %d..%d or before its sibling ending at %d", name, c, c.Pos(), c.End(), n, n.Pos(), n.End(), prev)
				}
			}
			prev = c.End()
			check(c)
		}
	}
	check(f.Expr)
}

// BenchmarkParseCorpus parses every corpus file once per iteration.
func BenchmarkParseCorpus(b *testing.B) {
	_, srcs := corpusFiles(b)
	var size int64
	for _, s := range srcs {
		size += int64(len(s))
	}
	b.SetBytes(size)
	b.ReportAllocs()
	b.ResetTimer()
	cpu0 := cpuTime()
	n := 0
	for b.Loop() {
		for _, s := range srcs {
			_, _ = ParseFile("f.nix", s)
		}
		n++
	}
	// CPU time is steadier than wall time on a shared machine.
	b.ReportMetric(float64(size)*float64(n)/1e6/(cpuTime()-cpu0).Seconds(), "MB/cpu-s")
}

// cpuTime returns the user and system CPU time this process has used.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkNixParseCorpus times nix-instantiate --parse over the corpus
// files Nix accepts, all in one process, for comparison with
// BenchmarkParseCorpus.
func BenchmarkNixParseCorpus(b *testing.B) {
	_, srcs := corpusFiles(b)
	nix := needNix(b)
	dir := b.TempDir()
	verdicts := runNix(b, nix, dir, srcs)
	args := []string{"--parse"}
	var size int64
	for i, v := range verdicts {
		if v.ok {
			args = append(args, filepath.Join(dir, fmt.Sprintf("%05d.nix", i)))
			size += int64(len(srcs[i]))
		}
	}
	b.SetBytes(size)
	b.ResetTimer()
	var cpu time.Duration
	n := 0
	for b.Loop() {
		cmd := exec.Command(nix, args...)
		cmd.Env = append(os.Environ(), "HOME="+dir, "NIX_PATH=")
		if out, err := cmd.CombinedOutput(); err != nil {
			b.Fatalf("nix-instantiate: %v: %.500s", err, out)
		}
		cpu += cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()
		n++
	}
	b.ReportMetric(float64(size)*float64(n)/1e6/cpu.Seconds(), "MB/cpu-s")
}
