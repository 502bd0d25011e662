package discover

import (
	"fmt"
	"sort"
	"strings"

	"github.com/uptix-dev/uptix/nixast"
)

// The finder walks a file's tree with the same scopes the evaluator
// builds and asks, at every application and pipe, whether the function
// is one of uptix's. It walks twice. The first pass notes where each
// function of the file is called or mapped (early), which functions
// escape (are used other than by calling or mapping them), and which
// applications are parts of longer ones; it binds defaulted formals as
// unknown. The second pass records the calls: it walks each function's
// body once per known call, with the parameters bound (see walkLambda
// for the other walks), taking the calls of a function from that same
// pass where it can (sites, per closure). A lambda written in place, as
// the function of a mapping or applied where it stands, gets its
// arguments just before the walk reaches it (pending).

type finder struct {
	ev    *evaluator
	fc    *fileCtx
	name  string
	lines []int
	pass  int
	// pending holds the arguments of a lambda written in place
	// (`map (x: …) list`, `(x: …) a`), used by the walk of that lambda
	// just after.
	pending map[*nixast.Lambda][][]*thunk
	// early holds, per lambda, the calls of it (`mk "ui" "acme/ui:5"`,
	// `map mk list`) seen in the first pass; sites holds those seen in
	// the second pass per closure (the lambda and the scope it closes
	// over), so that a helper defined inside another is called with
	// what that walk of the outer one binds. See walkLambda.
	early map[*nixast.Lambda][]site
	sites map[closureKey][]site
	// inner marks the applications that are the function of another
	// one (`f a` in `f a b`).
	inner map[*nixast.Apply]bool
	// Where callers come from: bound marks lambdas written as the value
	// of a let binding or as the file's value (top); outer links a
	// lambda that is the body of another (`a: b: …`) to it; escaped
	// marks lambdas used other than by calling or mapping them (passed,
	// stored, exported, partly applied); calleeAt marks the expressions
	// in call or mapped-function position.
	top      *nixast.Lambda
	bound    map[*nixast.Lambda]bool
	outer    map[*nixast.Lambda]*nixast.Lambda
	escaped  map[*nixast.Lambda]bool
	calleeAt map[nixast.Expr]bool
	mode     walkMode
	walks    int // of function bodies, see maxWalks
	// unresolvedSeen counts visits of calls that left them unresolved
	// (in modeCount: that depend on something unknown).
	unresolvedSeen int
	calls          map[callKey]*callAcc
}

// site is the arguments of one known call of a function: a call by
// name (named) or one element of a mapping; line is where it is written
// (0: not to be named in reasons).
type site struct {
	args  []*thunk
	line  int
	named bool
	mode  walkMode // of the walk that saw the call
}

type closureKey struct {
	lam *nixast.Lambda
	env *scope
}

// walkMode says what a walk records.
type walkMode int

const (
	modeNormal walkMode = iota // targets and reasons
	modeProbe                  // reasons only: the walk binds values no caller may give
	modeCount                  // nothing: counts what depends on something unknown
)

type callKey struct {
	pos, end int
	form     Form
}

// callAcc gathers what every visit of one call found: the targets of
// the visits that resolved, and the first reason of one that did not.
type callAcc struct {
	call       Call
	targets    []Target
	unresolved string
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
		ev:       ev,
		fc:       &fileCtx{file: f, abs: abs, ev: ev},
		name:     name,
		pending:  map[*nixast.Lambda][][]*thunk{},
		early:    map[*nixast.Lambda][]site{},
		sites:    map[closureKey][]site{},
		inner:    map[*nixast.Apply]bool{},
		bound:    map[*nixast.Lambda]bool{},
		outer:    map[*nixast.Lambda]*nixast.Lambda{},
		escaped:  map[*nixast.Lambda]bool{},
		calleeAt: map[nixast.Expr]bool{},
		calls:    map[callKey]*callAcc{},
	}
	fd.positions(f.Expr)
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
			c.Candidates = acc.targets
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
		for _, d := range fd.callersFirst(fd.walkBindings(e.Bindings, inner, env, true)) {
			fd.walk(d.Value, inner, &bindCtx{def: d, siblings: e.Bindings, inLet: true})
		}
	case *nixast.Let:
		// The functions bound here are walked last, each after the
		// ones that refer to it, so that the calls of them in the body
		// and in the other functions are known by then.
		inner, _ := fd.ev.recScope(e.Bindings, env, fd.fc)
		funcs := fd.walkBindings(e.Bindings, inner, env, true)
		fd.walk(e.Body, inner, b)
		for _, d := range fd.callersFirst(funcs) {
			fd.walk(d.Value, inner, &bindCtx{def: d, siblings: e.Bindings, inLet: true})
		}
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
	case *nixast.Ident:
		if fd.pass == 1 && !fd.calleeAt[e] {
			fd.noteUse(e.Name, env)
		}
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

// walkBindings walks bindings; in a let (inLet), the values that are
// functions are not walked but returned.
func (fd *finder) walkBindings(bs []nixast.Binding, valEnv, outer *scope, inLet bool) (funcs []*nixast.AttrDef) {
	for _, b := range bs {
		switch b := b.(type) {
		case *nixast.AttrDef:
			fd.walkNames(b.Path, outer)
			if _, isFunc := nixast.Unparen(b.Value).(*nixast.Lambda); isFunc && inLet {
				funcs = append(funcs, b)
				continue
			}
			fd.walk(b.Value, valEnv, &bindCtx{def: b, siblings: bs, inLet: inLet})
		case *nixast.Inherit:
			if b.From != nil {
				fd.walk(b.From, valEnv, nil)
			} else if fd.pass == 1 {
				for _, a := range b.Names {
					if name, ok := nixast.StaticName(a); ok {
						fd.noteUse(name, outer)
					}
				}
			}
		}
	}
	return funcs
}

// callersFirst orders a let's function bindings so that one that names
// another comes before it (the later one first when neither does). A
// function that names itself, or one of a cycle, is called from places
// walked after it: it is taken to escape.
func (fd *finder) callersFirst(funcs []*nixast.AttrDef) []*nixast.AttrDef {
	index := map[string]int{}
	for i, d := range funcs {
		if d.Path == nil || len(d.Path.Names) != 1 {
			continue
		}
		if name, ok := nixast.StaticName(d.Path.Names[0]); ok {
			index[name] = i
		}
	}
	callers := make([]int, len(funcs)) // how many others name it
	names := make([][]int, len(funcs))
	for i, d := range funcs {
		seen := map[int]bool{}
		nixast.Inspect(d.Value, func(n nixast.Node) bool {
			if id, ok := n.(*nixast.Ident); ok {
				if j, ok := index[id.Name]; ok && j == i {
					fd.escapeValue(d)
				} else if ok && !seen[j] {
					seen[j] = true
					names[i] = append(names[i], j)
					callers[j]++
				}
			}
			return true
		})
	}
	out := make([]*nixast.AttrDef, 0, len(funcs))
	done := make([]bool, len(funcs))
	for len(out) < len(funcs) {
		next := -1
		for i := len(funcs) - 1; i >= 0; i-- {
			if !done[i] && callers[i] == 0 {
				next = i
				break
			}
		}
		if next < 0 { // a cycle: the latest left
			for i := len(funcs) - 1; i >= 0 && next < 0; i-- {
				if !done[i] {
					next = i
				}
			}
			fd.escapeValue(funcs[next])
		}
		done[next] = true
		out = append(out, funcs[next])
		for _, j := range names[next] {
			callers[j]--
		}
	}
	return out
}

// escapeValue marks the lambda d binds as escaping.
func (fd *finder) escapeValue(d *nixast.AttrDef) {
	if lam, ok := nixast.Unparen(d.Value).(*nixast.Lambda); ok {
		fd.escaped[lam] = true
	}
}

// positions notes, before the walks, which lambdas are bound to a name
// by a let or are the file's value, and which are the bodies of others.
func (fd *finder) positions(root nixast.Expr) {
	if lam, ok := nixast.Unparen(root).(*nixast.Lambda); ok {
		fd.top = lam
		fd.bound[lam] = true
	}
	nixast.Inspect(root, func(n nixast.Node) bool {
		var bs []nixast.Binding
		legacy := false
		switch n := n.(type) {
		case *nixast.Let:
			bs = n.Bindings
		case *nixast.LegacyLet:
			bs, legacy = n.Bindings, true // its body is its value
		case *nixast.Lambda:
			if body, ok := nixast.Unparen(n.Body).(*nixast.Lambda); ok {
				fd.outer[body] = n
			}
		}
		for _, b := range bs {
			if d, ok := b.(*nixast.AttrDef); ok && d.Path != nil && len(d.Path.Names) == 1 {
				if name, _ := nixast.StaticName(d.Path.Names[0]); legacy && name == "body" {
					continue
				}
				if lam, ok := nixast.Unparen(d.Value).(*nixast.Lambda); ok {
					fd.bound[lam] = true
				}
			}
		}
		return true
	})
}

// noteUse notes, in the first pass, a use of name other than calling
// or mapping it: when name is bound to a function of this file, that
// function escapes (it may be called where discovery cannot see).
func (fd *finder) noteUse(name string, env *scope) {
	for s := env; s != nil; s = s.parent {
		t, ok := s.vars[name]
		if !ok {
			continue
		}
		if t.state == thunkDone {
			if lv, ok := t.val.(*lambdaV); ok && lv.fc == fd.fc {
				fd.escaped[lv.lam] = true
			}
		} else if lam, ok := nixast.Unparen(t.expr).(*nixast.Lambda); ok && t.fc == fd.fc {
			fd.escaped[lam] = true
		}
		return
	}
}

// escapes reports whether lam may be called where discovery cannot see:
// it is not bound by a let (nor the file's value, nor the body of such
// a function), or it is used other than by calling or mapping it. The
// file's value is the module function, whose caller (NixOS) is taken
// to leave its defaulted formals alone.
func (fd *finder) escapes(lam *nixast.Lambda) bool {
	for l := lam; ; {
		if fd.escaped[l] {
			return true
		}
		up := fd.outer[l]
		if up == nil {
			return !fd.bound[l]
		}
		l = up
	}
}

// curried is the number of arguments lam takes before its body is not
// a lambda written there.
func curried(lam *nixast.Lambda) int {
	n := 1
	for {
		body, ok := nixast.Unparen(lam.Body).(*nixast.Lambda)
		if !ok {
			return n
		}
		lam, n = body, n+1
	}
}

// walkLambda walks a function's body once for each way it is called.
//
// A function written where it is applied or mapped over constants
// (pending) is walked once per call, with its parameters bound. Any
// other function is walked with the calls of it this walk knows of
// (sites: mappings over constants, and calls `f a b`), and:
//   - with no known call and nothing else able to call it (a function
//     never called, or the file's module function), once with its
//     parameters unknown and its defaulted formals at their defaults;
//   - when it escapes (it may be called where discovery cannot see),
//     also once with every parameter unknown, defaulted or not, so
//     that a call depending on one is unresolved, and once with the
//     defaults, which give candidates;
//   - when it is called by name and has a parameter without a default,
//     also once with its parameters unknown and its defaults in place,
//     recording only what stays unresolved (modeProbe):
//     a parameter without a default is the helper's input, so a call
//     depending on it is unresolved (with the known calls' targets as
//     candidates), while a defaulted formal takes, at each known call,
//     the value given there or else its default.
//
// A body that depends on no parameter (dependsOnParams) is walked
// once; past maxWalks in the file, once with every parameter unknown.
func (fd *finder) walkLambda(lam *nixast.Lambda, env *scope, b *bindCtx) {
	lv := &lambdaV{lam: lam, env: env, fc: fd.fc}
	insts, inPlace := fd.pending[lam]
	delete(fd.pending, lam)
	if inPlace {
		for _, args := range insts {
			fd.walkBody(lv, site{args: args}, false, b)
		}
		return // with no insts: mapped over nothing, never called
	}
	if fd.pass == 1 || fd.mode == modeCount {
		// The first pass binds defaulted formals as unknown, except the
		// module function's, so that the calls it notes do not take a
		// default some caller overrides.
		fd.walkBody(lv, site{}, fd.pass == 1 && lam != fd.top, b)
		return
	}
	all, ok := fd.sites[closureKey{lam, env}]
	if !ok {
		// Called only from places walked after it (a function defined
		// earlier in the let, or itself): the calls seen in the first
		// pass.
		all = fd.early[lam]
	}
	var sites []site
	named := 0
	for _, s := range all {
		if s.named {
			named++
		}
		if named <= maxDirect && len(sites) < maxSites {
			sites = append(sites, s)
		}
	}
	escapes := fd.escapes(lam) || named > maxDirect || len(all) > len(sites)
	if len(sites) == 0 && !escapes {
		fd.walkBody(lv, site{}, false, b)
		return
	}
	if !fd.dependsOnParams(lv, b) {
		fd.walkBody(lv, site{}, false, b)
		return
	}
	if fd.walks > maxWalks {
		// Too many walks in this file (helpers nested deep, each
		// called often): the calls that depend on the parameters are
		// unresolved.
		fd.walkBody(lv, site{}, true, b)
		return
	}
	switch {
	case escapes:
		fd.walkBody(lv, site{}, true, b)
		fd.walkBody(lv, site{}, false, b)
	case named > 0 && hasPlainParam(lam):
		prev := fd.setMode(modeProbe)
		fd.walkBody(lv, site{}, false, b)
		fd.mode = prev
	}
	for _, s := range sites {
		prev := fd.setMode(s.mode)
		fd.walkBody(lv, s, false, b)
		fd.mode = prev
	}
}

// setMode switches to mode m unless the walk already records less; it
// returns the mode to restore.
func (fd *finder) setMode(m walkMode) walkMode {
	prev := fd.mode
	if m > fd.mode {
		fd.mode = m
	}
	return prev
}

// dependsOnParams reports whether a walk of lv's body with its
// parameters unknown finds a call that is unresolved, a call of an
// unknown function taken from a parameter (`u.dockerImage x` where u
// may be the module), or a call or mapping of a function of this file
// (whose calls may depend on the arguments).
func (fd *finder) dependsOnParams(lv *lambdaV, b *bindCtx) bool {
	seen := fd.unresolvedSeen
	prev := fd.setMode(modeCount)
	fd.walkBody(lv, site{}, true, b)
	fd.mode = prev
	return fd.unresolvedSeen > seen
}

// maxWalks bounds the walks of function bodies in one file.
const maxWalks = 5000

// hasPlainParam reports whether lam, or a lambda its body is made of
// (`a: b: …`), has a parameter without a default: a plain one, a formal
// without a default or the name of the whole argument set.
func hasPlainParam(lam *nixast.Lambda) bool {
	for {
		if lam.Arg != nil {
			return true
		}
		if lam.Formals != nil {
			for _, fm := range lam.Formals.List {
				if fm.Default == nil {
					return true
				}
			}
		}
		body, ok := nixast.Unparen(lam.Body).(*nixast.Lambda)
		if !ok {
			return false
		}
		lam = body
	}
}

// maxDirect bounds the calls by name of one function walked one by one,
// and maxSites all its known calls (mappings call it once per element);
// a function called more often is taken to escape.
const (
	maxDirect = 64
	maxSites  = 256
)

// noteDirectCall notes the arguments of a call of a function of this
// file, at the outermost application of `f a b …`: in the first pass
// per lambda, in the second per closure, with the mode of the walk (a
// call seen in a probe is walked as one). A call that gives fewer arguments
// than the function takes in a row lets the rest escape, unless it is
// mapped over constants.
func (fd *finder) noteDirectCall(e *nixast.Apply, env *scope) {
	if fd.inner[e] {
		return
	}
	var args []*thunk
	var head nixast.Expr = e
	for {
		app, ok := nixast.Unparen(head).(*nixast.Apply)
		if !ok {
			break
		}
		if app != e {
			fd.inner[app] = true
		}
		args = append([]*thunk{fd.ev.lazy(app.Arg, env, fd.fc)}, args...)
		head = app.Fun
	}
	head = nixast.Unparen(head)
	if _, inPlace := head.(*nixast.Lambda); inPlace {
		return
	}
	if fd.pass == 1 {
		fd.calleeAt[head] = true
	}
	lv, ok := fd.eval(head, env).(*lambdaV)
	if !ok || lv.fc != fd.fc {
		return
	}
	if fd.pass == 1 && len(args) < curried(lv.lam) && !fd.calleeAt[e] {
		fd.escaped[lv.lam] = true
	}
	if fd.mode == modeCount {
		fd.unresolvedSeen++
		return
	}
	line, _ := fd.position(e.Pos())
	fd.noteSites(lv, site{args: args, line: line, named: true})
}

// noteSites notes known calls of lv: in the first pass per lambda, in
// the second per closure, with the mode of the walk (a call seen in a
// probe is walked as one).
func (fd *finder) noteSites(lv *lambdaV, sites ...site) {
	if fd.pass == 1 {
		fd.early[lv.lam] = append(fd.early[lv.lam], sites...)
		return
	}
	k := closureKey{lv.lam, lv.env}
	for _, s := range sites {
		s.mode = fd.mode
		fd.sites[k] = append(fd.sites[k], s)
	}
}

// walkBody walks lv's formals' defaults and body with the arguments of
// s bound (none: unknown; open: defaulted formals unknown too); the
// arguments after the first bind the parameters of the lambdas the body
// is made of (`name: value: …`). An unknown argument of a known call is
// described as the parameter it is given for.
func (fd *finder) walkBody(lv *lambdaV, s site, open bool, b *bindCtx) {
	fd.walks++
	var arg *thunk
	if len(s.args) > 0 {
		arg = s.args[0]
		if s.line > 0 && lv.lam.Formals == nil && lv.lam.Arg != nil {
			arg = givenAs(arg, lv.lam.Arg.Name, s.line)
		}
	}
	inner := fd.ev.bindParams(lv, arg, open)
	if lv.lam.Formals != nil {
		for _, fm := range lv.lam.Formals.List {
			t := inner.vars[fm.Name.Name]
			if s.line > 0 && t != nil && (fm.Default == nil || t.expr != fm.Default) {
				inner.vars[fm.Name.Name] = givenAs(t, fm.Name.Name, s.line)
			}
		}
		for _, fm := range lv.lam.Formals.List {
			if fm.Default != nil {
				fd.walk(fm.Default, inner, b)
			}
		}
	}
	if body, ok := nixast.Unparen(lv.lam.Body).(*nixast.Lambda); ok && len(s.args) > 1 {
		fd.walkBody(&lambdaV{lam: body, env: inner, fc: fd.fc}, site{args: s.args[1:], line: s.line}, open, b)
		return
	}
	fd.walk(lv.lam.Body, inner, b)
}

// givenAs wraps the argument t given for parameter name by the call at
// line so that, when it is unknown, its description says so.
func givenAs(t *thunk, name string, line int) *thunk {
	return &thunk{expr: &givenOf{t: t, name: name, line: line}}
}

// givenOf is a synthetic expression: an argument of a known call.
type givenOf struct {
	syntheticExpr
	t    *thunk
	name string
	line int
}

func (ev *evaluator) given(x *givenOf) value {
	v := ev.force(x.t)
	if u, ok := v.(*unknown); ok && !strings.Contains(u.desc, "(given as `") {
		return &unknown{path: u.path, argSet: u.argSet, param: u.param,
			desc: fmt.Sprintf("%s (given as `%s` by the call at line %d)", u.desc, x.name, x.line)}
	}
	return v
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
	case *unknown:
		fd.countParamCall(f)
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

// countParamCall counts, in modeCount, a call of a function taken from
// a parameter: it may be the module's (`mk = u: u.dockerImage "x"`).
func (fd *finder) countParamCall(f *unknown) {
	if fd.mode == modeCount && f.param {
		fd.unresolvedSeen++
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
	case *unknown:
		fd.countParamCall(f)
	case *lambdaV:
		// x |> mk is a call of mk by name, as mk x is.
		if _, inline := nixast.Unparen(fn).(*nixast.Lambda); inline || f.fc != fd.fc {
			break
		}
		if fd.pass == 1 {
			fd.calleeAt[nixast.Unparen(fn)] = true
			if curried(f.lam) > 1 {
				fd.escaped[f.lam] = true
			}
		}
		if fd.mode == modeCount {
			fd.unresolvedSeen++
			break
		}
		line, _ := fd.position(e.Pos())
		fd.noteSites(f, site{args: []*thunk{fd.ev.lazy(x, env, fd.fc)}, line: line, named: true})
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
func (fd *finder) mapSite(node nixast.Node, m mapper, fnExpr, collExpr nixast.Expr, env *scope, b *bindCtx) {
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

	if lv, ok := fn.(*lambdaV); ok {
		inline, _ := nixast.Unparen(fnExpr).(*nixast.Lambda)
		switch {
		case inline == lv.lam && collUnknown == nil:
			fd.pending[lv.lam] = append([][]*thunk{}, insts...)
		case inline != lv.lam && lv.fc == fd.fc && fd.mode != modeCount:
			// A function mapped is called once per element; over a
			// collection not constant, with arguments not constant.
			if fd.pass == 1 {
				fd.calleeAt[nixast.Unparen(fnExpr)] = true
			}
			line, _ := fd.position(node.Pos())
			if collUnknown != nil {
				elem := done(unknownWhy("an element of " + collUnknown.desc))
				args := []*thunk{elem}
				if m.overSet || m.index >= 0 {
					args = []*thunk{elem, elem}
				}
				fd.noteSites(lv, site{args: args, line: line})
			}
			for _, in := range insts {
				fd.noteSites(lv, site{args: in, line: line})
			}
		}
	}
	switch f := fn.(type) {
	case *lambdaV:
		if fd.mode == modeCount && f.fc == fd.fc {
			fd.unresolvedSeen++
		}
	case *unknown:
		fd.countParamCall(f)
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
		fd.record(kind, node, fnExpr, collExpr, FormMap, nil, collUnknown, b)
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
	fd.record(kind, node, fnExpr, collExpr, FormMap, args, nil, b)
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
// mapped calls), or the unknown collection it maps over. A call is
// resolved when every visit resolved it; the targets of the visits that
// did are its targets, or else its candidates.
func (fd *finder) record(kind Kind, node, callee, arg nixast.Node, form Form, args []*thunk, collUnknown *unknown, b *bindCtx) {
	if fd.pass == 1 {
		return
	}
	if fd.mode == modeCount {
		if collUnknown != nil {
			fd.unresolvedSeen++
			return
		}
		for _, a := range args {
			if _, why := fd.target(kind, fd.force(a)); why != "" {
				fd.unresolvedSeen++
				return
			}
		}
		return
	}
	key := callKey{node.Pos(), node.End(), form}
	acc := fd.calls[key]
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
	unresolved := func(why string) {
		fd.unresolvedSeen++
		if acc.unresolved == "" {
			acc.unresolved = why
		}
	}
	if collUnknown != nil {
		unresolved("argument depends on " + collUnknown.desc)
		return
	}
	for _, a := range args {
		t, why := fd.target(kind, fd.force(a))
		switch {
		case why != "":
			unresolved(why)
		case fd.mode == modeNormal && !hasKey(acc.targets, t.Key):
			acc.targets = append(acc.targets, t)
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
