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
// linked directories are not entered. The links skipped so, `.nix`
// files and directories that lead out of the tree (or nowhere), are
// returned too, sorted by path.
func listFiles(ctx context.Context, root string, gitIgnore bool) ([]string, []SkippedLink, error) {
	realRoot, err := filepath.EvalSymlinks(root)
	if err != nil {
		return nil, nil, fmt.Errorf("walking %q: %w", root, err)
	}
	realRoot, err = filepath.Abs(realRoot)
	if err != nil {
		return nil, nil, fmt.Errorf("walking %q: %w", root, err)
	}
	var skipped []SkippedLink
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
		if strings.HasPrefix(d.Name(), ".") || ignored.file(rel) {
			return nil
		}
		isLink := d.Type()&fs.ModeSymlink != 0
		if !strings.HasSuffix(d.Name(), ".nix") {
			if isLink && dirLinkOutside(p, realRoot) {
				target, _ := os.Readlink(p)
				skipped = append(skipped, SkippedLink{Path: rel, Target: target})
			}
			return nil
		}
		if isLink && !linkInside(p, realRoot) {
			target, _ := os.Readlink(p)
			skipped = append(skipped, SkippedLink{Path: rel, Target: target})
			return nil
		}
		if !d.Type().IsRegular() && d.Type()&fs.ModeSymlink == 0 {
			return nil
		}
		names = append(names, rel)
		return nil
	})
	if err != nil {
		return nil, nil, fmt.Errorf("walking %q: %w", root, err)
	}
	sort.Strings(names)
	sort.Slice(skipped, func(i, j int) bool { return skipped[i].Path < skipped[j].Path })
	return names, skipped, nil
}

// dirLinkOutside reports whether the symbolic link p leads to a
// directory outside root (which has its own links resolved). Links into
// the Nix store (such as nix-build's result) are not counted: what they
// lead to is built, not configuration.
func dirLinkOutside(p, root string) bool {
	real, err := filepath.EvalSymlinks(p)
	if err != nil {
		return false
	}
	st, err := os.Stat(real)
	if err != nil || !st.IsDir() {
		return false
	}
	if real == "/nix/store" || strings.HasPrefix(real, "/nix/store/") {
		return false
	}
	r, err := filepath.Rel(root, real)
	return err != nil || r == ".." || strings.HasPrefix(r, ".."+string(filepath.Separator))
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
