package main

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/pflag"

	"github.com/uptix-dev/uptix/discover"
	"github.com/uptix-dev/uptix/nixast"
	"github.com/uptix-dev/uptix/rewrite"
)

func init() {
	register(&command{
		name:    "migrate",
		args:    "[PATH...]",
		summary: "rewrite `image = uptix.dockerImage X;` into `imageFile = uptix.dockerImage X; image = X;`",
		flags: func(fs *pflag.FlagSet) func(e *env, args []string) int {
			o := &migrateOptions{}
			fs.BoolVar(&o.diff, "diff", false, "print the change as a unified diff (the default); its paths are relative to the top of the git work tree, so run git apply there (outside git: relative to the current directory)")
			fs.BoolVarP(&o.write, "write", "w", false, "rewrite the files in place")
			fs.BoolVar(&o.check, "check", false, "change nothing; list the files that would change and exit 1 if there are any")
			return func(e *env, args []string) int { return runMigrate(e, o, args) }
		},
	})
}

type migrateOptions struct {
	diff, write, check bool
}

func runMigrate(e *env, o *migrateOptions, args []string) int {
	conflict := ""
	switch {
	case o.write && o.check:
		conflict = "--write and --check"
	case o.write && o.diff:
		conflict = "--diff and --write"
	}
	if conflict != "" {
		fmt.Fprintf(e.stderr, "uptix migrate: %s do not go together\n", conflict)
		fmt.Fprintln(e.stderr, "Run 'uptix migrate --help' for usage.")
		return exitUsage
	}
	if !o.write && !o.check {
		o.diff = true
	}
	if len(args) == 0 {
		args = []string{"."}
	}

	// Plan every file first: when any file does not parse, nothing is
	// shown or written, so that a diff or a --write never covers only
	// part of the tree without saying so.
	type planned struct {
		name string
		res  *rewrite.Result
	}
	var plans []planned
	status := exitOK
	parseFailed := false
	done := map[string]bool{} // overlapping paths name a file once
	for _, root := range args {
		files, perrs, err := filesWithCalls(e, root, discover.Kind.IsImage)
		if err != nil {
			fmt.Fprintf(e.stderr, "uptix migrate: %v\n", err)
			return exitUsage
		}
		for _, pe := range perrs {
			printCaretError(e.stderr, pe)
			parseFailed = true
		}
		for _, name := range files {
			if done[filepath.Clean(name)] {
				continue
			}
			done[filepath.Clean(name)] = true
			res, code := migrateOne(e, name)
			status = max(status, code)
			if code == exitUsage {
				parseFailed = true
			}
			if res == nil {
				continue
			}
			for _, n := range res.Manual {
				fmt.Fprintf(e.stderr, "%s: manual: %s\n", n.Pos, n.Msg)
			}
			if res.Changed() {
				plans = append(plans, planned{name, res})
			}
		}
	}
	if parseFailed {
		fmt.Fprintln(e.stderr, "uptix migrate: some files do not parse; fix them first (nothing was shown or written)")
		return exitUsage
	}

	for _, p := range plans {
		if o.diff {
			e.stdout.Write(rewrite.Diff(patchName(p.name), p.res.Src, p.res.Out))
		}
		if o.check && !o.diff {
			fmt.Fprintln(e.stdout, p.name)
		}
		if o.write {
			if err := rewrite.WriteFile(p.name, p.res.Out); err != nil {
				fmt.Fprintf(e.stderr, "uptix migrate: %v\n", err)
				status = max(status, exitFindings)
			}
		}
	}
	if o.check && len(plans) > 0 {
		status = max(status, exitFindings)
	}
	return status
}

// migrateOne reads and plans one file. A nil result comes with the exit
// status its error deserves (the error is printed).
func migrateOne(e *env, name string) (*rewrite.Result, int) {
	src, err := os.ReadFile(name)
	if err != nil {
		fmt.Fprintf(e.stderr, "uptix migrate: reading %q: %v\n", name, errors.Unwrap(err))
		return nil, exitUsage
	}
	res, err := rewrite.MigrateFile(name, src)
	var list nixast.ErrorList
	switch {
	case errors.As(err, &list):
		// Discovery parsed the file already; a parse error here means it
		// changed under us.
		for _, pe := range list {
			fmt.Fprintf(e.stderr, "%s: %s\n", pe.Pos, pe.Msg)
		}
		return nil, exitUsage
	case err != nil:
		fmt.Fprintf(e.stderr, "uptix migrate: %v\n", err)
		return nil, exitFindings
	}
	return res, exitOK
}

// patchName names a file in a patch: relative to the top of the git
// work tree the file is in (what `git apply` expects wherever in the
// tree it runs), else relative to the current directory when the file
// is below it, else by its absolute path.
func patchName(name string) string {
	abs, err := filepath.Abs(name)
	if err != nil {
		return name
	}
	if top := gitTop(filepath.Dir(abs)); top != "" {
		if rel, ok := below(top, abs); ok {
			return rel
		}
	}
	if wd, err := os.Getwd(); err == nil {
		if rel, ok := below(wd, abs); ok {
			return rel
		}
	}
	return abs
}

// below returns path relative to dir when path is inside dir.
func below(dir, path string) (string, bool) {
	rel, err := filepath.Rel(dir, path)
	if err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
		return "", false
	}
	return rel, true
}

// gitTop returns the nearest directory at or above dir that holds a
// .git entry (a directory, or the file of a linked work tree or
// submodule); "" when there is none.
func gitTop(dir string) string {
	for {
		if _, err := os.Lstat(filepath.Join(dir, ".git")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return ""
		}
		dir = parent
	}
}
