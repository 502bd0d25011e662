package rewrite

import (
	"path/filepath"
	"strings"

	"github.com/rogpeppe/go-internal/diff"
)

// Diff returns a unified diff from old to new for the file at path,
// labelled a/<path> and b/<path> so that `git apply` (which strips one
// leading component) applies it from the directory path is relative to.
// It returns nil when old and new are equal. Line endings are kept as
// they are, so a CRLF file gives a CRLF patch body.
func Diff(path string, old, new []byte) []byte {
	name := diffName(path)
	return diff.Diff("a/"+name, old, "b/"+name, new)
}

// diffName turns a path into the slash-separated relative form a patch
// header carries.
func diffName(path string) string {
	p := filepath.ToSlash(filepath.Clean(path))
	return strings.TrimPrefix(p, "/")
}
