package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/uptix-dev/uptix/discover"
	"github.com/uptix-dev/uptix/nixast"
)

// discovery is what the calls under the project's root ask for.
type discovery struct {
	want []wantedDep
	// unresolved are the calls whose argument is not a constant, in
	// file order.
	unresolved []unlockedCall
	// calls is how many calls were found.
	calls int
	// skipped are the symbolic links the walk did not follow (see
	// discover.Result.SkippedLinks), as the user can open them.
	skipped []discover.SkippedLink
}

// unlockedCall is a call whose argument uptix cannot work out.
type unlockedCall struct {
	file      string // as the user can open it (see projectPaths)
	line, col int
	kind      discover.Kind
	reason    string
	// candidates are the keys the calls of the enclosing function in
	// the same file give it; they are locked.
	candidates []string
	// failed is set when the update fails for the call: not every
	// value it may take is known, so the lock cannot be shown to cover
	// it (and the update is not limited by --dependency).
	failed bool
}

func (c *unlockedCall) where() string { return fmt.Sprintf("%s:%d:%d", c.file, c.line, c.col) }

// updateRoot returns the directory whose Nix files the lock at
// lockFile describes: the directory that holds it. shown is the root
// as messages name it, "" when it is the current directory.
func updateRoot(lockFile string) (root, shown string) {
	root = filepath.Dir(lockFile)
	if root == "." {
		return root, ""
	}
	if sameDir(root, ".") {
		return root, ""
	}
	return root, filepath.ToSlash(root)
}

// sameDir reports whether a and b name the same directory.
func sameDir(a, b string) bool {
	sa, err1 := os.Stat(a)
	sb, err2 := os.Stat(b)
	return err1 == nil && err2 == nil && os.SameFile(sa, sb)
}

// projectPaths turns the paths discover gives, relative to root, into
// paths as the user can open them: relative to the current directory
// when the file lies under it, else joined to root as given;
// slash-separated.
type projectPaths struct {
	root    string
	absRoot string // "" when unknown
	cwd     string // absolute, "" when unknown
}

func newProjectPaths(root string) projectPaths {
	p := projectPaths{root: root}
	abs, err1 := filepath.Abs(root)
	wd, err2 := os.Getwd()
	if err1 == nil && err2 == nil {
		p.absRoot, p.cwd = abs, wd
	}
	return p
}

func (p projectPaths) of(file string) string {
	path := filepath.Join(p.root, filepath.FromSlash(file))
	if p.cwd != "" {
		abs := filepath.Join(p.absRoot, filepath.FromSlash(file))
		if rel, err := filepath.Rel(p.cwd, abs); err == nil && rel != ".." &&
			!strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
			path = rel
		}
	}
	return filepath.ToSlash(path)
}

// discoverDeps finds the uptix calls under root and returns the lock
// keys they ask for, in file order, and the calls it cannot resolve.
// The keys of an unresolved call's candidates are wanted too: they are
// images the configuration uses. Files that do not parse are printed
// (file:line:col, the line and a caret) and make the status exitUsage.
// When warnUnresolved is set (--dependency), every unresolved call is
// printed as a warning; otherwise none is (they are the update's
// failures). Every symbolic link the walk skipped is warned about.
func discoverDeps(e *env, root string, warnUnresolved bool) (*discovery, int) {
	res, err := discover.Dir(e.ctx, root, nil)
	if err != nil {
		fmt.Fprintf(e.stderr, "uptix update: discovering calls: %v\n", err)
		return nil, exitFindings
	}
	paths := newProjectPaths(root)
	if len(res.Errors) > 0 {
		for _, pe := range res.Errors {
			msg := fmt.Sprintf("%s:%d:%d: %s", paths.of(pe.File), pe.Line, pe.Col, pe.Msg)
			updateCaretError(e.stderr, msg, pe.LineText, pe.Col)
		}
		return nil, exitUsage
	}
	d := &discovery{calls: len(res.Calls)}
	for _, l := range res.SkippedLinks {
		l.Path = paths.of(l.Path)
		d.skipped = append(d.skipped, l)
		fmt.Fprintf(e.stderr, "uptix update: warning: %s: not read: the symbolic link leads out of the tree (to %s); calls in it are not seen, so no entry is removed\n",
			l.Path, l.Target)
	}
	for _, c := range res.Calls {
		where := fmt.Sprintf("%s:%d:%d", paths.of(c.File), c.Line, c.Col)
		for _, t := range c.Targets {
			d.want = append(d.want, wantedDep{key: t.Key, where: where, invalid: t.Invalid})
		}
		if c.Unresolved == "" {
			continue
		}
		uc := unlockedCall{file: paths.of(c.File), line: c.Line, col: c.Col, kind: c.Kind, reason: c.Unresolved}
		for _, t := range c.Candidates {
			uc.candidates = append(uc.candidates, t.Key)
			d.want = append(d.want, wantedDep{key: t.Key, where: where, invalid: t.Invalid})
		}
		d.unresolved = append(d.unresolved, uc)
		switch {
		case !warnUnresolved:
		case len(uc.candidates) > 0:
			fmt.Fprintf(e.stderr, "%s: warning: %s call not resolved: %s; locking what the calls in this file give it: %s\n",
				where, c.Kind, c.Unresolved, commaList(uc.candidates))
		default:
			fmt.Fprintf(e.stderr, "%s: warning: %s call not locked: %s\n", where, c.Kind, c.Unresolved)
		}
	}
	return d, exitOK
}

// updateCaretError prints msg, then the line it is about and a caret
// under column col (1-based, in bytes); tabs are kept so the caret
// lines up.
func updateCaretError(w io.Writer, msg, line string, col int) {
	fmt.Fprintln(w, msg)
	if line == "" && col <= 1 {
		return
	}
	fmt.Fprintf(w, "\t%s\n\t%s^\n", line, nixast.CaretPad(line, col))
}

// keepReason says why the entries no call asks for are kept, or "" when
// they may go: a symbolic link the walk skipped or an unresolved call
// may use them, and a tree with no call at all next to a lock that
// holds entries (oldEntries of them) is more likely a wrong directory,
// or calls uptix cannot see, than a configuration that needs nothing.
func (d *discovery) keepReason(oldEntries int) string {
	var why []string
	if n := len(d.skipped); n > 0 {
		var names []string
		for _, l := range d.skipped {
			names = append(names, l.Path)
		}
		why = append(why, fmt.Sprintf("%s not read and may use it (%s)",
			plural(n, "symbolic link leading out of the tree was", "symbolic links leading out of the tree were"), firstFew(names)))
	}
	if n := len(d.unresolved); n > 0 {
		var where []string
		for i := range d.unresolved {
			where = append(where, d.unresolved[i].where())
		}
		why = append(why, fmt.Sprintf("%s could not be resolved and may use it (%s)",
			plural(n, "call", "calls"), firstFew(where)))
	}
	if d.calls == 0 && oldEntries > 0 && len(why) == 0 {
		why = append(why, "no uptix call was found at all; delete the entries by hand if none is used")
	}
	if len(why) == 0 {
		return ""
	}
	return "no call found asks for it, but it is kept: " + strings.Join(why, "; ")
}

// plural is "1 call" or "2 calls".
func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}

// firstFew lists up to three items, then how many more there are.
func firstFew(items []string) string {
	const few = 3
	if len(items) <= few {
		return strings.Join(items, ", ")
	}
	return fmt.Sprintf("%s and %d more", strings.Join(items[:few], ", "), len(items)-few)
}
