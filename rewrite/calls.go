package rewrite

import (
	"path/filepath"

	"github.com/uptix-dev/uptix/discover"
	"github.com/uptix-dev/uptix/nixast"
)

// findCalls returns discovery's calls that lie in f itself (discovery
// may follow imports into other files).
func findCalls(f *nixast.File) []call {
	name := filepath.ToSlash(f.Filename)
	var out []call
	for _, c := range discover.ParsedFile(f) {
		if c.File != name {
			continue
		}
		out = append(out, fromDiscover(&c))
	}
	return out
}

func fromDiscover(c *discover.Call) call {
	return call{
		kind:       string(c.Kind),
		form:       string(c.Form),
		pos:        c.Pos,
		end:        c.End,
		keys:       c.Keys(),
		invalid:    invalidOf(c),
		unresolved: c.Unresolved,
		candidates: candidatesOf(c),
	}
}

// candidatesOf returns the keys of an unresolved call's candidates that
// are valid references (uptix update locks those).
func candidatesOf(c *discover.Call) []string {
	if c.Unresolved == "" {
		return nil
	}
	var out []string
	for _, t := range c.Candidates {
		if t.Invalid == "" {
			out = append(out, t.Key)
		}
	}
	return out
}

// invalidOf returns, per target, CheckImageRef's message for a
// reference that breaks the grammar, "" for a valid one.
func invalidOf(c *discover.Call) []string {
	var out []string
	for _, t := range c.Targets {
		out = append(out, t.Invalid)
	}
	return out
}
