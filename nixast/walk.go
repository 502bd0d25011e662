package nixast

// Children returns the child nodes of n in source order.
func Children(n Node) []Node {
	var out []Node
	eachChild(n, func(c Node) { out = append(out, c) })
	return out
}

// eachChild calls f for each child of n in source order.
func eachChild(n Node, f func(Node)) {
	add := func(c Node) {
		if c != nil {
			f(c)
		}
	}
	addPath := func(p *AttrPath) {
		if p != nil {
			f(p)
		}
	}
	switch n := n.(type) {
	case *Path:
		for _, p := range n.Parts {
			f(p)
		}
	case *String:
		for _, p := range n.Parts {
			f(p)
		}
	case *Interp:
		add(n.X)
	case *Paren:
		add(n.X)
	case *List:
		for _, e := range n.Elems {
			f(e)
		}
	case *AttrSet:
		for _, b := range n.Bindings {
			f(b)
		}
	case *LegacyLet:
		for _, b := range n.Bindings {
			f(b)
		}
	case *AttrPath:
		for _, a := range n.Names {
			f(a)
		}
	case *AttrDef:
		addPath(n.Path)
		add(n.Value)
	case *Inherit:
		if n.From != nil {
			add(n.From)
		}
		for _, a := range n.Names {
			f(a)
		}
	case *Let:
		for _, b := range n.Bindings {
			f(b)
		}
		add(n.Body)
	case *With:
		add(n.Scope)
		add(n.Body)
	case *Assert:
		add(n.Cond)
		add(n.Body)
	case *If:
		add(n.Cond)
		add(n.ThenX)
		add(n.ElseX)
	case *Lambda:
		if n.Arg != nil && (n.ArgFirst || n.Formals == nil) {
			add(n.Arg)
		}
		if n.Formals != nil {
			add(n.Formals)
		}
		if n.Arg != nil && !n.ArgFirst && n.Formals != nil {
			add(n.Arg)
		}
		add(n.Body)
	case *Formals:
		for _, fm := range n.List {
			f(fm)
		}
	case *Formal:
		add(n.Name)
		if n.Default != nil {
			add(n.Default)
		}
	case *Apply:
		add(n.Fun)
		add(n.Arg)
	case *Select:
		add(n.X)
		addPath(n.Path)
		if n.Default != nil {
			add(n.Default)
		}
	case *HasAttr:
		add(n.X)
		addPath(n.Path)
	case *Unary:
		add(n.X)
	case *Binary:
		add(n.X)
		add(n.Y)
	}
}

// Inspect traverses the tree in depth-first source order, calling f for
// each node; when f returns false the node's children are skipped.
func Inspect(n Node, f func(Node) bool) {
	if n == nil || !f(n) {
		return
	}
	eachChild(n, func(c Node) { Inspect(c, f) })
}

// Visitor is called by Walk for each node; Walk visits the children of
// a node with the visitor Visit returns, unless it is nil.
type Visitor interface {
	Visit(n Node) (w Visitor)
}

// Walk traverses the tree in depth-first source order.
func Walk(v Visitor, n Node) {
	if n == nil {
		return
	}
	if v = v.Visit(n); v == nil {
		return
	}
	eachChild(n, func(c Node) { Walk(v, c) })
}
