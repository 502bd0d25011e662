package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"

	"github.com/spf13/pflag"

	"github.com/uptix-dev/uptix/discover"
	"github.com/uptix-dev/uptix/lock"
	"github.com/uptix-dev/uptix/nixast"
	"github.com/uptix-dev/uptix/rewrite"
)

func init() {
	register(&command{
		name:    "lint",
		args:    "[PATH...]",
		summary: "check uptix calls: old-style image bindings, image/imageFile mismatches, calls missing from the lock",
		flags: func(fs *pflag.FlagSet) func(e *env, args []string) int {
			asJSON := fs.Bool("json", false, "print the findings as JSON")
			return func(e *env, args []string) int { return runLint(e, args, *asJSON) }
		},
	})
}

// lintFinding is one finding as lint prints it in JSON.
type lintFinding struct {
	File     string           `json:"file"`
	Line     int              `json:"line"`
	Col      int              `json:"col"`
	Rule     string           `json:"rule"`
	Severity rewrite.Severity `json:"severity"`
	Message  string           `json:"message"`
}

type lintOutput struct {
	Findings []lintFinding          `json:"findings"`
	Errors   []*discover.ParseError `json:"errors"`
}

func runLint(e *env, args []string, asJSON bool) int {
	if len(args) == 0 {
		args = []string{"."}
	}
	opts, err := lintLock(e.lockFile)
	if err != nil {
		return lockReadFailed(e, "lint", err)
	}

	out := lintOutput{Findings: []lintFinding{}, Errors: []*discover.ParseError{}}
	status := exitOK
	done := map[string]bool{} // overlapping paths name a file once
	for _, root := range args {
		files, perrs, err := filesWithCalls(e, root, nil)
		if err != nil {
			fmt.Fprintf(e.stderr, "uptix lint: %v\n", err)
			return exitUsage
		}
		out.Errors = append(out.Errors, perrs...)
		for _, name := range files {
			if done[filepath.Clean(name)] {
				continue
			}
			done[filepath.Clean(name)] = true
			fs, code := lintOne(e, name, opts)
			status = max(status, code)
			for _, f := range fs {
				out.Findings = append(out.Findings, lintFinding{
					File: f.Pos.Filename, Line: f.Pos.Line, Col: f.Pos.Column,
					Rule: f.Rule, Severity: f.Severity, Message: f.Msg,
				})
			}
		}
	}
	sort.SliceStable(out.Findings, func(i, j int) bool {
		a, b := out.Findings[i], out.Findings[j]
		if a.File != b.File {
			return a.File < b.File
		}
		if a.Line != b.Line {
			return a.Line < b.Line
		}
		return a.Col < b.Col
	})

	for _, f := range out.Findings {
		if f.Severity == rewrite.SeverityError {
			status = max(status, exitFindings)
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
			fmt.Fprintf(e.stderr, "uptix lint: writing JSON: %v\n", err)
			return max(status, exitFindings)
		}
		return status
	}
	for _, pe := range out.Errors {
		printCaretError(e.stderr, pe)
	}
	for _, f := range out.Findings {
		fmt.Fprintf(e.stdout, "%s:%d:%d: %s: %s\n", f.File, f.Line, f.Col, f.Rule, f.Message)
	}
	return status
}

// lintOne reads and checks one file.
func lintOne(e *env, name string, opts rewrite.LintOptions) ([]rewrite.Finding, int) {
	src, err := os.ReadFile(name)
	if err != nil {
		fmt.Fprintf(e.stderr, "uptix lint: reading %q: %v\n", name, errors.Unwrap(err))
		return nil, exitUsage
	}
	fs, err := rewrite.LintFileWith(name, src, opts)
	var list nixast.ErrorList
	switch {
	case errors.As(err, &list):
		for _, pe := range list {
			fmt.Fprintf(e.stderr, "%s: %s\n", pe.Pos, pe.Msg)
		}
		return nil, exitUsage
	case err != nil:
		fmt.Fprintf(e.stderr, "uptix lint: %v\n", err)
		return nil, exitFindings
	}
	return fs, exitOK
}

// lintLock reads the lock file for lint: which keys it holds, and which
// of those hold an entry of the earlier uptix that the Nix module
// refuses (a bare digest, or an image lock without imageDigest and
// sha256). A missing lock file holds nothing. Keys the earliest uptix
// wrote without a trailing "$" count too.
func lintLock(path string) (rewrite.LintOptions, error) {
	f, err := lock.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return rewrite.LintOptions{Locked: func(string) bool { return false }}, nil
	}
	if err != nil {
		return rewrite.LintOptions{}, err
	}
	entry := func(key string) *lock.Entry {
		if en, ok := f.Entries[key]; ok {
			return en
		}
		if legacy := lock.LegacyKey(key); legacy != "" {
			return f.Entries[legacy]
		}
		return nil
	}
	return rewrite.LintOptions{
		Locked: func(key string) bool { return entry(key) != nil },
		Stale: func(key string) string {
			en := entry(key)
			switch {
			case en == nil:
				return ""
			case en.Digest != "":
				return "a bare digest, without a hash"
			case en.Docker == nil && en.GitHub == nil,
				en.Docker != nil && (en.Docker.ImageDigest == "" || en.Docker.SHA256 == ""):
				return "no imageDigest and sha256"
			}
			return ""
		},
	}, nil
}

// filesWithCalls discovers root (a directory or a file) and returns the
// files holding uptix calls of a kind that keep accepts (any kind when
// keep is nil), as the user names them, and the parse errors.
func filesWithCalls(e *env, root string, keep func(discover.Kind) bool) ([]string, []*discover.ParseError, error) {
	res, err := discoverPath(e, root)
	if err != nil {
		return nil, nil, err
	}
	// Files that do not parse are reported once, from discovery, and
	// not analysed further.
	seen := map[string]bool{}
	for _, pe := range res.Errors {
		seen[pe.File] = true
		pe.File = joinRoot(root, pe.File)
	}
	var files []string
	for _, c := range res.Calls {
		if (keep != nil && !keep(c.Kind)) || seen[c.File] {
			continue
		}
		seen[c.File] = true
		files = append(files, joinRoot(root, c.File))
	}
	return files, res.Errors, nil
}
