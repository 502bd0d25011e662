package main

import (
	"errors"
	"fmt"
	"io/fs"

	"github.com/spf13/pflag"

	"github.com/uptix-dev/uptix/lock"
)

func init() {
	register(&command{
		name:    "init",
		summary: "create an empty lock file",
		flags: func(fs *pflag.FlagSet) func(e *env, args []string) int {
			return runInit
		},
	})
}

func runInit(e *env, args []string) int {
	if len(args) > 0 {
		fmt.Fprintf(e.stderr, "uptix init: unexpected argument %q\n", args[0])
		return exitUsage
	}
	err := lock.Create(e.lockFile)
	switch {
	case errors.Is(err, fs.ErrExist):
		fmt.Fprintf(e.stderr, "uptix init: %s exists already; it was left as it is\n", e.lockFile)
		return exitFindings
	case err != nil:
		fmt.Fprintf(e.stderr, "uptix init: %v\n", err)
		return exitFindings
	}
	fmt.Fprintf(e.stdout, "created %s\n", e.lockFile)
	return exitOK
}
