package main

import (
	"flag"
	"path/filepath"
	"runtime"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"
)

var updateScripts = flag.Bool("update", false, "rewrite the expected output in testdata/script")

// scriptSetups and scriptCmds let each area's test file add set-up
// steps and commands to every script: append or add to them in an init
// function of your own _test.go file.
var (
	scriptSetups []func(*testscript.Env) error
	scriptCmds   = map[string]func(ts *testscript.TestScript, neg bool, args []string){}
)

// scriptParams is the testscript set-up shared by every script test.
// Helpers that need a registry or oracles add their own Setup steps
// through the env variables they set (see internal/testreg).
func scriptParams(t *testing.T, dir string) testscript.Params {
	_, file, _, _ := runtime.Caller(0)
	root := filepath.Join(filepath.Dir(file), "..", "..")
	return testscript.Params{
		Dir:           filepath.Join(root, dir),
		UpdateScripts: *updateScripts,
		Setup: func(e *testscript.Env) error {
			e.Setenv("UPTIX_REPO", root)
			e.Setenv("HOME", e.WorkDir)
			for _, setup := range scriptSetups {
				if err := setup(e); err != nil {
					return err
				}
			}
			return nil
		},
		Cmds: scriptCmds,
	}
}
