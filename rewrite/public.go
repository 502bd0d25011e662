package rewrite

import "github.com/uptix-dev/uptix/nixast"

// The front door: the two whole-file entry points. The edit model
// (Edit, Apply), Diff and WriteFile are the pieces they are built from,
// usable on their own.

// MigrateFile plans the migration of one file: it parses src, finds the
// uptix image calls and returns the edits (applied in Result.Out, which
// has been parsed again) and the uses to change by hand. A file that
// does not parse gives the parser's nixast.ErrorList.
func MigrateFile(filename string, src []byte) (*Result, error) {
	f, err := nixast.ParseFile(filename, src)
	if err != nil {
		return nil, err
	}
	return plan(f, findCalls(f))
}

// LintFile checks the uptix calls of one file. locked reports whether
// the lock has an entry for a key; with a nil locked the not-locked rule
// is skipped. A file that does not parse gives the parser's
// nixast.ErrorList.
func LintFile(filename string, src []byte, locked func(key string) bool) ([]Finding, error) {
	return LintFileWith(filename, src, LintOptions{Locked: locked})
}

// LintFileWith is LintFile with the lock described by opts.
func LintFileWith(filename string, src []byte, opts LintOptions) ([]Finding, error) {
	f, err := nixast.ParseFile(filename, src)
	if err != nil {
		return nil, err
	}
	return lint(f, findCalls(f), opts)
}
