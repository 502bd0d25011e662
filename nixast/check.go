package nixast

// check runs the semantic checks Nix's parser makes on the whole tree:
// duplicate attributes (following Nix's rules for merging nested paths),
// dynamic names in let and inherit, and a parameter named twice.
func (p *parser) check() {
	if p.bailed {
		return
	}
	b := &attrBuilder{p: p}
	Inspect(p.file.Expr, func(n Node) bool {
		switch n := n.(type) {
		case *AttrSet:
			// Nested attribute sets are built (and checked) as values of
			// their parents; only check sets that are not binding values.
			if !p.checked[n] {
				b.checkSet(p, n.Bindings, n.Rec != NoPos)
			}
		case *LegacyLet:
			b.checkSet(p, n.Bindings, true)
		case *Let:
			a := b.checkSet(p, n.Bindings, false)
			if a != nil && len(a.dyn) > 0 {
				p.semErrorAt(a.dyn[0].nameNode.Pos(), "dynamic attributes not allowed in let")
			}
		case *Lambda:
			if n.Arg != nil && n.Formals != nil {
				for _, f := range n.Formals.List {
					if f.Name.Name == n.Arg.Name {
						p.semErrorAt(n.Arg.NamePos, "duplicate formal function argument '%s'", n.Arg.Name)
						break
					}
				}
			}
		}
		return true
	})
}

// checkSet builds the attribute model of one binding list, reporting
// errors, and marks the literal sets it built as checked.
//
// Most sets bind distinct plain names; for them a scratch map suffices
// and checkSet returns nil.
func (b *attrBuilder) checkSet(p *parser, bs []Binding, rec bool) *nAttrs {
	if p.scratch == nil {
		p.scratch = map[string]bool{}
	}
	clear(p.scratch)
	simple := true
	for _, bd := range bs {
		d, ok := bd.(*AttrDef)
		if !ok || d.Path == nil || len(d.Path.Names) != 1 {
			simple = false
			break
		}
		id, ok := d.Path.Names[0].(*Ident)
		if !ok || p.scratch[id.Name] {
			simple = false
			break
		}
		p.scratch[id.Name] = true
	}
	if simple {
		return nil
	}
	if p.checked == nil {
		p.checked = map[*AttrSet]bool{}
	}
	for _, bd := range bs {
		if d, ok := bd.(*AttrDef); ok {
			markSets(p.checked, d.Value)
		}
	}
	return b.build(bs, rec)
}

// markSets marks attribute sets that build() will visit as binding
// values, so that they are not checked twice.
func markSets(m map[*AttrSet]bool, e Expr) {
	s, ok := unparen(e).(*AttrSet)
	if !ok {
		return
	}
	m[s] = true
	for _, bd := range s.Bindings {
		if d, ok := bd.(*AttrDef); ok {
			markSets(m, d.Value)
		}
	}
}
