package lock

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestMain lets the test binary act as a writer process for
// TestKillDuringWrite.
func TestMain(m *testing.M) {
	if path := os.Getenv("UPTIX_LOCK_TEST_WRITER"); path != "" {
		writeForever(path)
		return
	}
	os.Exit(m.Run())
}

// bigLock returns a lock of n image entries whose digests depend on gen.
func bigLock(n, gen int) *File {
	f := New()
	for i := range n {
		f.Entries[fmt.Sprintf("registry.example:5000/team/image-%04d:v%d", i, gen)] = &Entry{
			Metadata: Metadata{Name: fmt.Sprintf("image-%d", i), DepType: TypeDocker, ResolvedVersion: fmt.Sprint(gen)},
			Docker: &Docker{
				ImageDigest: fmt.Sprintf("sha256:%064x", i*1000+gen),
				SHA256:      "sha256-" + strings.Repeat(string(rune('A'+gen%26)), 43) + "=",
				Platform:    "linux/amd64",
			},
		}
	}
	return f
}

// writeForever alternates between two big locks at path, each write
// under the lock and atomic, until it is killed.
func writeForever(path string) {
	versions := [][]byte{bigLock(1500, 0).Marshal(), bigLock(1500, 1).Marshal()}
	for gen := 0; ; gen = 1 - gen {
		h, err := Lock(context.Background(), path, nil)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(3)
		}
		if err := h.WriteBytes(versions[gen]); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(3)
		}
		h.Close()
		if gen == 0 {
			fmt.Println("written")
		}
	}
}

// TestLockSerialises holds the lock while a second Lock waits; the
// second sees what the first wrote.
func TestLockSerialises(t *testing.T) {
	path := filepath.Join(t.TempDir(), "uptix.lock")
	if err := os.WriteFile(path, []byte("{}\n"), 0o640); err != nil {
		t.Fatal(err)
	}
	first, err := Lock(context.Background(), path, nil)
	if err != nil {
		t.Fatal(err)
	}
	waited := make(chan bool, 1)
	got := make(chan []byte, 1)
	go func() {
		second, err := Lock(context.Background(), path, func() { waited <- true })
		if err != nil {
			t.Error(err)
			got <- nil
			return
		}
		defer second.Close()
		got <- second.Bytes()
	}()
	select {
	case <-waited:
	case b := <-got:
		t.Fatalf("second Lock did not wait; it read %q", b)
	case <-time.After(5 * time.Second):
		t.Fatal("second Lock neither waited nor returned")
	}
	want := bigLock(2, 7)
	if err := first.Write(want); err != nil {
		t.Fatal(err)
	}
	first.Close()
	if b := <-got; !bytes.Equal(b, want.Marshal()) {
		t.Errorf("second run read %q, want the first run's write", b)
	}
	if fi, err := os.Stat(path); err != nil || fi.Mode().Perm() != 0o640 {
		t.Errorf("mode after write: %v %v, want 0640", fi.Mode(), err)
	}
}

func TestLockCancel(t *testing.T) {
	path := filepath.Join(t.TempDir(), "uptix.lock")
	first, err := Lock(context.Background(), path, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer first.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	if _, err := Lock(ctx, path, nil); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Lock with a cancelled context: %v", err)
	}
}

// TestLockCreated: a lock file that Lock created and nothing wrote is
// removed on Close; an empty file reads as an empty lock.
func TestLockCreated(t *testing.T) {
	path := filepath.Join(t.TempDir(), "uptix.lock")
	h, err := Lock(context.Background(), path, nil)
	if err != nil {
		t.Fatal(err)
	}
	if h.Existed() {
		t.Error("Existed() = true for a new file")
	}
	f, err := h.Read()
	if err != nil || len(f.Entries) != 0 {
		t.Errorf("Read() = %v, %v; want an empty lock", f, err)
	}
	h.Close()
	if _, err := os.Stat(path); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("after Close without Write: %v, want no file", err)
	}
}

func TestCreate(t *testing.T) {
	path := filepath.Join(t.TempDir(), "uptix.lock")
	if err := Create(path); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(path); string(b) != "{}\n" {
		t.Errorf("Create wrote %q", b)
	}
	if err := Create(path); !errors.Is(err, fs.ErrExist) {
		t.Errorf("second Create: %v, want fs.ErrExist", err)
	}
}
