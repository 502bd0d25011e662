package main

import (
	"bufio"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/spf13/pflag"
)

// TestPreCommitHooks checks that every hook in .pre-commit-hooks.yaml
// runs an existing subcommand with flags it accepts, so that renaming a
// command or flag cannot silently break users' hooks.
func TestPreCommitHooks(t *testing.T) {
	f, err := os.Open(filepath.Join("..", "..", ".pre-commit-hooks.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var ids, entries []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if id, ok := strings.CutPrefix(line, "- id: "); ok {
			ids = append(ids, id)
		}
		if entry, ok := strings.CutPrefix(line, "entry: "); ok {
			entries = append(entries, entry)
		}
	}
	if len(ids) < 2 || len(ids) != len(entries) {
		t.Fatalf("hooks %v, entries %v: want one entry per hook, at least uptix-lint and uptix-migrate-check", ids, entries)
	}
	for i, entry := range entries {
		args := strings.Fields(entry)
		if args[0] != "uptix" || len(args) < 2 {
			t.Errorf("hook %s: entry %q does not run uptix COMMAND", ids[i], entry)
			continue
		}
		cmd := lookup(args[1])
		if cmd == nil {
			t.Errorf("hook %s: no command %q", ids[i], args[1])
			continue
		}
		fs := pflag.NewFlagSet(cmd.name, pflag.ContinueOnError)
		cmd.flags(fs)
		if err := fs.Parse(args[2:]); err != nil {
			t.Errorf("hook %s: %q: %v", ids[i], entry, err)
		}
	}
}
