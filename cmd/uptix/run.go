package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"runtime/debug"
	"sort"
	"strings"

	"github.com/spf13/pflag"
)

// Exit statuses; the README documents them for users.
const (
	exitOK       = 0 // all is well
	exitFindings = 1 // lint findings, pending changes, a failed dependency
	exitUsage    = 2 // usage errors and files that do not parse
)

// version is set by the linker (-X main.version=…); otherwise it comes
// from the module's build information.
var version = ""

// env is what every command is handed: its streams and the global flags.
type env struct {
	ctx      context.Context
	stdin    io.Reader
	stdout   io.Writer
	stderr   io.Writer
	lockFile string // --lock-file
}

// command is one subcommand. flags adds its own flags to fs; do runs it
// with the positional arguments and returns an exit status.
type command struct {
	name    string
	args    string // usage synopsis after the name, e.g. "[PATH...]"
	summary string
	flags   func(fs *pflag.FlagSet) func(e *env, args []string) int
}

// commands lists every subcommand; each command's file adds its own
// with register, and --help shows them sorted by name.
var commands []*command

func register(c *command) {
	commands = append(commands, c)
	sort.Slice(commands, func(i, j int) bool { return commands[i].name < commands[j].name })
}

// usageError reports a usage problem; run prints it with a hint and
// exits 2.
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	e := &env{ctx: ctx, stdin: stdin, stdout: stdout, stderr: stderr}

	global := pflag.NewFlagSet("uptix", pflag.ContinueOnError)
	global.SetOutput(io.Discard)
	global.SetInterspersed(false)
	help := global.BoolP("help", "h", false, "show this help")
	showVersion := global.Bool("version", false, "print the version and exit")
	global.StringVar(&e.lockFile, "lock-file", "uptix.lock", "read and write the lock file at `PATH`")

	if err := global.Parse(args); err != nil {
		fmt.Fprintf(stderr, "uptix: %v\n", err)
		fmt.Fprintln(stderr, "Run 'uptix --help' for usage.")
		return exitUsage
	}
	switch {
	case *showVersion:
		fmt.Fprintf(stdout, "uptix %s\n", buildVersion())
		return exitOK
	case *help:
		printUsage(stdout, global)
		return exitOK
	case global.NArg() == 0:
		printUsage(stderr, global)
		return exitUsage
	}

	name, rest := global.Arg(0), global.Args()[1:]
	if name == "help" {
		if len(rest) == 0 {
			printUsage(stdout, global)
			return exitOK
		}
		name, rest = rest[0], []string{"--help"}
	}
	cmd := lookup(name)
	if cmd == nil {
		fmt.Fprintf(stderr, "uptix: unknown command %q\n", name)
		fmt.Fprintln(stderr, "Run 'uptix --help' for the list of commands.")
		return exitUsage
	}
	return runCommand(e, cmd, global, rest)
}

func runCommand(e *env, cmd *command, global *pflag.FlagSet, args []string) int {
	fs := pflag.NewFlagSet("uptix "+cmd.name, pflag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.SortFlags = false
	do := cmd.flags(fs)
	// --help and --lock-file are accepted after the command name too.
	fs.AddFlag(global.Lookup("help"))
	fs.AddFlag(global.Lookup("lock-file"))
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, pflag.ErrHelp) {
			printCommandUsage(e.stdout, cmd, fs)
			return exitOK
		}
		fmt.Fprintf(e.stderr, "uptix %s: %v\n", cmd.name, err)
		fmt.Fprintf(e.stderr, "Run 'uptix %s --help' for usage.\n", cmd.name)
		return exitUsage
	}
	if h, _ := fs.GetBool("help"); h {
		printCommandUsage(e.stdout, cmd, fs)
		return exitOK
	}
	return do(e, fs.Args())
}

func lookup(name string) *command {
	for _, c := range commands {
		if c.name == name {
			return c
		}
	}
	return nil
}

func printUsage(w io.Writer, global *pflag.FlagSet) {
	fmt.Fprint(w, "uptix pins the container images and GitHub sources of a NixOS\n")
	fmt.Fprint(w, "configuration in uptix.lock and keeps them current.\n\n")
	fmt.Fprint(w, "Usage:\n  uptix [--lock-file PATH] COMMAND [ARGS...]\n\nCommands:\n")
	width := 0
	for _, c := range commands {
		width = max(width, len(c.name))
	}
	for _, c := range commands {
		fmt.Fprintf(w, "  %-*s  %s\n", width, c.name, c.summary)
	}
	fmt.Fprintf(w, "\nGlobal flags:\n%s", flagUsages(global, nil))
	fmt.Fprint(w, "\nRun 'uptix COMMAND --help' for a command's flags.\n")
}

func printCommandUsage(w io.Writer, cmd *command, fs *pflag.FlagSet) {
	fmt.Fprintf(w, "Usage:\n  uptix %s", cmd.name)
	if cmd.args != "" {
		fmt.Fprintf(w, " %s", cmd.args)
	}
	own := func(f *pflag.Flag) bool { return f.Name != "help" && f.Name != "lock-file" }
	fmt.Fprintf(w, "\n\n%s\n", cmd.summary)
	if rows := flagUsages(fs, own); rows != "" {
		fmt.Fprintf(w, "\nFlags:\n%s", rows)
	}
	fmt.Fprintf(w, "\nGlobal flags:\n%s", flagUsages(fs, func(f *pflag.Flag) bool { return !own(f) }))
}

// flagUsages lays out the flags of fs that keep accepts (all when nil)
// in two aligned columns. It replaces pflag's FlagUsages, which appends
// "[=true|false]" to every boolean flag in v1.1.0.
func flagUsages(fs *pflag.FlagSet, keep func(*pflag.Flag) bool) string {
	type row struct{ left, usage string }
	var rows []row
	width := 0
	fs.VisitAll(func(f *pflag.Flag) {
		if f.Hidden || (keep != nil && !keep(f)) {
			return
		}
		left := "      --" + f.Name
		if f.Shorthand != "" {
			left = "  -" + f.Shorthand + ", --" + f.Name
		}
		varname, usage := pflag.UnquoteUsage(f)
		if varname != "" && f.Value.Type() != "bool" {
			left += " " + varname
		}
		switch d := f.DefValue; {
		case d == "" || d == "false" || d == "[]" || d == "0":
		case f.Value.Type() == "string":
			usage += fmt.Sprintf(" (default %q)", d)
		default:
			usage += fmt.Sprintf(" (default %s)", d)
		}
		rows = append(rows, row{left, usage})
		width = max(width, len(left))
	})
	var b strings.Builder
	for _, r := range rows {
		fmt.Fprintf(&b, "%-*s   %s\n", width, r.left, r.usage)
	}
	return b.String()
}

func buildVersion() string {
	if version != "" {
		return version
	}
	if bi, ok := debug.ReadBuildInfo(); ok {
		if v := bi.Main.Version; v != "" && v != "(devel)" {
			return v
		}
		var rev, dirty string
		for _, s := range bi.Settings {
			switch s.Key {
			case "vcs.revision":
				rev = s.Value
			case "vcs.modified":
				if s.Value == "true" {
					dirty = "-dirty"
				}
			}
		}
		if len(rev) > 12 {
			rev = rev[:12]
		}
		if rev != "" {
			return "devel-" + rev + dirty
		}
	}
	return "devel"
}

// sortedKeys returns m's keys in order; commands use it for stable output.
func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
