package main

import (
	"fmt"
	"io"
	"strings"

	"github.com/spf13/pflag"

	"github.com/uptix-dev/uptix/lock"
)

func init() {
	register(&command{
		name:    "show",
		args:    "KEY",
		summary: "show one lock entry: a key, owner/repo or owner/repo:branch",
		flags: func(fs *pflag.FlagSet) func(e *env, args []string) int {
			asJSON := fs.Bool("json", false, "print the entry as the lock file holds it")
			exactKey := fs.Bool("key", false, "take KEY only as a lock key, spelt as the lock file spells it, never as owner/repo")
			return func(e *env, args []string) int { return runShow(e, *asJSON, *exactKey, args) }
		},
	})
}

func runShow(e *env, asJSON, exactKey bool, args []string) int {
	if len(args) != 1 {
		fmt.Fprintln(e.stderr, "uptix show: want one KEY")
		fmt.Fprintln(e.stderr, "Run 'uptix show --help' for usage.")
		return exitUsage
	}
	f, code := readLockFile(e, "show")
	if f == nil {
		return code
	}
	var keys []string
	for _, k := range f.Keys() {
		if k == args[0] || (!exactKey && depMatches(k, args[0])) {
			keys = append(keys, k)
		}
	}
	if len(keys) == 0 {
		fmt.Fprintf(e.stderr, "uptix show: %s has no entry for %q\n", e.lockFile, args[0])
		return exitFindings
	}
	if len(keys) > 1 {
		// owner/repo names a release and every branch of the repository,
		// and may be an image's key too: an exact key does not win over
		// the others, which the user may mean as well.
		fmt.Fprintf(e.stderr, "uptix show: %q is ambiguous; %s has %d entries for it:\n", args[0], e.lockFile, len(keys))
		for _, k := range keys {
			fmt.Fprintf(e.stderr, "\t%s\n", k)
		}
		if _, exact := f.Entries[args[0]]; exact {
			fmt.Fprintf(e.stderr, "Name one by its key, or a branch as owner/repo:branch; --key %s shows the entry with that very key.\n", args[0])
		} else {
			fmt.Fprintln(e.stderr, "Name one by its key, or a branch as owner/repo:branch.")
		}
		return exitUsage
	}
	if asJSON {
		fmt.Fprintf(e.stdout, "%s\n", f.Entries[keys[0]].Bytes())
	} else {
		showEntry(e.stdout, keys[0], f.Entries[keys[0]])
	}
	return exitOK
}

// showEntry prints an entry for people, one field a line.
func showEntry(w io.Writer, key string, en *lock.Entry) {
	var rows [][2]string
	add := func(name, value string) {
		if value != "" {
			rows = append(rows, [2]string{name, value})
		}
	}
	md := en.Metadata
	add("type", lock.Kind(key))
	add("name", md.Name)
	add("selected", md.SelectedVersion)
	add("version", md.ResolvedVersion)
	add("made", humanTime(md.Timestamp))
	add("description", md.Description)
	switch {
	case en.Docker != nil:
		d := en.Docker
		add("digest", d.ImageDigest)
		add("hash", d.SHA256)
		add("platform", d.Platform)
		for _, p := range sortedKeys(d.Platforms) {
			if p == d.Platform {
				continue
			}
			pl := d.Platforms[p]
			add("also", fmt.Sprintf("%s %s %s", p, pl.ImageDigest, pl.SHA256))
		}
	case en.GitHub != nil:
		g := en.GitHub
		add("repository", g.Owner+"/"+g.Repo)
		add("rev", g.Rev)
		add("hash", g.SHA256)
		var flags []string
		for _, fl := range []struct {
			on   bool
			name string
		}{{g.FetchSubmodules, "fetchSubmodules"}, {g.DeepClone, "deepClone"}, {g.LeaveDotGit, "leaveDotGit"}} {
			if fl.on {
				flags = append(flags, fl.name)
			}
		}
		add("flags", strings.Join(flags, " "))
	default:
		add("digest", en.Digest)
	}
	add("needs update", en.Stale)

	fmt.Fprintln(w, key)
	width := 0
	for _, r := range rows {
		width = max(width, len(r[0]))
	}
	for _, r := range rows {
		fmt.Fprintf(w, "  %-*s  %s\n", width+1, r[0]+":", r[1])
	}
}
