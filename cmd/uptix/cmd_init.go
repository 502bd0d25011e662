package main

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"

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
	if errors.Is(err, fs.ErrExist) {
		// An empty file (a lock cut short, which every other command
		// refuses) is replaced.
		if done, code := initEmpty(e); done {
			return code
		}
	}
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

// initEmpty writes an empty lock over an empty (or blank) lock file,
// holding the lock file meanwhile. done is false when the file is not
// empty.
func initEmpty(e *env) (done bool, code int) {
	if data, err := os.ReadFile(e.lockFile); err != nil || len(bytes.TrimSpace(data)) > 0 {
		return false, 0
	}
	h, err := lock.Lock(e.ctx, e.lockFile, nil)
	if err != nil {
		fmt.Fprintf(e.stderr, "uptix init: %v\n", err)
		return true, exitFindings
	}
	defer h.Close()
	if len(bytes.TrimSpace(h.Bytes())) > 0 {
		return false, 0
	}
	if err := h.Write(lock.New()); err != nil {
		fmt.Fprintf(e.stderr, "uptix init: %v\n", err)
		return true, exitFindings
	}
	fmt.Fprintf(e.stdout, "wrote an empty lock to %s, which was an empty file\n", e.lockFile)
	return true, exitOK
}
