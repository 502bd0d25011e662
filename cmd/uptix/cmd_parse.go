package main

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/spf13/pflag"
	"github.com/uptix-dev/uptix/nixast"
)

func init() {
	register(&command{
		name:    "parse",
		args:    "FILE...",
		summary: "check that Nix files parse (a developer tool)",
		flags: func(fs *pflag.FlagSet) func(e *env, args []string) int {
			printAs := fs.String("print", "", "print each parsed file: `nix` prints it fully parenthesised like nix-instantiate --parse")
			return func(e *env, args []string) int {
				return runParse(e, args, *printAs)
			}
		},
	})
}

func runParse(e *env, args []string, printAs string) int {
	if printAs != "" && printAs != "nix" {
		fmt.Fprintf(e.stderr, "uptix parse: unknown --print format %q (want \"nix\")\n", printAs)
		return exitUsage
	}
	if len(args) == 0 {
		fmt.Fprintln(e.stderr, "uptix parse: no files given")
		fmt.Fprintln(e.stderr, "Run 'uptix parse --help' for usage.")
		return exitUsage
	}
	home, _ := os.UserHomeDir()
	code := exitOK
	for _, name := range args {
		src, err := os.ReadFile(name)
		if err != nil {
			fmt.Fprintf(e.stderr, "uptix parse: reading %q: %v\n", name, errors.Unwrap(err))
			code = exitUsage
			continue
		}
		f, err := nixast.ParseFile(name, src)
		if err != nil {
			code = exitUsage
			var list nixast.ErrorList
			if errors.As(err, &list) {
				for _, pe := range list {
					fmt.Fprintf(e.stderr, "%s: %s\n%s", pe.Pos, pe.Msg, f.Excerpt(pe.Pos.Offset))
				}
			} else {
				fmt.Fprintf(e.stderr, "%s: %v\n", name, err)
			}
			continue
		}
		if printAs == "nix" {
			dir, err := filepath.Abs(filepath.Dir(name))
			if err != nil {
				dir = filepath.Dir(name)
			}
			fmt.Fprintln(e.stdout, nixast.FormatNix(f.Expr, nixast.NixOptions{BaseDir: dir, Home: home}))
		}
	}
	return code
}
