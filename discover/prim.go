package discover

import (
	"encoding/json"
	"path/filepath"
	"sort"
	"strings"
)

// prim runs a builtin or lib function on all its arguments.
func (ev *evaluator) prim(name string, args []*thunk) value {
	switch name {
	case "id":
		return ev.force(args[0])
	case "import":
		return ev.importValue(ev.force(args[0]))
	case "toString":
		v := ev.force(args[0])
		if s, ok := ev.coerce(v, true); ok {
			return &strV{s}
		}
		if u, ok := v.(*unknown); ok {
			return u
		}
		return unknownWhy("a value toString cannot convert statically")
	case "toLower", "toUpper":
		v := ev.force(args[0])
		s, ok := v.(*strV)
		if !ok {
			return notConstant(v)
		}
		if name == "toLower" {
			return &strV{strings.ToLower(s.s)}
		}
		return &strV{strings.ToUpper(s.s)}
	case "baseNameOf", "dirOf":
		v := ev.force(args[0])
		var p string
		switch x := v.(type) {
		case *strV:
			p = x.s
		case *pathV:
			p = x.p
		default:
			return notConstant(v)
		}
		if name == "baseNameOf" {
			return &strV{filepath.Base(p)}
		}
		return &strV{filepath.Dir(p)}
	case "readFile":
		return ev.readFile(ev.force(args[0]))
	case "importJSON":
		v := ev.readFile(ev.force(args[0]))
		return ev.prim("fromJSON", []*thunk{done(v)})
	case "concatStrings", "concatStringsSep":
		sep, list := "", args[0]
		if name == "concatStringsSep" {
			sv := ev.force(args[0])
			s, ok := sv.(*strV)
			if !ok {
				return notConstant(sv)
			}
			sep, list = s.s, args[1]
		}
		lv := ev.force(list)
		l, ok := lv.(*listV)
		if !ok {
			return notConstant(lv)
		}
		parts := make([]string, len(l.elems))
		for i, x := range l.elems {
			xv := ev.force(x)
			s, ok := ev.coerce(xv, false)
			if !ok {
				return notConstant(xv)
			}
			parts[i] = s
		}
		return longString(strings.Join(parts, sep))
	case "optionalString":
		cv := ev.force(args[0])
		c, ok := cv.(*boolV)
		if !ok {
			return notConstant(cv)
		}
		if !c.b {
			return &strV{""}
		}
		return ev.force(args[1])
	case "elemAt", "head":
		lv := ev.force(args[0])
		l, ok := lv.(*listV)
		if !ok {
			return notConstant(lv)
		}
		i := int64(0)
		if name == "elemAt" {
			iv := ev.force(args[1])
			n, ok := iv.(*intV)
			if !ok {
				return notConstant(iv)
			}
			i = n.i
		}
		if i < 0 || i >= int64(len(l.elems)) {
			return unknownWhy("a list index out of range")
		}
		return ev.force(l.elems[i])
	case "getAttr":
		nv := ev.force(args[0])
		n, ok := nv.(*strV)
		if !ok {
			return notConstant(nv)
		}
		v, found := ev.selectAttr(ev.force(args[1]), n.s)
		if !found {
			return unknownWhy("a missing attribute `" + n.s + "`")
		}
		return v
	case "replaceStrings":
		from, ok1 := ev.stringList(args[0])
		to, ok2 := ev.stringList(args[1])
		sv := ev.force(args[2])
		s, ok3 := sv.(*strV)
		if !ok1 || !ok2 || !ok3 || len(from) != len(to) {
			return unknownWhy("a replaceStrings that is not constant")
		}
		pairs := make([]string, 0, 2*len(from))
		for i := range from {
			pairs = append(pairs, from[i], to[i])
		}
		return longString(strings.NewReplacer(pairs...).Replace(s.s))
	case "fromJSON":
		v := ev.force(args[0])
		s, ok := v.(*strV)
		if !ok {
			return notConstant(v)
		}
		var x any
		if err := json.Unmarshal([]byte(s.s), &x); err != nil {
			return unknownWhy("JSON that does not parse")
		}
		return fromJSON(x)
	case "map", "forEach":
		fn, list := args[0], args[1]
		if name == "forEach" {
			fn, list = list, fn
		}
		lv := ev.force(list)
		l, ok := lv.(*listV)
		if !ok {
			return notConstant(lv)
		}
		f := ev.force(fn)
		out := &listV{elems: make([]*thunk, len(l.elems))}
		for i, x := range l.elems {
			out.elems[i] = ev.applyThunk(f, x)
		}
		return out
	case "concatMap":
		mapped := ev.prim("map", args)
		return ev.prim("concatLists", []*thunk{done(mapped)})
	case "imap0", "imap1":
		lv := ev.force(args[1])
		l, ok := lv.(*listV)
		if !ok {
			return notConstant(lv)
		}
		f := ev.force(args[0])
		base := int64(0)
		if name == "imap1" {
			base = 1
		}
		out := &listV{elems: make([]*thunk, len(l.elems))}
		for i, x := range l.elems {
			out.elems[i] = ev.applyThunk(f, done(&intV{int64(i) + base}), x)
		}
		return out
	case "mapAttrs", "mapAttrsToList":
		f := ev.force(args[0])
		sv := ev.force(args[1])
		set, ok := sv.(*attrsV)
		if !ok {
			return notConstant(sv)
		}
		keys := sortedNames(set.m)
		if name == "mapAttrs" {
			m := make(map[string]*thunk, len(keys))
			for _, k := range keys {
				m[k] = ev.applyThunk(f, done(&strV{k}), set.m[k])
			}
			return &attrsV{m: m}
		}
		out := &listV{}
		for _, k := range keys {
			out.elems = append(out.elems, ev.applyThunk(f, done(&strV{k}), set.m[k]))
		}
		return out
	case "genAttrs":
		lv := ev.force(args[0])
		l, ok := lv.(*listV)
		if !ok {
			return notConstant(lv)
		}
		f := ev.force(args[1])
		m := map[string]*thunk{}
		for _, x := range l.elems {
			nv := ev.force(x)
			n, ok := nv.(*strV)
			if !ok {
				return notConstant(nv)
			}
			m[n.s] = ev.applyThunk(f, x)
		}
		return &attrsV{m: m}
	case "attrValues", "attrNames":
		sv := ev.force(args[0])
		set, ok := sv.(*attrsV)
		if !ok {
			return notConstant(sv)
		}
		out := &listV{}
		for _, k := range sortedNames(set.m) {
			if name == "attrNames" {
				out.elems = append(out.elems, done(&strV{k}))
			} else {
				out.elems = append(out.elems, set.m[k])
			}
		}
		return out
	case "concatLists":
		lv := ev.force(args[0])
		l, ok := lv.(*listV)
		if !ok {
			return notConstant(lv)
		}
		out := &listV{}
		for _, x := range l.elems {
			iv := ev.force(x)
			inner, ok := iv.(*listV)
			if !ok {
				return notConstant(iv)
			}
			out.elems = append(out.elems, inner.elems...)
		}
		return out
	case "removeAttrs":
		sv := ev.force(args[0])
		set, ok := sv.(*attrsV)
		if !ok {
			return notConstant(sv)
		}
		lv := ev.force(args[1])
		l, ok := lv.(*listV)
		if !ok {
			return notConstant(lv)
		}
		m := make(map[string]*thunk, len(set.m))
		for k, t := range set.m {
			m[k] = t
		}
		for _, x := range l.elems {
			if n, ok := ev.force(x).(*strV); ok {
				delete(m, n.s)
			}
		}
		return &attrsV{m: m}
	}
	return unknownWhy("the result of `" + name + "`")
}

// stringList forces t to a list of constant strings.
func (ev *evaluator) stringList(t *thunk) ([]string, bool) {
	l, ok := ev.force(t).(*listV)
	if !ok {
		return nil, false
	}
	out := make([]string, len(l.elems))
	for i, x := range l.elems {
		s, ok := ev.force(x).(*strV)
		if !ok {
			return nil, false
		}
		out[i] = s.s
	}
	return out, true
}

// notConstant passes an unknown on, or says that v has the wrong type.
func notConstant(v value) value {
	if u, ok := v.(*unknown); ok {
		return u
	}
	return unknownWhy("a value of an unexpected type")
}

// applyThunk is a lazy f a b….
func (ev *evaluator) applyThunk(f value, args ...*thunk) *thunk {
	return &thunk{expr: &applyOf{f: f, args: args}}
}

// applyOf is a synthetic expression: f applied to args.
type applyOf struct {
	syntheticExpr
	f    value
	args []*thunk
}

func (ev *evaluator) applyAll(x *applyOf) value {
	v := x.f
	for _, a := range x.args {
		v = ev.apply(v, a)
	}
	return v
}

func sortedNames(m map[string]*thunk) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

func fromJSON(x any) value {
	switch x := x.(type) {
	case string:
		return &strV{x}
	case bool:
		return &boolV{x}
	case nil:
		return &nullV{}
	case float64:
		if x == float64(int64(x)) {
			return &intV{int64(x)}
		}
		return &floatV{x}
	case []any:
		l := &listV{elems: make([]*thunk, len(x))}
		for i, e := range x {
			l.elems[i] = done(fromJSON(e))
		}
		return l
	case map[string]any:
		m := make(map[string]*thunk, len(x))
		for k, e := range x {
			m[k] = done(fromJSON(e))
		}
		return &attrsV{m: m}
	}
	return unknownWhy("JSON of an unexpected type")
}

// importValue is `import p`: the value of the file at p, when it lies
// inside the tree.
func (ev *evaluator) importValue(v value) value {
	p, ok := v.(*pathV)
	if !ok {
		if s, isStr := v.(*strV); isStr && filepath.IsAbs(s.s) {
			p = &pathV{filepath.Clean(s.s)}
		} else {
			if u, isU := v.(*unknown); isU {
				return unknownWhy("an import of " + u.desc)
			}
			return unknownWhy("an import of something that is not a path")
		}
	}
	target := p.p
	if t, cached := ev.imports[target]; cached {
		return ev.force(t)
	}
	f, abs, err := ev.loader.load(target)
	if err != nil {
		t := done(unknownWhy("an import of " + err.Error()))
		ev.imports[target] = t
		return t.val
	}
	fc := &fileCtx{file: f, abs: abs, ev: ev}
	t := ev.lazy(f.Expr, nil, fc)
	ev.imports[target] = t
	v = ev.force(t)
	if u, isU := v.(*unknown); isU && strings.Contains(u.desc, "refers to itself") {
		return unknownWhy("an import cycle through " + ev.loader.rel(abs))
	}
	return v
}

func (ev *evaluator) readFile(v value) value {
	p, ok := v.(*pathV)
	if !ok {
		return notConstant(v)
	}
	b, err := ev.loader.readFile(p.p)
	if err != nil {
		return unknownWhy("reading " + err.Error())
	}
	return &strV{string(b)}
}
