package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/spf13/pflag"

	"github.com/uptix-dev/uptix/discover"
	"github.com/uptix-dev/uptix/lock"
	"github.com/uptix-dev/uptix/nixast"
)

func init() {
	register(&command{
		name:    "discover",
		args:    "[PATH...]",
		summary: "list the uptix calls whose dependency is not in the lock file yet",
		flags: func(fs *pflag.FlagSet) func(e *env, args []string) int {
			asJSON := fs.Bool("json", false, "print the result as JSON")
			all := fs.Bool("all", false, "list every call, locked or not")
			return func(e *env, args []string) int { return runDiscover(e, args, *asJSON, *all) }
		},
	})
}

// discoveredDep is one target of one call, as discover prints it.
type discoveredDep struct {
	Key     string           `json:"key"`
	Kind    discover.Kind    `json:"kind"`
	File    string           `json:"file"`
	Line    int              `json:"line"`
	Col     int              `json:"col"`
	Form    discover.Form    `json:"form"`
	Role    discover.Role    `json:"role,omitempty"`
	Binding string           `json:"binding,omitempty"`
	Locked  bool             `json:"locked"`
	Invalid string           `json:"invalid,omitempty"`
	GitHub  *discover.GitHub `json:"github,omitempty"`
	// Candidate is set when the key is a candidate of an unresolved
	// call (see discover.Call.Candidates) rather than its value: uptix
	// update locks it, so it is pending like any other key.
	Candidate bool `json:"candidate,omitempty"`
}

// unresolvedCall is a call whose argument is not constant.
type unresolvedCall struct {
	Kind   discover.Kind `json:"kind"`
	File   string        `json:"file"`
	Line   int           `json:"line"`
	Col    int           `json:"col"`
	Reason string        `json:"reason"`
	// Candidates are the keys the calls of the enclosing function seen
	// in the same file would give (see discover.Call.Candidates).
	Candidates []string `json:"candidates,omitempty"`
}

type discoverOutput struct {
	Deps       []discoveredDep        `json:"dependencies"`
	Unresolved []unresolvedCall       `json:"unresolved"`
	Errors     []*discover.ParseError `json:"errors"`
}

func runDiscover(e *env, args []string, asJSON, all bool) int {
	if len(args) == 0 {
		args = []string{"."}
	}
	locked, err := lockedKeys(e.lockFile)
	if err != nil {
		return lockReadFailed(e, "discover", err)
	}

	out := discoverOutput{Deps: []discoveredDep{}, Unresolved: []unresolvedCall{}, Errors: []*discover.ParseError{}}
	for _, root := range args {
		res, err := discoverPath(e, root)
		if err != nil {
			fmt.Fprintf(e.stderr, "uptix discover: %v\n", err)
			return exitUsage
		}
		for _, pe := range res.Errors {
			pe.File = joinRoot(root, pe.File)
			out.Errors = append(out.Errors, pe)
		}
		for _, c := range res.Calls {
			file := joinRoot(root, c.File)
			if c.Unresolved != "" {
				u := unresolvedCall{Kind: c.Kind, File: file, Line: c.Line, Col: c.Col, Reason: c.Unresolved}
				for _, t := range c.Candidates {
					u.Candidates = append(u.Candidates, t.Key)
				}
				out.Unresolved = append(out.Unresolved, u)
			}
			targets, candidate := c.Targets, false
			if c.Unresolved != "" {
				targets, candidate = c.Candidates, true
			}
			for _, t := range targets {
				d := discoveredDep{
					Key: t.Key, Kind: c.Kind, File: file, Line: c.Line, Col: c.Col,
					Form: c.Form, Locked: locked(t.Key), Invalid: t.Invalid, GitHub: t.GitHub,
					Candidate: candidate,
				}
				if c.Binding != nil {
					d.Role, d.Binding = c.Binding.Role, c.Binding.Path
				}
				if all || !d.Locked {
					out.Deps = append(out.Deps, d)
				}
			}
		}
	}

	status := exitOK
	for _, d := range out.Deps {
		if d.Invalid != "" {
			status = exitFindings
		}
	}
	if len(out.Errors) > 0 {
		status = exitUsage
	}
	if asJSON {
		enc := json.NewEncoder(e.stdout)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false)
		if err := enc.Encode(out); err != nil {
			fmt.Fprintf(e.stderr, "uptix discover: writing JSON: %v\n", err)
			return exitFindings
		}
		return status
	}

	for _, pe := range out.Errors {
		printCaretError(e.stderr, pe)
	}
	for _, d := range out.Deps {
		line := fmt.Sprintf("%s:%d:%d: %s %s", d.File, d.Line, d.Col, d.Kind, quoteIfNeeded(d.Key))
		if d.Candidate {
			line += " (candidate of an unresolved call)"
		}
		if all && d.Locked {
			line += " (locked)"
		}
		fmt.Fprintln(e.stdout, line)
		if d.Invalid != "" {
			fmt.Fprintf(e.stderr, "%s:%d:%d: %s\n", d.File, d.Line, d.Col, d.Invalid)
		}
	}
	for _, u := range out.Unresolved {
		fmt.Fprintf(e.stderr, "%s:%d:%d: warning: %s call is not constant: %s\n", u.File, u.Line, u.Col, u.Kind, u.Reason)
		if len(u.Candidates) > 0 {
			fmt.Fprintf(e.stderr, "\tcalled in this file with: %s\n", strings.Join(u.Candidates, ", "))
		}
	}
	return status
}

// discoverPath runs discovery on a directory or on one file.
func discoverPath(e *env, root string) (*discover.Result, error) {
	st, err := os.Stat(root)
	if err != nil {
		return nil, fmt.Errorf("reading %q: %w", root, errors.Unwrap(err))
	}
	if st.IsDir() {
		return discover.Dir(e.ctx, root, nil)
	}
	return discover.Files(e.ctx, filepath.Dir(root), []string{filepath.Base(root)}, nil)
}

// joinRoot names a file found under root as the user can open it.
func joinRoot(root, file string) string {
	if st, err := os.Stat(root); err == nil && !st.IsDir() {
		return filepath.ToSlash(root)
	}
	return filepath.ToSlash(filepath.Join(root, filepath.FromSlash(file)))
}

// lockedKeys reads the lock file's keys; a missing lock file holds none.
// Keys the earliest uptix wrote without a trailing "$" count too.
func lockedKeys(path string) (func(string) bool, error) {
	f, err := lock.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return func(string) bool { return false }, nil
	}
	if err != nil {
		return nil, err
	}
	return func(key string) bool {
		if _, ok := f.Entries[key]; ok {
			return true
		}
		if legacy := lock.LegacyKey(key); legacy != "" {
			_, ok := f.Entries[legacy]
			return ok
		}
		return false
	}, nil
}

func quoteIfNeeded(s string) string {
	if s == "" || strings.ContainsAny(s, " \t\"\\") || strconv.Quote(s) != `"`+s+`"` {
		return strconv.Quote(s)
	}
	return s
}

// printCaretError prints a parse error, then its line and a caret under
// its column (tabs kept so that the caret lines up).
func printCaretError(w io.Writer, pe *discover.ParseError) {
	fmt.Fprintln(w, pe.Error())
	if pe.LineText == "" {
		return
	}
	fmt.Fprintf(w, "\t%s\n\t%s^\n", pe.LineText, nixast.CaretPad(pe.LineText, pe.Col))
}
