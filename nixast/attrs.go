package nixast

import (
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// The attribute model Nix's parser builds from bindings: nested paths
// create or extend attribute sets, and duplicates are errors. The
// semantic checks and PrintNix share it.

type nAttrs struct {
	rec   bool
	attrs map[string]*nDef
	dyn   []nDyn
}

type nDef struct {
	val       nVal
	inherited bool // `inherit name;` without a source
	pos       int
}

type nDyn struct {
	name     Expr // the name expression as Nix sees it (parens stripped)
	nameNode AttrName
	val      nVal
}

// nVal is a binding's value: an expression, an attribute set Nix built
// (from a literal or from nested paths), or an `inherit (from)` select.
type nVal struct {
	e    Expr
	set  *nAttrs
	from Expr // inherit (from) name: the value is from.name
	name string
}

type attrBuilder struct {
	p *parser // nil: no error reporting
}

func (b *attrBuilder) dupErr(pos, prev int, path string) {
	if b.p == nil {
		return
	}
	b.p.semErrorAt(pos, "attribute '%s' already defined at %s", printable(path), b.p.posString(prev))
}

// printable makes a name safe to put in a message: when it holds control
// characters or invalid UTF-8 it is written with Go escapes (`\n`,
// `\x00`); Nix prints names raw.
func printable(s string) string {
	ok := utf8.ValidString(s)
	for _, r := range s {
		ok = ok && unicode.IsPrint(r)
	}
	if ok {
		return s
	}
	q := strconv.Quote(s)
	return q[1 : len(q)-1]
}

// exprVal converts an expression to a value, building attribute sets.
func (b *attrBuilder) exprVal(e Expr) nVal {
	if s, ok := unparen(e).(*AttrSet); ok {
		return nVal{e: e, set: b.build(s.Bindings, s.Rec != NoPos)}
	}
	return nVal{e: e}
}

func (b *attrBuilder) build(bs []Binding, rec bool) *nAttrs {
	a := &nAttrs{rec: rec, attrs: map[string]*nDef{}}
	for _, bd := range bs {
		switch bd := bd.(type) {
		case *AttrDef:
			if bd.Path == nil {
				continue
			}
			b.addAttr(a, bd.Path, b.exprVal(bd.Value), bd.Path.Pos())
		case *Inherit:
			for _, n := range bd.Names {
				name, ok := StaticName(n)
				if !ok {
					if b.p != nil {
						b.p.semErrorAt(n.Pos(), "dynamic attributes not allowed in inherit")
					}
					continue
				}
				pos := n.Pos()
				if prev, dup := a.attrs[name]; dup {
					b.dupErr(pos, prev.pos, name)
					continue
				}
				if bd.From != nil {
					a.attrs[name] = &nDef{val: nVal{from: bd.From, name: name}, pos: pos}
				} else {
					a.attrs[name] = &nDef{inherited: true, pos: pos}
				}
			}
		}
	}
	return a
}

func pathText(path *AttrPath, upto int) string {
	var parts []string
	for _, n := range path.Names[:upto+1] {
		if s, ok := StaticName(n); ok {
			parts = append(parts, s)
		} else {
			parts = append(parts, "${…}")
		}
	}
	return strings.Join(parts, ".")
}

func (b *attrBuilder) addAttr(a *nAttrs, path *AttrPath, v nVal, pos int) {
	last := len(path.Names) - 1
	for i, n := range path.Names[:last] {
		name, ok := StaticName(n)
		if !ok {
			nested := &nAttrs{attrs: map[string]*nDef{}}
			a.dyn = append(a.dyn, nDyn{name: dynName(n), nameNode: n, val: nVal{set: nested}})
			a = nested
			continue
		}
		if j, exists := a.attrs[name]; exists {
			if j.inherited || j.val.set == nil {
				b.dupErr(pos, j.pos, pathText(path, last))
				return
			}
			a = j.val.set
			_ = i
			continue
		}
		nested := &nAttrs{attrs: map[string]*nDef{}}
		a.attrs[name] = &nDef{val: nVal{set: nested}, pos: pos}
		a = nested
	}
	n := path.Names[last]
	name, ok := StaticName(n)
	if !ok {
		a.dyn = append(a.dyn, nDyn{name: dynName(n), nameNode: n, val: v})
		return
	}
	j, exists := a.attrs[name]
	if !exists {
		a.attrs[name] = &nDef{val: v, pos: pos}
		return
	}
	if !j.inherited && j.val.set != nil && v.set != nil {
		// Both are attribute sets: merge the new one's static attributes
		// (Nix 2.8 drops its dynamic ones).
		for k, d := range v.set.attrs {
			if prev, dup := j.val.set.attrs[k]; dup {
				b.dupErr(d.pos, prev.pos, pathText(path, last)+"."+k)
				continue
			}
			j.val.set.attrs[k] = d
		}
		return
	}
	b.dupErr(pos, j.pos, pathText(path, last))
}

// dynName is the expression Nix keeps for a dynamic attribute name.
func dynName(n AttrName) Expr {
	switch n := n.(type) {
	case *Interp:
		return unparen(n.X)
	case *String:
		return n
	}
	return nil
}
