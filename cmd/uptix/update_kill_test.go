//go:build unix

package main

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/uptix-dev/uptix/internal/testreg"
)

// TestUpdateKilled runs the uptix binary (this test binary under the
// name uptix, as testscript does) on a lock it rewrites entirely, and
// kills it with SIGKILL at random moments: the lock file is always the
// old one or the new one, whole.
func TestUpdateKilled(t *testing.T) {
	const n = 15
	reg := testreg.Start(t)
	var nix strings.Builder
	nix.WriteString("{ uptix, ... }: {\n")
	for i := range n {
		reg.MustPushImage(t, fmt.Sprintf("team/svc%d", i), "v1", testreg.Simple(uint64(i+1), 2, testreg.Gzip, false))
		fmt.Fprintf(&nix, "  s%d = uptix.dockerImage \"registry.test:5000/team/svc%d:v1\";\n", i, i)
	}
	nix.WriteString("}\n")
	bin := filepath.Join(t.TempDir(), "uptix")
	if err := os.Symlink(os.Args[0], bin); err != nil {
		t.Fatal(err)
	}
	mirror := "--mirror=registry.test:5000=" + reg.Host
	update := func(dir string) *exec.Cmd {
		cmd := exec.Command(bin, "update", mirror)
		cmd.Dir = dir
		return cmd
	}
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "a.nix"), []byte(nix.String()), 0o666); err != nil {
		t.Fatal(err)
	}
	lockPath := filepath.Join(dir, "uptix.lock")

	// The old lock, then new images for every entry and the new lock.
	if out, err := update(dir).CombinedOutput(); err != nil {
		t.Fatalf("first update: %v\n%s", err, out)
	}
	old, _ := os.ReadFile(lockPath)
	for i := range n {
		reg.MustPushImage(t, fmt.Sprintf("team/svc%d", i), "v1", testreg.Simple(uint64(100+i), 2, testreg.Gzip, false))
	}
	if out, err := update(dir).CombinedOutput(); err != nil {
		t.Fatalf("second update: %v\n%s", err, out)
	}
	updated, _ := os.ReadFile(lockPath)
	if bytes.Equal(old, updated) {
		t.Fatal("the second update changed nothing")
	}

	kinds := map[string]int{}
	for i := range 12 {
		if err := os.WriteFile(lockPath, old, 0o644); err != nil {
			t.Fatal(err)
		}
		cmd := update(dir)
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		time.Sleep(time.Duration(rand.IntN(150)) * time.Millisecond)
		cmd.Process.Signal(syscall.SIGKILL)
		cmd.Wait()
		got, err := os.ReadFile(lockPath)
		switch {
		case err != nil:
			t.Fatalf("kill %d: %v", i, err)
		case bytes.Equal(got, old):
			kinds["old"]++
		case bytes.Equal(got, updated):
			kinds["new"]++
		default:
			t.Fatalf("kill %d: the lock file is neither version:\n%s", i, got)
		}
	}
	t.Logf("after 12 kills the lock file was: %v", kinds)
}
