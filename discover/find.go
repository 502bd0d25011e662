package discover

import (
	"fmt"
	"sort"

	"github.com/uptix-dev/uptix/nixast"
)

// The finder walks a file's tree with the same scopes the evaluator
// builds and asks, at every application and pipe, whether the function
// is one of uptix's. It walks twice: the first pass only notes which
// lambdas bound to names are mapped over constant lists or sets (see
// mappers), so that the second pass can walk those lambdas' bodies once
// per element, with the parameters bound. A lambda written in place,
// as the function of a mapping or applied where it stands, gets its
// arguments just before the walk reaches it (pending).

type finder struct {
	ev    *evaluator
	fc    *fileCtx
	name  string
	lines []int
	pass  int
	// inst holds, per lambda, the argument lists it is mapped over.
	inst map[*nixast.Lambda][][]*thunk
	// pending holds the arguments of a lambda written in place
	// (`map (x: …) list`, `(x: …) a`), used by the walk of that lambda
	// just after.
	pending map[*nixast.Lambda][][]*thunk
	// direct holds, per lambda bound to a name, the arguments of the
	// calls of it seen in the first pass (`mk "ui" "acme/ui:5"`); the
	// second pass walks it with each of them in candidate mode.
	direct    map[*nixast.Lambda][][]*thunk
	spine     map[*nixast.Apply]bool // inner applications of a spine seen
	candidate bool
	// unresolvedSeen counts visits of calls that left them unresolved.
	unresolvedSeen int
	calls          map[callKey]*callAcc
}

type callKey struct {
	pos, end int
	form     Form
}

// callAcc gathers what every visit of one call found.
type callAcc struct {
	call       Call
	targets    []Target
	unresolved string
	candidates []Target
}

// bindCtx is the binding the walk is inside.
type bindCtx struct {
	def      *nixast.AttrDef
	siblings []nixast.Binding
	inLet    bool
}

func (l *loader) analyzeFile(f *nixast.File, name, abs string) (calls []Call) {
	defer func() {
		// A bug here must not take the whole walk down: the file's calls
		// are lost, and the panic is reported as a call that says so.
		if r := recover(); r != nil {
			calls = []Call{{File: name, Line: 1, Col: 1, Kind: DockerImage,
				Unresolved: fmt.Sprintf("internal error in discover, please report it: %v", r)}}
		}
	}()
	ev := &evaluator{loader: l, imports: map[string]*thunk{}}
	fd := &finder{
		ev:      ev,
		fc:      &fileCtx{file: f, abs: abs, ev: ev},
		name:    name,
		inst:    map[*nixast.Lambda][][]*thunk{},
		pending: map[*nixast.Lambda][][]*thunk{},
		direct:  map[*nixast.Lambda][][]*thunk{},
		spine:   map[*nixast.Apply]bool{},
		calls:   map[callKey]*callAcc{},
	}
	fd.lines = append(fd.lines, 0)
	for i, c := range f.Src {
		if c == '\n' {
			fd.lines = append(fd.lines, i+1)
		}
	}
	for fd.pass = 1; fd.pass <= 2; fd.pass++ {
		fd.walk(f.Expr, nil, nil)
	}
	calls = make([]Call, 0, len(fd.calls))
	for _, acc := range fd.calls {
		c := acc.call
		if acc.unresolved != "" {
			c.Unresolved = acc.unresolved
			c.Candidates = acc.candidates
		} else {
			c.Targets = acc.targets
		}
		calls = append(calls, c)
	}
	sort.Slice(calls, func(i, j int) bool {
		if calls[i].Pos != calls[j].Pos {
			return calls[i].Pos < calls[j].Pos
		}
		return calls[i].End < calls[j].End
	})
	return calls
}

func (fd *finder) eval(e nixast.Expr, env *scope) value {
	fd.newQuery()
	return fd.ev.eval(e, env, fd.fc)
}

func (fd *finder) force(t *thunk) value {
	fd.newQuery()
	return fd.ev.force(t)
}

// newQuery starts a new step budget, counting the last one in the
// file's: each query may take maxSteps while the file's total is below
// maxTotal, and minSteps after that, so that simple values are still
// worked out in a file that is expensive elsewhere.
func (fd *finder) newQuery() {
	ev := fd.ev
	ev.total += ev.steps
	ev.steps, ev.depth = 0, 0
	ev.limit = max(minSteps, min(maxSteps, maxTotal-ev.total))
}

func (fd *finder) walk(e nixast.Expr, env *scope, b *bindCtx) {
	switch e := e.(type) {
	case *nixast.Paren:
		fd.walk(e.X, env, b)
	case *nixast.String:
		fd.walkParts(e.Parts, env, b)
	case *nixast.Path:
		fd.walkParts(e.Parts, env, b)
	case *nixast.List:
		for _, x := range e.Elems {
			fd.walk(x, env, b)
		}
	case *nixast.AttrSet:
		if e.Rec != nixast.NoPos {
			inner, _ := fd.ev.recScope(e.Bindings, env, fd.fc)
			fd.walkBindings(e.Bindings, inner, env, false)
		} else {
			fd.walkBindings(e.Bindings, env, env, false)
		}
	case *nixast.LegacyLet:
		inner, _ := fd.ev.recScope(e.Bindings, env, fd.fc)
		fd.walkBindings(e.Bindings, inner, env, true)
	case *nixast.Let:
		inner, _ := fd.ev.recScope(e.Bindings, env, fd.fc)
		fd.walkBindings(e.Bindings, inner, env, true)
		fd.walk(e.Body, inner, b)
	case *nixast.With:
		fd.walk(e.Scope, env, b)
		fd.walk(e.Body, &scope{parent: env, with: fd.ev.lazy(e.Scope, env, fd.fc)}, b)
	case *nixast.Assert:
		fd.walk(e.Cond, env, b)
		fd.walk(e.Body, env, b)
	case *nixast.If:
		fd.walk(e.Cond, env, b)
		fd.walk(e.ThenX, env, b)
		fd.walk(e.ElseX, env, b)
	case *nixast.Lambda:
		fd.walkLambda(e, env, b)
	case *nixast.Apply:
		fd.checkApply(e, env, b)
		fd.applyInPlace(e, env)
		fd.noteDirectCall(e, env)
		fd.walk(e.Fun, env, b)
		fd.walk(e.Arg, env, b)
	case *nixast.Select:
		fd.walk(e.X, env, b)
		fd.walkNames(e.Path, env)
		if e.Default != nil {
			fd.walk(e.Default, env, b)
		}
	case *nixast.HasAttr:
		fd.walk(e.X, env, b)
		fd.walkNames(e.Path, env)
	case *nixast.Unary:
		fd.walk(e.X, env, b)
	case *nixast.Binary:
		if e.Op == nixast.OpPipeInto || e.Op == nixast.OpPipeFrom {
			fd.checkPipe(e, env, b)
		}
		fd.walk(e.X, env, b)
		fd.walk(e.Y, env, b)
	}
}

func (fd *finder) walkParts(parts []nixast.StrPart, env *scope, b *bindCtx) {
	for _, p := range parts {
		if in, ok := p.(*nixast.Interp); ok {
			fd.walk(in.X, env, b)
		}
	}
}

func (fd *finder) walkNames(p *nixast.AttrPath, env *scope) {
	if p == nil {
		return
	}
	for _, n := range p.Names {
		switch n := n.(type) {
		case *nixast.Interp:
			fd.walk(n.X, env, nil)
		case *nixast.String:
			fd.walkParts(n.Parts, env, nil)
		}
	}
}

func (fd *finder) walkBindings(bs []nixast.Binding, valEnv, outer *scope, inLet bool) {
	for _, b := range bs {
		switch b := b.(type) {
		case *nixast.AttrDef:
			fd.walkNames(b.Path, outer)
			fd.walk(b.Value, valEnv, &bindCtx{def: b, siblings: bs, inLet: inLet})
		case *nixast.Inherit:
			if b.From != nil {
				fd.walk(b.From, valEnv, nil)
			}
		}
	}
}

// walkLambda walks a function's body: once with parameters unknown, or,
// when it is mapped over constants, once per element.
func (fd *finder) walkLambda(lam *nixast.Lambda, env *scope, b *bindCtx) {
	lv := &lambdaV{lam: lam, env: env, fc: fd.fc}
	insts, inPlace := fd.pending[lam]
	delete(fd.pending, lam)
	if inPlace && len(insts) == 0 {
		return // mapped over nothing: never called
	}
	if insts == nil && fd.pass == 2 {
		insts = fd.inst[lam]
	}
	if len(insts) == 0 {
		seen := fd.unresolvedSeen
		fd.walkBody(lv, nil, b)
		// Candidates are worth a walk only for a body with an unresolved
		// call in it.
		if direct := fd.direct[lam]; fd.pass == 2 && !fd.candidate && len(direct) > 0 && fd.unresolvedSeen > seen {
			fd.candidate = true
			for _, args := range direct {
				fd.walkBody(lv, args, b)
			}
			fd.candidate = false
		}
		return
	}
	for _, args := range insts {
		fd.walkBody(lv, args, b)
	}
}

// maxDirect bounds the calls of one function walked in candidate mode.
const maxDirect = 32

// noteDirectCall notes, in the first pass, the arguments of a call of a
// function bound to a name, at the outermost application of `f a b …`.
func (fd *finder) noteDirectCall(e *nixast.Apply, env *scope) {
	if fd.pass != 1 || fd.spine[e] {
		return
	}
	var args []*thunk
	var head nixast.Expr = e
	for {
		app, ok := nixast.Unparen(head).(*nixast.Apply)
		if !ok {
			break
		}
		fd.spine[app] = true
		args = append([]*thunk{fd.ev.lazy(app.Arg, env, fd.fc)}, args...)
		head = app.Fun
	}
	if _, inPlace := nixast.Unparen(head).(*nixast.Lambda); inPlace {
		return
	}
	lv, ok := fd.eval(head, env).(*lambdaV)
	if !ok || lv.fc != fd.fc || len(fd.direct[lv.lam]) >= maxDirect {
		return
	}
	fd.direct[lv.lam] = append(fd.direct[lv.lam], args)
}

// walkBody walks lv's formals' defaults and body with args[0] bound (nil
// args: unknown); the rest of args bind the parameters of the lambdas
// the body is made of (`name: value: …`).
func (fd *finder) walkBody(lv *lambdaV, args []*thunk, b *bindCtx) {
	var arg *thunk
	if len(args) > 0 {
		arg = args[0]
	}
	inner := fd.ev.bindParams(lv, arg)
	if lv.lam.Formals != nil {
		for _, fm := range lv.lam.Formals.List {
			if fm.Default != nil {
				fd.walk(fm.Default, inner, b)
			}
		}
	}
	if body, ok := nixast.Unparen(lv.lam.Body).(*nixast.Lambda); ok && len(args) > 1 {
		fd.walkBody(&lambdaV{lam: body, env: inner, fc: fd.fc}, args[1:], b)
		return
	}
	fd.walk(lv.lam.Body, inner, b)
}

// applyInPlace notes the arguments of a function written where it is
// applied, `(x: …) a b`: that function can be called from nowhere else,
// so its body is walked with its parameters bound.
func (fd *finder) applyInPlace(e *nixast.Apply, env *scope) {
	var args []*thunk
	var head nixast.Expr = e
	for {
		app, ok := nixast.Unparen(head).(*nixast.Apply)
		if !ok {
			break
		}
		args = append([]*thunk{fd.ev.lazy(app.Arg, env, fd.fc)}, args...)
		head = app.Fun
	}
	lam, ok := nixast.Unparen(head).(*nixast.Lambda)
	if !ok {
		return
	}
	if _, seen := fd.pending[lam]; !seen {
		fd.pending[lam] = [][]*thunk{args}
	}
}

// checkApply looks at one application f x.
func (fd *finder) checkApply(e *nixast.Apply, env *scope, b *bindCtx) {
	switch f := fd.eval(e.Fun, env).(type) {
	case *funcV:
		fd.record(f.kind, e, e.Fun, e.Arg, FormApply, []*thunk{fd.ev.lazy(e.Arg, env, fd.fc)}, nil, b)
	case *primV:
		m, ok := mappers[f.name]
		if len(f.args) != 1 || !ok {
			return
		}
		// f.args[0] was written as the argument of the inner application.
		inner, ok := nixast.Unparen(e.Fun).(*nixast.Apply)
		if !ok {
			return
		}
		fnExpr, collExpr := inner.Arg, nixast.Expr(e.Arg)
		if m.collFirst {
			fnExpr, collExpr = collExpr, fnExpr
		}
		fd.mapSite(e, m, fnExpr, collExpr, env, b)
	}
}

// checkPipe looks at x |> f and f <| x.
func (fd *finder) checkPipe(e *nixast.Binary, env *scope, b *bindCtx) {
	fn, x := e.Y, e.X
	if e.Op == nixast.OpPipeFrom {
		fn, x = e.X, e.Y
	}
	switch f := fd.eval(fn, env).(type) {
	case *funcV:
		fd.record(f.kind, e, fn, x, FormPipe, []*thunk{fd.ev.lazy(x, env, fd.fc)}, nil, b)
	case *primV:
		// list |> map f
		m, ok := mappers[f.name]
		if len(f.args) != 1 || !ok || m.collFirst {
			return
		}
		if inner, ok := nixast.Unparen(fn).(*nixast.Apply); ok {
			fd.mapSite(e, m, inner.Arg, x, env, b)
		}
	}
}

// mapper describes a function that applies a function to each element
// of a list or set: which argument comes first, and what each call of
// the function gets (the element; an index and the element; a name and
// a value).
type mapper struct {
	collFirst bool // forEach list f, genAttrs names f
	overSet   bool // the collection is a set: the function gets name, value
	index     int  // imap0, imap1: the function gets index+index, element; -1 otherwise
}

var mappers = map[string]mapper{
	"map":            {index: -1},
	"concatMap":      {index: -1},
	"forEach":        {collFirst: true, index: -1},
	"genAttrs":       {collFirst: true, index: -1},
	"imap0":          {index: 0},
	"imap1":          {index: 1},
	"mapAttrs":       {overSet: true, index: -1},
	"mapAttrs'":      {overSet: true, index: -1},
	"mapAttrsToList": {overSet: true, index: -1},
	"concatMapAttrs": {overSet: true, index: -1},
}

// mapSite handles a function fnExpr mapped over collExpr by prim: it
// notes the lambda's instantiations, and reports a call when the
// function is an uptix function itself (`map uptix.dockerImage list`,
// `mapAttrs (_: uptix.dockerImage) set`).
func (fd *finder) mapSite(site nixast.Node, m mapper, fnExpr, collExpr nixast.Expr, env *scope, b *bindCtx) {
	fn := fd.eval(fnExpr, env)
	coll := fd.eval(collExpr, env)
	var insts [][]*thunk
	var collUnknown *unknown
	switch c := coll.(type) {
	case *listV:
		if m.overSet {
			return
		}
		for i, x := range c.elems {
			if m.index >= 0 {
				insts = append(insts, []*thunk{done(&intV{int64(i + m.index)}), x})
			} else {
				insts = append(insts, []*thunk{x})
			}
		}
	case *attrsV:
		if !m.overSet {
			return
		}
		for _, k := range sortedNames(c.m) {
			insts = append(insts, []*thunk{done(&strV{k}), c.m[k]})
		}
	case *unknown:
		collUnknown = c
	default:
		return
	}

	if lv, ok := fn.(*lambdaV); ok && collUnknown == nil {
		if inline, ok := nixast.Unparen(fnExpr).(*nixast.Lambda); ok && inline == lv.lam {
			fd.pending[lv.lam] = append([][]*thunk{}, insts...)
		} else if fd.pass == 1 {
			fd.inst[lv.lam] = append(fd.inst[lv.lam], insts...)
		}
	}
	if fd.pass == 1 {
		return
	}

	// Is the mapped function an uptix function, after the arguments
	// the lambda takes before it (mapAttrs' name)?
	kind, ok := fd.firstClass(fn, len(insts) > 0, insts)
	if !ok {
		return
	}
	if collUnknown != nil {
		fd.record(kind, site, fnExpr, collExpr, FormMap, nil, collUnknown, b)
		return
	}
	if len(insts) == 0 {
		return // mapped over nothing: no call happens
	}
	var args []*thunk
	for _, in := range insts {
		v := fn
		for _, a := range in {
			if _, isFunc := v.(*funcV); isFunc {
				args = append(args, a)
				break
			}
			v = fd.ev.apply(v, a)
		}
	}
	fd.record(kind, site, fnExpr, collExpr, FormMap, args, nil, b)
}

// firstClass reports the kind when fn, applied to all but the last of
// an element's arguments, is an uptix function.
func (fd *finder) firstClass(fn value, haveInsts bool, insts [][]*thunk) (Kind, bool) {
	if f, ok := fn.(*funcV); ok {
		return f.kind, true
	}
	if !haveInsts {
		return "", false
	}
	v := fn
	for _, a := range insts[0][:len(insts[0])-1] {
		fd.newQuery()
		v = fd.ev.apply(v, a)
	}
	if f, ok := v.(*funcV); ok {
		return f.kind, true
	}
	return "", false
}

// record notes one visit of a call: its arguments (one per element for
// mapped calls), or the unknown collection it maps over.
func (fd *finder) record(kind Kind, node, callee, arg nixast.Node, form Form, args []*thunk, collUnknown *unknown, b *bindCtx) {
	if fd.pass == 1 {
		return
	}
	key := callKey{node.Pos(), node.End(), form}
	acc := fd.calls[key]
	if fd.candidate {
		fd.recordCandidates(acc, kind, args, collUnknown)
		return
	}
	if acc == nil {
		line, col := fd.position(node.Pos())
		acc = &callAcc{call: Call{
			Kind:   kind,
			File:   fd.name,
			Range:  Range{node.Pos(), node.End()},
			Line:   line,
			Col:    col,
			Callee: Range{callee.Pos(), callee.End()},
			Arg:    Range{arg.Pos(), arg.End()},
			Form:   form,
		}}
		acc.call.Binding = fd.binding(b, node)
		fd.calls[key] = acc
	}
	if acc.unresolved != "" {
		fd.unresolvedSeen++
		return
	}
	if collUnknown != nil {
		acc.unresolved = "argument depends on " + collUnknown.desc
		fd.unresolvedSeen++
		return
	}
	for _, a := range args {
		t, why := fd.target(kind, fd.force(a))
		if why != "" {
			fd.unresolvedSeen++
			acc.unresolved = why
			acc.targets = nil
			return
		}
		if !hasKey(acc.targets, t.Key) {
			acc.targets = append(acc.targets, t)
		}
	}
}

// recordCandidates adds what a call gets when its function is called as
// a call seen in this file calls it.
func (fd *finder) recordCandidates(acc *callAcc, kind Kind, args []*thunk, collUnknown *unknown) {
	if acc == nil || collUnknown != nil {
		return
	}
	for _, a := range args {
		if t, why := fd.target(kind, fd.force(a)); why == "" && !hasKey(acc.candidates, t.Key) {
			acc.candidates = append(acc.candidates, t)
		}
	}
}

func hasKey(ts []Target, key string) bool {
	for _, t := range ts {
		if t.Key == key {
			return true
		}
	}
	return false
}

func (fd *finder) position(off int) (line, col int) {
	i := sort.Search(len(fd.lines), func(i int) bool { return fd.lines[i] > off }) - 1
	return i + 1, off - fd.lines[i] + 1
}

// target turns an argument's value into a Target, or says why it cannot.
func (fd *finder) target(kind Kind, v value) (Target, string) {
	if u, ok := v.(*unknown); ok {
		return Target{}, "argument depends on " + u.desc
	}
	if kind.IsImage() {
		s, ok := v.(*strV)
		if !ok {
			return Target{}, "argument is " + typeName(v) + ", not a string"
		}
		t := Target{Key: s.s, Image: s.s}
		if err := CheckImageRef(s.s); err != nil {
			t.Invalid = err.Error()
		}
		return t, ""
	}
	set, ok := v.(*attrsV)
	if !ok {
		return Target{}, "argument is " + typeName(v) + ", not a set"
	}
	g := &GitHub{}
	fields := []struct {
		name     string
		s        *string
		b        *bool
		required bool
	}{
		{"owner", &g.Owner, nil, true},
		{"repo", &g.Repo, nil, true},
		{"branch", &g.Branch, nil, kind == GitHubBranch},
		{"fetchSubmodules", nil, &g.FetchSubmodules, false},
		{"deepClone", nil, &g.DeepClone, false},
		{"leaveDotGit", nil, &g.LeaveDotGit, false},
	}
	known := map[string]bool{}
	for _, f := range fields {
		known[f.name] = true
		t, has := set.m[f.name]
		if !has || (f.name == "branch" && kind != GitHubBranch) {
			if f.required {
				return Target{}, "argument has no `" + f.name + "`"
			}
			continue
		}
		fv := fd.force(t)
		if u, ok := fv.(*unknown); ok {
			return Target{}, "argument depends on " + u.desc
		}
		switch {
		case f.s != nil:
			s, ok := fv.(*strV)
			if !ok {
				return Target{}, "`" + f.name + "` is " + typeName(fv) + ", not a string"
			}
			*f.s = s.s
		case f.b != nil:
			bv, ok := fv.(*boolV)
			if !ok {
				return Target{}, "`" + f.name + "` is " + typeName(fv) + ", not a Boolean"
			}
			*f.b = bv.b
		}
	}
	for _, k := range sortedNames(set.m) {
		if !known[k] || (k == "branch" && kind != GitHubBranch) {
			g.Extra = append(g.Extra, k)
		}
	}
	return Target{Key: g.Key(kind), GitHub: g}, ""
}

func typeName(v value) string {
	switch v.(type) {
	case *strV:
		return "a string"
	case *pathV:
		return "a path"
	case *boolV:
		return "a Boolean"
	case *intV, *floatV:
		return "a number"
	case *nullV:
		return "null"
	case *listV:
		return "a list"
	case *attrsV:
		return "a set"
	case *moduleV:
		return "the uptix module"
	}
	return "a function"
}

// binding describes b for a call at node.
func (fd *finder) binding(b *bindCtx, node nixast.Node) *Binding {
	if b == nil {
		return nil
	}
	src := fd.fc.file.Src
	out := &Binding{
		Role:   RoleOther,
		Path:   string(src[b.def.Path.Pos():b.def.Path.End()]),
		Attrs:  attrNames(b.def.Path),
		Range:  Range{b.def.Pos(), b.def.End()},
		Value:  Range{b.def.Value.Pos(), b.def.Value.End()},
		InLet:  b.inLet,
		Direct: nixast.Unparen(b.def.Value) == node,
	}
	if !b.inLet && len(out.Attrs) > 0 {
		switch out.Attrs[len(out.Attrs)-1] {
		case "image":
			out.Role = RoleImage
		case "imageFile":
			out.Role = RoleImageFile
		}
	}
	for _, s := range b.siblings {
		d, ok := s.(*nixast.AttrDef)
		if !ok || d == b.def {
			continue
		}
		sib := Sibling{
			Path:  string(src[d.Path.Pos():d.Path.End()]),
			Attrs: attrNames(d.Path),
			Range: Range{d.Pos(), d.End()},
			Value: Range{d.Value.Pos(), d.Value.End()},
		}
		if str, ok := nixast.Unparen(d.Value).(*nixast.String); ok {
			if v, ok := str.ConstValue(); ok {
				sib.String = &v
			}
		}
		out.Siblings = append(out.Siblings, sib)
	}
	return out
}

func attrNames(p *nixast.AttrPath) []string {
	names := make([]string, len(p.Names))
	for i, n := range p.Names {
		names[i], _ = nixast.StaticName(n)
	}
	return names
}
