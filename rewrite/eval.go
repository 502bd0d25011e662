package rewrite

import (
	"path/filepath"
	"slices"

	"github.com/uptix-dev/uptix/discover"
	"github.com/uptix-dev/uptix/nixast"
)

// probeOpen and probeClose wrap an expression in a call of a stand-in
// module's dockerImage, written where the expression stands: discovery
// then works out its value with the expression's own scope, exactly as
// it does for a call's argument. The stand-in is a function of a
// parameter named uptix, which discovery takes for the module.
const (
	probeOpen  = "(uptix: uptix.dockerImage ("
	probeCall  = len("(uptix: ") // offset of the call in probeOpen
	probeClose = "))"
)

// constStrings returns the values of those of exprs that discovery can
// work out as constant strings (a let-bound name, a `+` of constants,
// an interpolation of such). Expressions it cannot work out, and any
// that overlap an earlier one, are left out of the map.
func constStrings(f *nixast.File, exprs []nixast.Expr) map[nixast.Expr]string {
	out := map[nixast.Expr]string{}
	var todo []nixast.Expr
	for _, e := range exprs {
		if s, ok := nixast.Unparen(e).(*nixast.String); ok {
			if v, ok := s.ConstValue(); ok {
				out[e] = v
				continue
			}
		}
		todo = append(todo, e)
	}
	if len(todo) == 0 {
		return out
	}
	slices.SortFunc(todo, func(a, b nixast.Expr) int { return a.Pos() - b.Pos() })
	var edits []Edit
	at := map[int]nixast.Expr{} // the probe call's offset in the new source
	shift, last := 0, -1
	for _, e := range todo {
		if e.Pos() <= last {
			continue
		}
		last = e.End()
		edits = append(edits, Edit{Start: e.Pos(), End: e.Pos(), New: probeOpen}, Edit{Start: e.End(), End: e.End(), New: probeClose})
		at[e.Pos()+shift+probeCall] = e
		shift += len(probeOpen) + len(probeClose)
	}
	src, err := Apply(f.Src, edits)
	if err != nil {
		return out
	}
	pf, err := nixast.ParseFile(f.Filename, src)
	if err != nil {
		return out
	}
	name := filepath.ToSlash(f.Filename)
	for _, c := range discover.ParsedFile(pf) {
		e, ok := at[c.Pos]
		if !ok || c.File != name || c.Unresolved != "" || len(c.Targets) != 1 || c.Form != discover.FormApply {
			continue
		}
		out[e] = c.Targets[0].Key
	}
	return out
}
