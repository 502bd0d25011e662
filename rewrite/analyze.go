package rewrite

import (
	"github.com/uptix-dev/uptix/nixast"
)

// A call is one uptix call as the planner and the linter see it:
// the expression's byte range and what discovery learned about it.
type call struct {
	kind       string   // "dockerImage", "pullDockerImage", "githubBranch", "githubRelease"
	form       string   // "apply", "pipe" or "map"
	pos, end   int      // the call expression
	keys       []string // lock keys, when the argument is constant
	invalid    []string // per key: why the reference is invalid, "" when valid
	unresolved string   // why the argument is not constant; "" when it is
	candidates []string // for an unresolved call, the valid keys of discover.Call.Candidates
}

// place is where a call sits in the tree.
type place struct {
	node    nixast.Node   // the node spanning the call's range
	apply   *nixast.Apply // node as a direct application; nil for pipes and function values
	chain   []nixast.Node // ancestors, root first, node excluded
	interp  bool          // inside a string interpolation
	def     *nixast.AttrDef
	defIdx  int         // index of def in chain; -1 without def
	name    string      // static name of def's last attribute; "" when dynamic
	direct  bool        // def's value is the call, parentheses aside
	holder  nixast.Node // what holds def: *AttrSet, *Let or *LegacyLet
	lambda  bool        // a function lies between def and the call
	wrapper nixast.Node // the outermost non-paren node between def and the call
}

// locate finds the call's node and its ancestors.
func locate(f *nixast.File, c call) (*place, bool) {
	var chain []nixast.Node
	var found nixast.Node
	var walk func(n nixast.Node) bool
	walk = func(n nixast.Node) bool {
		if n == nil || n.Pos() > c.pos || n.End() < c.end {
			return false
		}
		if n.Pos() == c.pos && n.End() == c.end && isExprNode(n) {
			// Take the outermost node with this exact range: an Apply
			// wrapped in nothing else. Parens have a different range.
			found = n
			return true
		}
		chain = append(chain, n)
		for _, ch := range nixast.Children(n) {
			if walk(ch) {
				return true
			}
		}
		chain = chain[:len(chain)-1]
		return false
	}
	if !walk(f.Expr) {
		return nil, false
	}
	pl := &place{node: found, chain: chain, defIdx: -1}
	if c.form == "" || c.form == "apply" {
		pl.apply, _ = found.(*nixast.Apply)
	}
	pl.fill()
	return pl, true
}

func isExprNode(n nixast.Node) bool {
	_, ok := n.(nixast.Expr)
	return ok
}

// fill derives the other fields from the chain.
func (pl *place) fill() {
	for i := len(pl.chain) - 1; i >= 0; i-- {
		switch n := pl.chain[i].(type) {
		case *nixast.Interp:
			if pl.def == nil {
				pl.interp = true
			}
		case *nixast.Lambda:
			if pl.def == nil {
				pl.lambda = true
			}
		case *nixast.AttrDef:
			if pl.def != nil {
				continue
			}
			// The call must be in the value, not in an attribute name.
			if n.Value == nil || n.Value.Pos() > pl.node.Pos() || n.Value.End() < pl.node.End() {
				continue
			}
			pl.def, pl.defIdx = n, i
			if last := n.Path.Names[len(n.Path.Names)-1]; last != nil {
				pl.name, _ = nixast.StaticName(last)
			}
			pl.direct = nixast.Unparen(n.Value) == pl.node
			if i > 0 {
				pl.holder = pl.chain[i-1]
			}
		}
	}
	if pl.def != nil {
		for _, n := range pl.chain[pl.defIdx+1:] {
			if _, ok := n.(*nixast.Paren); !ok {
				pl.wrapper = n
				break
			}
		}
	}
}
