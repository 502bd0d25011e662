package discover

import (
	"fmt"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"github.com/uptix-dev/uptix/nixast"
)

// This file is a small abstract evaluator for Nix: it computes what it can
// know statically about an expression (constant strings, sets and lists
// of such, the uptix module and its functions, closures) and turns the
// rest into unknown values that say what they depend on. It is lazy like
// Nix: sets and lists hold thunks, forced on demand, and a thunk forced
// while it is being forced is a cycle, not a hang.

// value is one of the types below.
type value interface{}

// unknown is a value discovery cannot know. path is the dotted
// expression it stands for when there is one (`config.x.version`); desc
// is a phrase for "argument depends on <desc>". argSet marks the
// argument set of a function whose caller is not known: selecting
// `uptix` from it gives the module, as NixOS passes it to modules.
type unknown struct {
	path   string
	desc   string
	argSet bool
	// param marks a parameter of a function walked with its callers
	// unknown (and what is selected from it): the finder counts calls
	// of such values when it asks whether a body depends on its
	// parameters.
	param bool
}

func unknownPath(path string) *unknown {
	return &unknown{path: path, desc: "`" + path + "`"}
}

func unknownWhy(desc string) *unknown { return &unknown{desc: desc} }

type (
	strV   struct{ s string }
	pathV  struct{ p string } // absolute and clean
	boolV  struct{ b bool }
	intV   struct{ i int64 }
	floatV struct{ f float64 }
	nullV  struct{}
	listV  struct{ elems []*thunk }
	// attrsV is a set whose names are all known.
	attrsV struct{ m map[string]*thunk }
	// lambdaV is a closure.
	lambdaV struct {
		lam *nixast.Lambda
		env *scope
		fc  *fileCtx
	}
	// moduleV is the uptix module argument.
	moduleV struct{}
	// funcV is one of the module's functions.
	funcV struct{ kind Kind }
	// primV is a builtin or lib function, with the arguments it has
	// been given so far.
	primV struct {
		name string
		args []*thunk
	}
	// builtinsV is the `builtins` set.
	builtinsV struct{}
)

// syntheticExpr makes the evaluator's own expression types (selectOf,
// mergeOf, applyOf) usable as thunk expressions; they never reach the
// tree.
type syntheticExpr struct{ nixast.Bad }

// thunk is an expression and its scope, evaluated at most once.
type thunk struct {
	expr  nixast.Expr
	env   *scope
	fc    *fileCtx
	val   value
	state uint8
}

const (
	thunkNew = iota
	thunkBusy
	thunkDone
)

func done(v value) *thunk { return &thunk{val: v, state: thunkDone} }

// scope is one level of lexical scope, or a `with` (then with is set).
type scope struct {
	parent *scope
	vars   map[string]*thunk
	with   *thunk
}

func (s *scope) child(vars map[string]*thunk) *scope {
	return &scope{parent: s, vars: vars}
}

// fileCtx is what evaluation needs to know about the file an expression
// comes from.
type fileCtx struct {
	file  *nixast.File
	abs   string // absolute path, for imports
	ev    *evaluator
	lines []int // offsets of line starts, made on demand
}

// line returns the 1-based line of offset off.
func (fc *fileCtx) line(off int) int {
	if fc.lines == nil {
		fc.lines = append(fc.lines, 0)
		for i, c := range fc.file.Src {
			if c == '\n' {
				fc.lines = append(fc.lines, i+1)
			}
		}
	}
	return sort.Search(len(fc.lines), func(i int) bool { return fc.lines[i] > off })
}

// evaluator holds the state of one file's analysis: its import cache
// and its budget. It is used by one goroutine.
type evaluator struct {
	loader  *loader
	imports map[string]*thunk
	steps   int // in the current query
	limit   int // of the current query
	total   int // in the whole file
	depth   int
}

// Limits that keep a pathological input from taking long: past them
// values become unknown. A query is one question the finder asks (what
// is this callee, this argument); the file total bounds them all.
const (
	maxSteps = 100000
	minSteps = 2000
	maxTotal = 2000000
	maxDepth = 400
)

var tooComplex = unknownWhy("an expression too deep or too long to follow")

func (ev *evaluator) force(t *thunk) value {
	switch t.state {
	case thunkDone:
		return t.val
	case thunkBusy:
		return unknownWhy("a value that refers to itself (it recurs)")
	}
	if ev.steps++; ev.steps > ev.limit || ev.depth >= maxDepth {
		return tooComplex
	}
	ev.depth++
	t.state = thunkBusy
	v := ev.eval(t.expr, t.env, t.fc)
	ev.depth--
	if u, ok := v.(*unknown); ok && strings.Contains(u.desc, tooComplex.desc) {
		// Out of budget: a later query, with a budget of its own, may
		// get further, so the thunk is not settled.
		t.state = thunkNew
		return v
	}
	t.val, t.state = v, thunkDone
	t.expr, t.env = nil, nil
	return v
}

func (ev *evaluator) lazy(e nixast.Expr, env *scope, fc *fileCtx) *thunk {
	return &thunk{expr: e, env: env, fc: fc}
}

func (ev *evaluator) eval(e nixast.Expr, env *scope, fc *fileCtx) value {
	switch e := e.(type) {
	case *selectOf:
		return ev.selectFrom(e)
	case *mergeOf:
		return ev.merge(e)
	case *applyOf:
		return ev.applyAll(e)
	case *givenOf:
		return ev.given(e)
	case *nixast.Ident:
		return ev.force(ev.lookup(e.Name, env))
	case *nixast.Int:
		return &intV{e.Value}
	case *nixast.Float:
		return &floatV{e.Value}
	case *nixast.URI:
		return &strV{e.Raw}
	case *nixast.SearchPath:
		return unknownPath(e.Raw)
	case *nixast.String:
		return ev.evalParts(e.Parts, env, fc)
	case *nixast.Path:
		return ev.evalPath(e, env, fc)
	case *nixast.Paren:
		return ev.eval(e.X, env, fc)
	case *nixast.List:
		l := &listV{elems: make([]*thunk, len(e.Elems))}
		for i, x := range e.Elems {
			l.elems[i] = ev.lazy(x, env, fc)
		}
		return l
	case *nixast.AttrSet:
		if e.Rec != nixast.NoPos {
			_, set := ev.recScope(e.Bindings, env, fc)
			return set
		}
		return ev.attrs(e.Bindings, env, env, fc)
	case *nixast.LegacyLet:
		_, set := ev.recScope(e.Bindings, env, fc)
		if t := set.m["body"]; t != nil {
			return ev.force(t)
		}
		return unknownWhy("a `let { … }` without a constant body")
	case *nixast.Let:
		inner, _ := ev.recScope(e.Bindings, env, fc)
		return ev.eval(e.Body, inner, fc)
	case *nixast.With:
		return ev.eval(e.Body, &scope{parent: env, with: ev.lazy(e.Scope, env, fc)}, fc)
	case *nixast.Assert:
		return ev.eval(e.Body, env, fc)
	case *nixast.If:
		switch c := ev.eval(e.Cond, env, fc).(type) {
		case *boolV:
			if c.b {
				return ev.eval(e.ThenX, env, fc)
			}
			return ev.eval(e.ElseX, env, fc)
		case *unknown:
			return unknownWhy("a condition on " + c.desc)
		}
		return unknownWhy("a condition that is not a Boolean")
	case *nixast.Lambda:
		return &lambdaV{lam: e, env: env, fc: fc}
	case *nixast.Apply:
		return ev.apply(ev.eval(e.Fun, env, fc), ev.lazy(e.Arg, env, fc))
	case *nixast.Select:
		return ev.evalSelect(e, env, fc)
	case *nixast.HasAttr:
		return ev.evalHasAttr(e, env, fc)
	case *nixast.Unary:
		return ev.evalUnary(e, env, fc)
	case *nixast.Binary:
		return ev.evalBinary(e, env, fc)
	}
	return unknownWhy("text that does not parse")
}

// lookup finds name the way Nix does: lexical bindings first, however
// far out; then the innermost `with` that has it; then the builtins.
// A `with` whose set is unknown is passed over (lib and pkgs do not
// define uptix's names); if no `with` has the name, it is unknown.
func (ev *evaluator) lookup(name string, env *scope) *thunk {
	for s := env; s != nil; s = s.parent {
		if t, ok := s.vars[name]; ok {
			return t
		}
	}
	var unknownWith *unknown
	for s := env; s != nil; s = s.parent {
		if s.with == nil {
			continue
		}
		switch w := ev.force(s.with).(type) {
		case *attrsV:
			if t, ok := w.m[name]; ok {
				return t
			}
		case *moduleV:
			if v := moduleAttr(name); v != nil {
				return done(v)
			}
		case *builtinsV:
			if v := builtinAttr(name); v != nil {
				return done(v)
			}
		case *unknown:
			if unknownWith == nil {
				unknownWith = w
			}
		}
	}
	if v := globalBuiltin(name); v != nil {
		return done(v)
	}
	if unknownWith != nil && unknownWith.path != "" {
		return done(unknownPath(unknownWith.path + "." + name))
	}
	return done(unknownPath(name))
}

func moduleAttr(name string) value {
	switch k := Kind(name); k {
	case DockerImage, PullDockerImage, GitHubBranch, GitHubRelease:
		return &funcV{kind: k}
	}
	return nil
}

// Names in scope everywhere.
func globalBuiltin(name string) value {
	switch name {
	case "true":
		return &boolV{true}
	case "false":
		return &boolV{false}
	case "null":
		return &nullV{}
	case "builtins":
		return &builtinsV{}
	case "map", "import", "toString", "removeAttrs", "baseNameOf", "dirOf":
		return &primV{name: name}
	}
	return nil
}

// builtinAttr is builtins.<name>.
func builtinAttr(name string) value {
	if _, ok := primArity[name]; ok {
		return &primV{name: name}
	}
	switch name {
	case "true", "false", "null":
		return globalBuiltin(name)
	}
	return nil
}

// primArity lists the builtin and lib functions the evaluator knows.
var primArity = map[string]int{
	"map":              2,
	"forEach":          2,
	"mapAttrs":         2,
	"mapAttrsToList":   2,
	"genAttrs":         2,
	"import":           1,
	"toString":         1,
	"readFile":         1,
	"fromJSON":         1,
	"removeAttrs":      2,
	"baseNameOf":       1,
	"dirOf":            1,
	"attrValues":       1,
	"attrNames":        1,
	"concatLists":      1,
	"toLower":          1,
	"toUpper":          1,
	"id":               1,
	"importJSON":       1,
	"concatStrings":    1,
	"concatStringsSep": 2,
	"optionalString":   2,
	"elemAt":           2,
	"head":             1,
	"getAttr":          2,
	"replaceStrings":   3,
	"concatMap":        2,
	"imap0":            2,
	"imap1":            2,
	"mapAttrs'":        2,
	"concatMapAttrs":   2,
}

// libFuncs are the lib functions recognised by their last name when lib
// itself is unknown (a function parameter): lib.mapAttrs, pkgs.lib.genAttrs.
var libFuncs = map[string]bool{
	"map": true, "forEach": true, "mapAttrs": true, "mapAttrsToList": true,
	"genAttrs": true, "attrValues": true, "attrNames": true,
	"concatLists": true, "toLower": true, "toUpper": true, "id": true,
	"readFile": true, "fromJSON": true, "importJSON": true,
	"concatStrings": true, "concatStringsSep": true, "optionalString": true,
	"elemAt": true, "head": true, "getAttr": true, "replaceStrings": true,
	"concatMap": true, "imap0": true, "imap1": true, "mapAttrs'": true,
	"concatMapAttrs": true,
}

// uptixModuleSuffix is how code outside a NixOS module reaches the
// functions: (flake.nixosModules.uptix ./uptix.lock { … })._module.args.uptix.
const uptixModuleSuffix = "._module.args.uptix"

func (ev *evaluator) evalSelect(e *nixast.Select, env *scope, fc *fileCtx) value {
	v := ev.eval(e.X, env, fc)
	if e.Path == nil {
		return unknownWhy("text that does not parse")
	}
	for _, a := range e.Path.Names {
		name, ok := ev.attrName(a, env, fc)
		if !ok {
			v = unknownWhy("a computed attribute name")
			break
		}
		next, found := ev.selectAttr(v, name)
		if !found {
			if e.Default != nil {
				return ev.eval(e.Default, env, fc)
			}
			if _, isUnknown := v.(*unknown); !isUnknown {
				return unknownWhy("a missing attribute `" + name + "`")
			}
		}
		v = next
	}
	if _, ok := v.(*unknown); ok && endsInModuleArgs(e.Path) {
		return &moduleV{}
	}
	if u, ok := v.(*unknown); ok && e.Default != nil {
		// `x.a or d` where x is unknown: either could be the value,
		// unless both stand for the module (`args.uptix or uptix`).
		d := ev.eval(e.Default, env, fc)
		if _, isMod := d.(*moduleV); isMod && strings.HasSuffix(u.path, ".uptix") {
			return d
		}
		return unknownWhy(u.desc + " or its default")
	}
	return v
}

// selectAttr selects one name from v. found is false when v is known
// and lacks the name.
func (ev *evaluator) selectAttr(v value, name string) (value, bool) {
	switch v := v.(type) {
	case *attrsV:
		if t, ok := v.m[name]; ok {
			return ev.force(t), true
		}
		return nil, false
	case *moduleV:
		if f := moduleAttr(name); f != nil {
			return f, true
		}
		return unknownPath("uptix." + name), true
	case *builtinsV:
		if b := builtinAttr(name); b != nil {
			return b, true
		}
		return unknownPath("builtins." + name), true
	case *unknown:
		if v.argSet && name == "uptix" {
			return &moduleV{}, true
		}
		if v.path == "" {
			return v, true
		}
		p := v.path + "." + name
		if strings.HasSuffix(p, uptixModuleSuffix) {
			return &moduleV{}, true
		}
		return &unknown{path: p, desc: "`" + p + "`", param: v.param}, true
	}
	return unknownWhy("an attribute of a value that is not a set"), true
}

// endsInModuleArgs reports whether p ends in `_module.args.uptix`.
func endsInModuleArgs(p *nixast.AttrPath) bool {
	if p == nil {
		return false
	}
	n := len(p.Names)
	if n < 3 {
		return false
	}
	for i, want := range []string{"_module", "args", "uptix"} {
		if name, ok := nixast.StaticName(p.Names[n-3+i]); !ok || name != want {
			return false
		}
	}
	return true
}

func (ev *evaluator) evalHasAttr(e *nixast.HasAttr, env *scope, fc *fileCtx) value {
	v := ev.eval(e.X, env, fc)
	if e.Path == nil {
		return unknownWhy("text that does not parse")
	}
	for _, a := range e.Path.Names {
		name, ok := ev.attrName(a, env, fc)
		if !ok {
			return unknownWhy("a computed attribute name")
		}
		s, isSet := v.(*attrsV)
		if !isSet {
			if u, ok := v.(*unknown); ok {
				return u
			}
			return &boolV{false}
		}
		t, has := s.m[name]
		if !has {
			return &boolV{false}
		}
		v = ev.force(t)
	}
	return &boolV{true}
}

// attrName is the name an attribute path element stands for.
func (ev *evaluator) attrName(a nixast.AttrName, env *scope, fc *fileCtx) (string, bool) {
	if n, ok := nixast.StaticName(a); ok {
		return n, true
	}
	var v value
	switch a := a.(type) {
	case *nixast.String:
		v = ev.evalParts(a.Parts, env, fc)
	case *nixast.Interp:
		v = ev.eval(a.X, env, fc)
	}
	if s, ok := v.(*strV); ok {
		return s.s, true
	}
	return "", false
}

// evalParts concatenates the parts of a string.
func (ev *evaluator) evalParts(parts []nixast.StrPart, env *scope, fc *fileCtx) value {
	var b strings.Builder
	for _, p := range parts {
		switch p := p.(type) {
		case *nixast.Lit:
			b.WriteString(p.Text)
		case *nixast.Interp:
			v := ev.eval(p.X, env, fc)
			s, ok := ev.coerce(v, false)
			if !ok {
				if u, isU := v.(*unknown); isU {
					return u
				}
				return unknownWhy("an interpolation of " + typeName(v))
			}
			b.WriteString(s)
			if b.Len() > maxString {
				return tooLong
			}
		}
	}
	return &strV{b.String()}
}

// maxString bounds the strings the evaluator builds: an image reference
// or a name is short, and doubling a string in a loop must not take the
// memory.
const maxString = 4096

var tooLong = unknownWhy("a string too long to follow")

func longString(s string) value {
	if len(s) > maxString {
		return tooLong
	}
	return &strV{s}
}

// coerce turns v into a string as interpolation (or toString, when
// loose) does; when it cannot, v is replaced by an unknown in place of
// the reason and ok is false.
func (ev *evaluator) coerce(v value, loose bool) (string, bool) {
	switch x := v.(type) {
	case *strV:
		return x.s, true
	case *intV:
		if loose {
			return strconv.FormatInt(x.i, 10), true
		}
	case *boolV:
		if loose {
			if x.b {
				return "1", true
			}
			return "", true
		}
	case *nullV:
		if loose {
			return "", true
		}
	}
	return "", false
}

func (ev *evaluator) evalPath(e *nixast.Path, env *scope, fc *fileCtx) value {
	var b strings.Builder
	for _, p := range e.Parts {
		switch p := p.(type) {
		case *nixast.Lit:
			b.WriteString(p.Text)
		case *nixast.Interp:
			s, ok := ev.coerce(ev.eval(p.X, env, fc), false)
			if !ok {
				return unknownWhy("an interpolated path")
			}
			b.WriteString(s)
		}
	}
	p := b.String()
	switch {
	case strings.HasPrefix(p, "/"):
		return &pathV{filepath.Clean(p)}
	case strings.HasPrefix(p, "~"):
		return unknownPath(p)
	case fc.abs == "":
		return unknownPath(p)
	}
	return &pathV{filepath.Join(filepath.Dir(fc.abs), p)}
}

func (ev *evaluator) evalUnary(e *nixast.Unary, env *scope, fc *fileCtx) value {
	v := ev.eval(e.X, env, fc)
	switch x := v.(type) {
	case *boolV:
		if e.Op == nixast.OpNot {
			return &boolV{!x.b}
		}
	case *intV:
		if e.Op == nixast.OpNeg {
			return &intV{-x.i}
		}
	case *unknown:
		return x
	}
	return unknownWhy("an operator applied to an unsuitable value")
}

func (ev *evaluator) evalBinary(e *nixast.Binary, env *scope, fc *fileCtx) value {
	switch e.Op {
	case nixast.OpPipeInto:
		return ev.apply(ev.eval(e.Y, env, fc), ev.lazy(e.X, env, fc))
	case nixast.OpPipeFrom:
		return ev.apply(ev.eval(e.X, env, fc), ev.lazy(e.Y, env, fc))
	case nixast.OpAnd, nixast.OpOr, nixast.OpImpl:
		return ev.logic(e, env, fc)
	}
	x, y := ev.eval(e.X, env, fc), ev.eval(e.Y, env, fc)
	if u, ok := x.(*unknown); ok {
		return u
	}
	if u, ok := y.(*unknown); ok {
		return u
	}
	switch e.Op {
	case nixast.OpAdd:
		switch x := x.(type) {
		case *strV:
			if s, ok := ev.coerce(y, false); ok {
				return longString(x.s + s)
			}
			if p, ok := y.(*pathV); ok {
				_ = p
				return unknownWhy("a path added to a string (it is copied to the store)")
			}
		case *pathV:
			if s, ok := y.(*strV); ok {
				return &pathV{filepath.Clean(x.p + s.s)}
			}
			if p, ok := y.(*pathV); ok {
				return &pathV{filepath.Clean(x.p + p.p)}
			}
		case *intV:
			if y, ok := y.(*intV); ok {
				return &intV{x.i + y.i}
			}
		}
	case nixast.OpConcat:
		xl, ok1 := x.(*listV)
		yl, ok2 := y.(*listV)
		if ok1 && ok2 {
			elems := append(append([]*thunk{}, xl.elems...), yl.elems...)
			return &listV{elems: elems}
		}
	case nixast.OpUpdate:
		xs, ok1 := x.(*attrsV)
		ys, ok2 := y.(*attrsV)
		if ok1 && ok2 {
			m := make(map[string]*thunk, len(xs.m)+len(ys.m))
			for k, t := range xs.m {
				m[k] = t
			}
			for k, t := range ys.m {
				m[k] = t
			}
			return &attrsV{m: m}
		}
	case nixast.OpEq, nixast.OpNotEq:
		if eq, ok := constEqual(x, y); ok {
			return &boolV{eq == (e.Op == nixast.OpEq)}
		}
		return unknownWhy("a comparison of values that are not constant")
	}
	return unknownWhy("the result of `" + e.Op.String() + "` on values it cannot combine statically")
}

func constEqual(x, y value) (bool, bool) {
	switch x := x.(type) {
	case *strV:
		y, ok := y.(*strV)
		return ok && x.s == y.s, true
	case *intV:
		y, ok := y.(*intV)
		return ok && x.i == y.i, true
	case *boolV:
		y, ok := y.(*boolV)
		return ok && x.b == y.b, true
	case *nullV:
		_, ok := y.(*nullV)
		return ok, true
	}
	return false, false
}

func (ev *evaluator) logic(e *nixast.Binary, env *scope, fc *fileCtx) value {
	x := ev.eval(e.X, env, fc)
	xb, ok := x.(*boolV)
	if !ok {
		if u, isU := x.(*unknown); isU {
			return u
		}
		return unknownWhy("a logical operator on a value that is not a Boolean")
	}
	switch {
	case e.Op == nixast.OpAnd && !xb.b:
		return &boolV{false}
	case e.Op == nixast.OpOr && xb.b:
		return &boolV{true}
	case e.Op == nixast.OpImpl && !xb.b:
		return &boolV{true}
	}
	return ev.eval(e.Y, env, fc)
}

// attrs builds a set from bindings: values are evaluated in valEnv,
// inherited names and computed attribute names in outer (they differ
// for rec sets and let).
func (ev *evaluator) attrs(bs []nixast.Binding, valEnv, outer *scope, fc *fileCtx) *attrsV {
	m := map[string]*thunk{}
	for _, b := range bs {
		switch b := b.(type) {
		case *nixast.AttrDef:
			ev.define(m, b.Path.Names, ev.lazy(b.Value, valEnv, fc), outer, fc)
		case *nixast.Inherit:
			ev.inherit(m, b, valEnv, outer, fc)
		}
	}
	return &attrsV{m: m}
}

// define adds path = t to m. Names defined twice (`a.b = 1; a.c = 2;`)
// merge lazily, the way Nix merges them. A name that is not constant
// is left out: selecting it gives "missing".
func (ev *evaluator) define(m map[string]*thunk, path []nixast.AttrName, t *thunk, env *scope, fc *fileCtx) {
	name, ok := ev.attrName(path[0], env, fc)
	if !ok {
		return
	}
	if len(path) > 1 {
		inner := map[string]*thunk{}
		ev.define(inner, path[1:], t, env, fc)
		t = done(&attrsV{m: inner})
	}
	if old, exists := m[name]; exists {
		t = &thunk{expr: &mergeOf{a: old, b: t}}
	}
	m[name] = t
}

// mergeOf is a synthetic expression: the sets of two thunks merged, as
// two definitions of one attribute are.
type mergeOf struct {
	syntheticExpr
	a, b *thunk
}

func (ev *evaluator) merge(x *mergeOf) value {
	as, ok1 := ev.force(x.a).(*attrsV)
	bs, ok2 := ev.force(x.b).(*attrsV)
	if !ok1 || !ok2 {
		return ev.force(x.b)
	}
	m := make(map[string]*thunk, len(as.m)+len(bs.m))
	for k, t := range as.m {
		m[k] = t
	}
	for k, t := range bs.m {
		if old, exists := m[k]; exists {
			t = &thunk{expr: &mergeOf{a: old, b: t}}
		}
		m[k] = t
	}
	return &attrsV{m: m}
}

// inherit adds the names of `inherit (from) names;`: from is evaluated
// in valEnv, plain names looked up in env.
func (ev *evaluator) inherit(m map[string]*thunk, b *nixast.Inherit, valEnv, env *scope, fc *fileCtx) {
	var from *thunk
	if b.From != nil {
		from = ev.lazy(b.From, valEnv, fc)
	}
	for _, a := range b.Names {
		name, ok := ev.attrName(a, env, fc)
		if !ok {
			continue
		}
		if from == nil {
			m[name] = ev.lookup(name, env)
			continue
		}
		m[name] = &thunk{expr: &selectOf{from: from, name: name}}
	}
}

// selectOf is a synthetic expression `from.name` over an existing thunk.
type selectOf struct {
	syntheticExpr
	from *thunk
	name string
}

func (ev *evaluator) selectFrom(x *selectOf) value {
	v, found := ev.selectAttr(ev.force(x.from), x.name)
	if !found {
		return unknownWhy("a missing attribute `" + x.name + "`")
	}
	return v
}

// recScope makes the scope of a let or rec set: every name is visible
// in every value. It returns the scope and the set.
func (ev *evaluator) recScope(bs []nixast.Binding, env *scope, fc *fileCtx) (*scope, *attrsV) {
	inner := env.child(map[string]*thunk{})
	set := ev.attrs(bs, inner, env, fc)
	for k, t := range set.m {
		inner.vars[k] = t
	}
	return inner, set
}

// apply applies f to arg.
func (ev *evaluator) apply(f value, arg *thunk) value {
	if ev.steps++; ev.steps > ev.limit || ev.depth >= maxDepth {
		return tooComplex
	}
	switch f := f.(type) {
	case *lambdaV:
		ev.depth++
		defer func() { ev.depth-- }()
		return ev.eval(f.lam.Body, ev.bindParams(f, arg, false), f.fc)
	case *funcV:
		return unknownWhy("the result of uptix." + string(f.kind))
	case *primV:
		args := append(append([]*thunk{}, f.args...), arg)
		if len(args) < primArity[f.name] {
			return &primV{name: f.name, args: args}
		}
		return ev.prim(f.name, args)
	case *unknown:
		if f.path != "" {
			last := f.path[strings.LastIndexByte(f.path, '.')+1:]
			if libFuncs[last] && last != f.path {
				return ev.apply(&primV{name: last}, arg)
			}
			return unknownWhy("the result of `" + f.path + "`")
		}
		return f
	}
	return unknownWhy("a call of a value that is not a function")
}

// bindParams makes the scope of f's body for the argument arg (nil: a
// caller discovery cannot see). With arg nil, a formal with a default
// gets its default, unless open is set: then it is unknown too (a
// caller may pass another value), and every unknown parameter is
// marked as one (unknown.param).
func (ev *evaluator) bindParams(f *lambdaV, arg *thunk, open bool) *scope {
	lam := f.lam
	vars := map[string]*thunk{}
	inner := f.env.child(vars)
	if arg == nil {
		argName := "argument"
		if lam.Arg != nil {
			argName = lam.Arg.Name
		}
		desc := "`" + argName + "`"
		if lam.Formals == nil {
			desc += fmt.Sprintf(" (a parameter of the function at line %d)", f.fc.line(lam.Pos()))
		}
		arg = done(&unknown{path: argName, desc: desc, argSet: true, param: open})
		if lam.Formals == nil && lam.Arg != nil && lam.Arg.Name == "uptix" {
			arg = done(&moduleV{})
		}
	}
	if lam.Arg != nil {
		vars[lam.Arg.Name] = arg
	}
	if lam.Formals == nil {
		return inner
	}
	var set *attrsV
	var unknownArg *unknown
	switch a := ev.force(arg).(type) {
	case *attrsV:
		set = a
	case *unknown:
		unknownArg = a
	default:
		unknownArg = unknownWhy("an argument that is not a set")
	}
	for _, fm := range lam.Formals.List {
		name := fm.Name.Name
		switch {
		case set != nil && set.m[name] != nil:
			vars[name] = set.m[name]
		case fm.Default != nil && unknownArg != nil && !unknownArg.argSet:
			// An argument not known may hold the name: not the default.
			u := &unknown{path: unknownArg.path, desc: unknownArg.desc + " or the default of `" + name + "`", param: unknownArg.param}
			if u.path != "" {
				u.path += "." + name
			}
			vars[name] = done(u)
		case fm.Default != nil && open && unknownArg != nil && unknownArg.argSet:
			vars[name] = done(&unknown{path: name, param: true, desc: "`" + name +
				"` (a parameter with a default, which calls discovery does not follow may override)"})
		case fm.Default != nil:
			vars[name] = ev.lazy(fm.Default, inner, f.fc)
		case name == "uptix" && (unknownArg == nil || unknownArg.argSet):
			vars[name] = done(&moduleV{})
		case unknownArg != nil && unknownArg.argSet:
			vars[name] = done(&unknown{path: name, desc: "`" + name + "`", param: unknownArg.param})
		case unknownArg != nil && unknownArg.path != "":
			vars[name] = done(unknownPath(unknownArg.path + "." + name))
		case unknownArg != nil:
			vars[name] = done(unknownArg)
		default:
			vars[name] = done(unknownWhy("a missing argument `" + name + "`"))
		}
	}
	return inner
}
