package discover

import (
	"bytes"
	"context"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
)

// listFiles returns the `.nix` files under root, slash-separated and
// relative to it, sorted: hidden entries (directories and files whose
// name starts with ".", as the earlier uptix skipped them) are skipped,
// and so are
// files git ignores when root is in a git work tree (and gitIgnore is
// set). Symbolic links are followed only to files inside the tree;
// linked directories are not entered.
func listFiles(ctx context.Context, root string, gitIgnore bool) ([]string, error) {
	realRoot, err := filepath.EvalSymlinks(root)
	if err != nil {
		return nil, fmt.Errorf("walking %q: %w", root, err)
	}
	realRoot, err = filepath.Abs(realRoot)
	if err != nil {
		return nil, fmt.Errorf("walking %q: %w", root, err)
	}
	var ignored ignoreSet
	if gitIgnore {
		ignored = gitIgnored(ctx, root)
	}

	// The root itself may be a symbolic link: walk what it leads to.
	var names []string
	err = filepath.WalkDir(realRoot, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if p == realRoot {
				return err
			}
			return nil // unreadable entries are skipped
		}
		rel, _ := filepath.Rel(realRoot, p)
		rel = filepath.ToSlash(rel)
		if d.IsDir() {
			if p != realRoot && (strings.HasPrefix(d.Name(), ".") || ignored.dir(rel)) {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(d.Name(), ".nix") || strings.HasPrefix(d.Name(), ".") || ignored.file(rel) {
			return nil
		}
		if d.Type()&fs.ModeSymlink != 0 && !linkInside(p, realRoot) {
			return nil
		}
		if !d.Type().IsRegular() && d.Type()&fs.ModeSymlink == 0 {
			return nil
		}
		names = append(names, rel)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("walking %q: %w", root, err)
	}
	sort.Strings(names)
	return names, nil
}

// linkInside reports whether the symbolic link p leads to a regular file
// inside root (which has its own links resolved).
func linkInside(p, root string) bool {
	real, err := filepath.EvalSymlinks(p)
	if err != nil {
		return false
	}
	st, err := os.Stat(real)
	if err != nil || !st.Mode().IsRegular() {
		return false
	}
	r, err := filepath.Rel(root, real)
	return err == nil && r != ".." && !strings.HasPrefix(r, ".."+string(filepath.Separator))
}

// ignoreSet holds what git ignores under the root: files, and
// directories (with a trailing slash) that are ignored whole.
type ignoreSet map[string]bool

func (s ignoreSet) file(rel string) bool { return s[rel] }
func (s ignoreSet) dir(rel string) bool  { return s[rel+"/"] }

// gitIgnored asks git which untracked files and directories under root
// it ignores. Outside a work tree, or without git, nothing is ignored.
func gitIgnored(ctx context.Context, root string) ignoreSet {
	cmd := exec.CommandContext(ctx, "git", "-C", root, "ls-files", "-z",
		"--others", "--ignored", "--exclude-standard", "--directory")
	var out bytes.Buffer
	cmd.Stdout = &out
	if err := cmd.Run(); err != nil {
		return nil
	}
	set := ignoreSet{}
	for _, p := range bytes.Split(out.Bytes(), []byte{0}) {
		if len(p) > 0 {
			set[string(p)] = true
		}
	}
	return set
}
