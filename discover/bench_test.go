//go:build unix

package discover

import (
	"context"
	"os"
	"syscall"
	"testing"
	"time"
)

// cpuTime is the process's user and system CPU time so far.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkDiscover walks the corpus named by UPTIX_NIX_CORPUS (a tree
// of .nix files) and reports files/s (wall clock, all cores) and
// files/cpu-s (per second of CPU time, which a busy machine disturbs
// less). The "evaluate-all" variant runs the evaluator on every file,
// not only those that mention uptix.
func BenchmarkDiscover(b *testing.B) {
	root := os.Getenv("UPTIX_NIX_CORPUS")
	if root == "" {
		b.Skip("UPTIX_NIX_CORPUS is not set")
	}
	for _, all := range []bool{false, true} {
		name := "filtered"
		if all {
			name = "evaluate-all"
		}
		b.Run(name, func(b *testing.B) {
			analyzeAll = all
			defer func() { analyzeAll = false }()
			files := 0
			start, cpu := time.Now(), cpuTime()
			for b.Loop() {
				res, err := Dir(context.Background(), root, &Options{NoGitIgnore: true})
				if err != nil {
					b.Fatal(err)
				}
				files += len(res.Files)
			}
			b.ReportMetric(float64(files)/time.Since(start).Seconds(), "files/s")
			if used := cpuTime() - cpu; used > 0 {
				b.ReportMetric(float64(files)/used.Seconds(), "files/cpu-s")
			}
		})
	}
}

// TestCorpusNoPanic runs the evaluator over every file of the corpus (when
// UPTIX_NIX_CORPUS is set) and checks it ends within the time budget.
func TestCorpusNoPanic(t *testing.T) {
	root := os.Getenv("UPTIX_NIX_CORPUS")
	if root == "" {
		t.Skip("UPTIX_NIX_CORPUS is not set")
	}
	analyzeAll = true
	defer func() { analyzeAll = false }()
	start := time.Now()
	res, err := Dir(context.Background(), root, &Options{NoGitIgnore: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%d files, %d calls, %d parse errors in %v", len(res.Files), len(res.Calls), len(res.Errors), time.Since(start))
	for i, c := range res.Calls {
		if i < 20 {
			t.Logf("%s:%d:%d %s %q %s", c.File, c.Line, c.Col, c.Kind, c.Keys(), c.Unresolved)
		}
	}
}
