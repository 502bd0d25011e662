package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"strings"
	"text/tabwriter"

	"github.com/spf13/pflag"

	"github.com/uptix-dev/uptix/lock"
)

func init() {
	register(&command{
		name:    "list",
		summary: "list the dependencies the lock file holds",
		flags: func(fs *pflag.FlagSet) func(e *env, args []string) int {
			asJSON := fs.Bool("json", false, "print the list as JSON")
			return func(e *env, args []string) int { return runList(e, *asJSON, args) }
		},
	})
}

// listedEntry is one entry as list --json prints it.
type listedEntry struct {
	Key       string   `json:"key"`
	Type      string   `json:"type"`
	Name      string   `json:"name,omitempty"`
	Selected  string   `json:"selectedVersion,omitempty"`
	Version   string   `json:"version,omitempty"`
	Timestamp string   `json:"timestamp,omitempty"`
	Digest    string   `json:"digest,omitempty"`
	Rev       string   `json:"rev,omitempty"`
	Platforms []string `json:"platforms,omitempty"`
	Stale     string   `json:"needsUpdate,omitempty"`
}

func runList(e *env, asJSON bool, args []string) int {
	if len(args) > 0 {
		fmt.Fprintf(e.stderr, "uptix list: unexpected argument %q\n", args[0])
		return exitUsage
	}
	f, code := readLockFile(e, "list")
	if f == nil {
		return code
	}
	var list []listedEntry
	for _, k := range f.Keys() {
		list = append(list, listEntry(k, f.Entries[k]))
	}
	if asJSON {
		if list == nil {
			list = []listedEntry{}
		}
		enc := json.NewEncoder(e.stdout)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false)
		enc.Encode(list)
		return exitOK
	}
	tw := tabwriter.NewWriter(e.stdout, 0, 0, 2, ' ', 0)
	for _, l := range list {
		pin := shortDigestText(l.Digest)
		if l.Rev != "" {
			pin = l.Rev
			if len(pin) == 40 {
				pin = pin[:12]
			}
		}
		line := []string{l.Key, listDash(l.Version), listDash(humanTime(l.Timestamp)), listDash(pin)}
		if l.Stale != "" {
			// 'uptix show KEY' says why.
			line = append(line, "needs update")
		} else if len(l.Platforms) > 0 {
			line = append(line, strings.Join(l.Platforms, " "))
		}
		fmt.Fprintln(tw, strings.Join(line, "\t"))
	}
	tw.Flush()
	return exitOK
}

func listDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func listEntry(key string, en *lock.Entry) listedEntry {
	l := listedEntry{
		Key: key, Type: lock.Kind(key), Name: en.Metadata.Name,
		Selected: en.Metadata.SelectedVersion, Version: en.Metadata.ResolvedVersion,
		Timestamp: en.Metadata.Timestamp, Digest: en.Digest, Stale: en.Stale,
	}
	switch {
	case en.Docker != nil:
		l.Digest = en.Docker.ImageDigest
		l.Platforms = sortedKeys(en.Docker.Locked())
	case en.GitHub != nil:
		l.Rev = en.GitHub.Rev
	}
	return l
}

// readLockFile reads and validates the lock file for a command that
// only reads it. On failure it prints why and returns nil and the exit
// status.
func readLockFile(e *env, cmd string) (*lock.File, int) {
	f, err := lock.ReadFile(e.lockFile)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		fmt.Fprintf(e.stderr, "uptix %s: %s does not exist; create it with 'uptix init' or 'uptix update'\n", cmd, e.lockFile)
		return nil, exitFindings
	case errors.As(err, new(lock.ErrorList)):
		printLockErrors(e.stderr, err)
		return nil, exitUsage
	case err != nil:
		fmt.Fprintf(e.stderr, "uptix %s: %v\n", cmd, err)
		return nil, exitFindings
	}
	return f, exitOK
}

// printLockErrors prints the problems of a lock file, each with its line
// and a caret under the column (lock.Explain).
func printLockErrors(w io.Writer, err error) {
	io.WriteString(w, lock.Explain(err))
}

// lockReadFailed reports an error reading the lock file for command cmd:
// problems in the file with their positions and carets, anything else
// on one line. It returns the exit status, exitUsage.
func lockReadFailed(e *env, cmd string, err error) int {
	if errors.As(err, new(lock.ErrorList)) {
		printLockErrors(e.stderr, err)
	} else {
		fmt.Fprintf(e.stderr, "uptix %s: %v\n", cmd, err)
	}
	return exitUsage
}
