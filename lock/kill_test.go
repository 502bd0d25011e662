//go:build unix

package lock

import (
	"bytes"
	"context"
	"errors"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/rogpeppe/go-internal/renameio"
)

// TestKillDuringWrite kills a process that keeps rewriting a 570 kB lock
// file at random moments; the file must always be one of the two
// complete versions.
func TestKillDuringWrite(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "uptix.lock")
	versions := [][]byte{bigLock(1500, 0).Marshal(), bigLock(1500, 1).Marshal()}
	if err := os.WriteFile(path, versions[1], 0o644); err != nil {
		t.Fatal(err)
	}
	sizes, midWrite := 0, 0
	for i := range 20 {
		cmd := exec.Command(os.Args[0], "-test.run=^$")
		cmd.Env = append(os.Environ(), "UPTIX_LOCK_TEST_WRITER="+path)
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		stdout, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		// Wait for the first complete write, then kill at a random
		// moment of the writes that follow.
		if _, err := stdout.Read(make([]byte, 8)); err != nil {
			t.Fatalf("run %d: %v: %s", i, err, stderr.Bytes())
		}
		time.Sleep(time.Duration(rand.IntN(20000)) * time.Microsecond)
		cmd.Process.Signal(syscall.SIGKILL)
		err = cmd.Wait()
		var ee *exec.ExitError
		if !errors.As(err, &ee) || ee.Sys().(syscall.WaitStatus).Signal() != syscall.SIGKILL {
			t.Fatalf("run %d: writer ended with %v: %s", i, err, stderr.Bytes())
		}
		got, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, versions[0]) && !bytes.Equal(got, versions[1]) {
			t.Fatalf("run %d: the file is neither version (%d bytes)", i, len(got))
		}
		if _, err := Parse(path, got); err != nil {
			t.Fatalf("run %d: %v", i, err)
		}
		sizes += len(got)
		if left, _ := filepath.Glob(renameio.Pattern(path)); len(left) > 0 {
			midWrite++
		}
	}
	// A temporary file left behind means the kill came during a write.
	t.Logf("20 kills, %d of them during a write; %d bytes per version", midWrite, sizes/20)

	// The next run removes the temporary files the killed ones left.
	h, err := Lock(context.Background(), path, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer h.Close()
	if left, _ := filepath.Glob(renameio.Pattern(path)); len(left) != 0 {
		t.Errorf("temporary files left after Lock: %v", left)
	}
}
