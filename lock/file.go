package lock

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"github.com/rogpeppe/go-internal/lockedfile"
	"github.com/rogpeppe/go-internal/renameio"
)

// Handle is a lock file held for an update: other uptix processes that
// call Lock on the same file wait until it is closed. It locks the lock
// file itself (no side file): writes replace the file by renaming, so
// Lock checks after locking that the path still names the file it
// locked, and starts again otherwise.
type Handle struct {
	path    string
	f       *lockedfile.File
	data    []byte
	mode    fs.FileMode
	created bool // Lock created the (empty) file
	written bool
}

// Lock opens the lock file at path for an update, creating an empty one
// if there is none, and waits for an exclusive lock on it. If the lock
// is not granted within a moment, waiting (if not nil) is called once,
// so the caller can say why it is waiting. Cancelling ctx stops the wait.
func Lock(ctx context.Context, path string, waiting func()) (*Handle, error) {
	if real, err := filepath.EvalSymlinks(path); err == nil {
		path = real
	}
	type result struct {
		h   *Handle
		err error
	}
	done := make(chan result, 1)
	go func() {
		h, err := lockLoop(path)
		done <- result{h, err}
	}()
	timer := time.NewTimer(300 * time.Millisecond)
	defer timer.Stop()
	for {
		select {
		case r := <-done:
			return r.h, r.err
		case <-timer.C:
			if waiting != nil {
				waiting()
			}
		case <-ctx.Done():
			// Release the lock if it is granted after all.
			go func() {
				if r := <-done; r.h != nil {
					r.h.Close()
				}
			}()
			return nil, fmt.Errorf("waiting for a lock on %q: %w", path, ctx.Err())
		}
	}
}

func lockLoop(path string) (*Handle, error) {
	for {
		// A missing lock file is created holding an empty lock, whole, so
		// that a concurrent run never finds an empty file (which would be
		// a truncated lock) between our creating and our locking it.
		made := false
		if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
			made, err = createWhole(path)
			if err != nil {
				return nil, fmt.Errorf("creating %q: %w", path, err)
			}
		}
		f, err := lockedfile.OpenFile(path, os.O_RDWR, 0)
		if errors.Is(err, fs.ErrNotExist) {
			continue // removed by the run that created it
		}
		if err != nil {
			return nil, fmt.Errorf("locking %q: %w", path, err)
		}
		held, err1 := f.Stat()
		now, err2 := os.Stat(path)
		if err1 != nil || err2 != nil || !os.SameFile(held, now) {
			// Another run replaced or removed the file while we waited.
			f.Close()
			continue
		}
		data, err := io.ReadAll(f)
		if err != nil {
			f.Close()
			return nil, fmt.Errorf("reading %q: %w", path, err)
		}
		h := &Handle{
			path: path, f: f, data: data,
			mode:    held.Mode().Perm(),
			created: made && bytes.Equal(data, New().Marshal()),
		}
		h.removeStaleTemps()
		return h, nil
	}
}

// removeStaleTemps removes temporary files that an earlier run, killed
// while writing, left beside the lock file. Only a lock holder writes
// them, so none is in use now.
func (h *Handle) removeStaleTemps() {
	names, _ := filepath.Glob(renameio.Pattern(h.path))
	for _, n := range names {
		os.Remove(n)
	}
}

// Path returns the lock file's path.
func (h *Handle) Path() string { return h.path }

// Bytes returns the lock file's content as it was when locked.
// A file that Lock created, and nothing has written yet, had none.
func (h *Handle) Bytes() []byte {
	if h.created && !h.written {
		return nil
	}
	return h.data
}

// Existed reports whether the lock file existed before Lock.
func (h *Handle) Existed() bool { return !h.created }

// Read parses the content the handle holds. A file that Lock created,
// and nothing has written yet, holds an empty lock.
func (h *Handle) Read() (*File, error) {
	if h.created && !h.written {
		return New(), nil
	}
	return Parse(h.path, h.data)
}

// Write replaces the lock file with f's encoding, atomically: a reader
// sees the old content or the new, never a part. The file keeps its
// permissions.
func (h *Handle) Write(f *File) error { return h.WriteBytes(f.Marshal()) }

// WriteBytes replaces the lock file with data, atomically.
func (h *Handle) WriteBytes(data []byte) error {
	if h.written {
		return fmt.Errorf("writing %q: written already", h.path)
	}
	if err := renameio.WriteFile(h.path, data); err != nil {
		return fmt.Errorf("writing %q: %w", h.path, err)
	}
	h.written = true
	h.data = data
	// renameio creates the file with mode 0600; give it the old mode back.
	if err := os.Chmod(h.path, h.mode); err != nil {
		return fmt.Errorf("setting the mode of %q: %w", h.path, err)
	}
	return nil
}

// Close releases the lock. If Lock created the file and nothing was
// written, the empty file is removed again.
func (h *Handle) Close() error {
	if h.f == nil {
		return nil
	}
	if h.created && !h.written {
		os.Remove(h.path)
	}
	err := h.f.Close()
	h.f = nil
	return err
}

// createWhole puts an empty lock at path unless a file is there already,
// writing it beside path and linking it into place, so that the file
// appears with its content. It reports whether it made the file.
func createWhole(path string) (bool, error) {
	// Mode 0666 less the umask, as os.Create would give the file.
	name := filepath.Join(filepath.Dir(path),
		fmt.Sprintf(".%s.new%d-%d", filepath.Base(path), os.Getpid(), time.Now().UnixNano()))
	tmp, err := os.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o666)
	if err != nil {
		return false, err
	}
	defer os.Remove(tmp.Name())
	_, err = tmp.Write(New().Marshal())
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return false, err
	}
	if err := os.Link(tmp.Name(), path); err != nil {
		if errors.Is(err, fs.ErrExist) {
			return false, nil
		}
		return false, err
	}
	return true, nil
}

// Create writes an empty lock ("{}" and a newline) at path; it fails if
// a file is there already.
func Create(path string) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o666)
	if err != nil {
		return err
	}
	if _, err := f.Write(New().Marshal()); err != nil {
		f.Close()
		os.Remove(path)
		return err
	}
	return f.Close()
}
