package rewrite

import (
	"fmt"
	"os"
	"path/filepath"
)

// WriteFile replaces the file at path with data atomically: it writes a
// temporary file in the same directory, gives it the mode of the file it
// replaces (0644 when there is none), syncs it and renames it over path.
// A reader sees either the old or the new content, never a mix; on an
// error the original file is untouched and the temporary file removed.
// A symbolic link at path is followed, so the link stays a link.
func WriteFile(path string, data []byte) (err error) {
	target, err := filepath.EvalSymlinks(path)
	if err != nil && !os.IsNotExist(err) {
		return fmt.Errorf("resolving %q: %w", path, err)
	}
	if target == "" {
		target = path
	}
	mode := os.FileMode(0o644)
	if fi, err := os.Stat(target); err == nil {
		mode = fi.Mode().Perm()
	}

	f, err := os.CreateTemp(filepath.Dir(target), "."+filepath.Base(target)+".uptix-*")
	if err != nil {
		return fmt.Errorf("writing %q: %w", path, err)
	}
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(f.Name())
		}
	}()
	if _, err := f.Write(data); err != nil {
		return fmt.Errorf("writing %q: %w", path, err)
	}
	if err := f.Chmod(mode); err != nil {
		return fmt.Errorf("setting the mode of %q: %w", path, err)
	}
	if err := f.Sync(); err != nil {
		return fmt.Errorf("syncing %q: %w", path, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("writing %q: %w", path, err)
	}
	if err := os.Rename(f.Name(), target); err != nil {
		return fmt.Errorf("replacing %q: %w", path, err)
	}
	return nil
}
