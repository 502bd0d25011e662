package rewrite

import "github.com/uptix-dev/uptix/nixast"

// Nix merges the bindings of one attribute set that share a path prefix
// when their values are set literals: `c.x = { a = 1; };` and
// `c.x.b = 2;` make one set c.x with a and b. A container's attributes
// may therefore be spread over nested and dotted bindings, and the
// question "does this container have imageFile?" has to be asked of the
// whole merged set, not of the one set literal a binding sits in.

// container is where a binding `P.name = v;` puts name: the bindings of
// the outermost set (or let) the merge reaches, and the static path from
// there to the set that gets name.
type container struct {
	bindings []nixast.Binding
	path     []string
}

// containerOf returns the container of pl's binding. It fails when the
// binding's path has a computed name before its last attribute, or the
// binding is not in a set or let.
func containerOf(pl *place) (container, bool) {
	names := pl.def.Path.Names
	path, ok := staticPath(names[:len(names)-1])
	if !ok || pl.defIdx < 1 {
		return container{}, false
	}
	i := pl.defIdx - 1 // the holder
	for {
		bindings := bindingsOf(pl.chain[i])
		if bindings == nil {
			return container{}, false
		}
		c := container{bindings: bindings, path: path}
		// Climb while the holder is a set literal that is the whole
		// value of a binding with a static path, itself in a set or let.
		set, isSet := pl.chain[i].(*nixast.AttrSet)
		if !isSet {
			return c, true
		}
		j := i - 1
		for j >= 0 {
			if _, ok := pl.chain[j].(*nixast.Paren); !ok {
				break
			}
			j--
		}
		if j < 1 {
			return c, true
		}
		d, isDef := pl.chain[j].(*nixast.AttrDef)
		if !isDef || nixast.Unparen(d.Value) != nixast.Expr(set) || bindingsOf(pl.chain[j-1]) == nil {
			return c, true
		}
		outer, ok := staticPath(d.Path.Names)
		if !ok {
			return c, true
		}
		path = append(outer, path...)
		i = j - 1
	}
}

// bindingsOf returns the bindings of a set or let; nil for other nodes.
func bindingsOf(n nixast.Node) []nixast.Binding {
	switch n := n.(type) {
	case *nixast.AttrSet:
		return n.Bindings
	case *nixast.Let:
		return n.Bindings
	case *nixast.LegacyLet:
		return n.Bindings
	}
	return nil
}

// lookup is what the bindings of a container say about one attribute.
type lookup struct {
	def     *nixast.AttrDef // `…name = value;` (or a binding below name)
	inherit *nixast.Inherit // `inherit name;` or `inherit (x) name;`
	below   bool            // def binds an attribute below name (`name.x = …;`), so name is a set
	unsure  bool            // a binding that may define it cannot be read: a computed name, or a value that is not a set literal on the way
	where   nixast.Node     // the binding found, for messages
}

func (l lookup) found() bool { return l.def != nil || l.inherit != nil }

// find looks for the attribute name of c through every binding that
// merges into the container.
func (c container) find(name string) lookup {
	return findPath(c.bindings, append(append([]string(nil), c.path...), name))
}

// findPath returns the binding of bindings that defines path, following
// set literals bound to a prefix of it.
func findPath(bindings []nixast.Binding, path []string) lookup {
	var out lookup
	for _, b := range bindings {
		switch b := b.(type) {
		case *nixast.AttrDef:
			r := matchDef(b, path)
			if r.found() {
				return r
			}
			out.unsure = out.unsure || r.unsure
		case *nixast.Inherit:
			for _, a := range b.Names {
				s, ok := nixast.StaticName(a)
				switch {
				case !ok:
					out.unsure = true
				case s == path[0] && len(path) == 1:
					return lookup{inherit: b, where: b}
				case s == path[0]:
					out.unsure = true // the set comes whole from elsewhere
				}
			}
		}
	}
	return out
}

func matchDef(d *nixast.AttrDef, path []string) lookup {
	for i, n := range d.Path.Names {
		if i == len(path) {
			return lookup{def: d, where: d, below: true}
		}
		s, ok := nixast.StaticName(n)
		if !ok {
			return lookup{unsure: true}
		}
		if s != path[i] {
			return lookup{}
		}
	}
	if len(d.Path.Names) == len(path) {
		return lookup{def: d, where: d}
	}
	inner, ok := nixast.Unparen(d.Value).(*nixast.AttrSet)
	if !ok {
		return lookup{unsure: true}
	}
	return findPath(inner.Bindings, path[len(d.Path.Names):])
}
