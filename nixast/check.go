package nixast

// The semantic checks Nix's parser makes: duplicate attributes
// (following Nix's rules for merging nested paths), dynamic names in let
// and inherit, and a parameter named twice. The parser runs them as it
// finishes each construct.

// checkBindings checks one binding list and returns its attribute model,
// or nil when the list only binds distinct plain names (the common case,
// for which a scratch map suffices).
func (p *parser) checkBindings(bs []Binding, rec bool, isLet bool) *nAttrs {
	if p.bailed {
		return nil
	}
	if p.fastCheck(bs, isLet) {
		return nil
	}
	// Building the model visits nested literal sets again; their own
	// errors were reported when they were parsed, and semErrorAt drops
	// the repeats.
	b := &attrBuilder{p: p}
	return b.build(bs, rec)
}

// fastCheck reports whether bs certainly has no error of its own: every
// binding starts with a distinct static name, so no paths merge, and no
// name is dynamic where Nix forbids it.
func (p *parser) fastCheck(bs []Binding, isLet bool) bool {
	if p.scratch == nil {
		p.scratch = map[string]bool{}
	}
	clear(p.scratch)
	add := func(n AttrName) bool {
		var name string
		switch n := n.(type) {
		case *Ident:
			name = n.Name
		default:
			return false
		}
		if p.scratch[name] {
			return false
		}
		p.scratch[name] = true
		return true
	}
	for _, bd := range bs {
		switch d := bd.(type) {
		case *AttrDef:
			if d.Path == nil {
				continue
			}
			if !add(d.Path.Names[0]) {
				if _, ok := d.Path.Names[0].(*Ident); ok || isLet {
					return false
				}
				// A dynamic first name in a set: checked when the set is
				// evaluated, never merged.
				if _, static := StaticName(d.Path.Names[0]); static {
					return false
				}
			}
		case *Inherit:
			for _, n := range d.Names {
				if !add(n) {
					return false
				}
			}
		}
	}
	return true
}

func (p *parser) checkLet(bs []Binding) {
	if a := p.checkBindings(bs, false, true); a != nil && len(a.dyn) > 0 {
		p.semErrorAt(a.dyn[0].nameNode.Pos(), "dynamic attributes not allowed in let")
	}
}

func (p *parser) checkLambda(l *Lambda) {
	if l.Arg == nil || l.Formals == nil {
		return
	}
	for _, f := range l.Formals.List {
		if f.Name.Name == l.Arg.Name {
			p.semErrorAt(l.Arg.NamePos, "duplicate formal function argument '%s'", l.Arg.Name)
			return
		}
	}
}
