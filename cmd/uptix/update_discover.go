package main

import (
	"fmt"
	"io"
	"strings"

	"github.com/uptix-dev/uptix/discover"
)

// discoverDeps finds the uptix calls under root and returns the lock
// keys they ask for, in file order. Files that do not parse are printed
// (file:line:col, the line and a caret) and make the status exitUsage;
// calls whose argument is not constant are printed as warnings.
func discoverDeps(e *env, root string) ([]wantedDep, int) {
	res, err := discover.Dir(e.ctx, root, nil)
	if err != nil {
		fmt.Fprintf(e.stderr, "uptix update: discovering calls: %v\n", err)
		return nil, exitFindings
	}
	if len(res.Errors) > 0 {
		for _, pe := range res.Errors {
			updateCaretError(e.stderr, pe.Error(), pe.LineText, pe.Col)
		}
		return nil, exitUsage
	}
	var want []wantedDep
	for _, c := range res.Calls {
		where := fmt.Sprintf("%s:%d:%d", c.File, c.Line, c.Col)
		if c.Unresolved != "" {
			fmt.Fprintf(e.stderr, "%s: warning: %s call not locked: %s\n", where, c.Kind, c.Unresolved)
			continue
		}
		for _, t := range c.Targets {
			want = append(want, wantedDep{key: t.Key, where: where, invalid: t.Invalid})
		}
	}
	return want, exitOK
}

// updateCaretError prints msg, then the line it is about and a caret
// under column col (1-based, in bytes); tabs are kept so the caret
// lines up.
func updateCaretError(w io.Writer, msg, line string, col int) {
	fmt.Fprintln(w, msg)
	if line == "" && col <= 1 {
		return
	}
	var pad strings.Builder
	for i := 0; i < col-1 && i < len(line); i++ {
		if line[i] == '\t' {
			pad.WriteByte('\t')
		} else {
			pad.WriteByte(' ')
		}
	}
	fmt.Fprintf(w, "\t%s\n\t%s^\n", line, pad.String())
}
