package nixast

import (
	"io"
	"math"
	"path"
	"sort"
	"strconv"
	"strings"
)

// NixOptions configures PrintNix.
type NixOptions struct {
	// BaseDir is the directory relative paths are resolved against (Nix
	// uses the file's directory). It should be absolute.
	BaseDir string
	// Home replaces `~` in home paths.
	Home string
}

// PrintNix writes e fully parenthesised, the way `nix-instantiate
// --parse` prints it (Nix 2.8): attribute sets sorted, nested attribute
// paths merged, `-x` as `(__sub 0 x)`, `<p>` as `__findFile`, operators
// as the builtins Nix calls, paths absolute. Pipes print as the calls
// they stand for.
func PrintNix(w io.Writer, e Expr, opts NixOptions) error {
	np := &nixPrinter{opts: opts, b: &attrBuilder{}}
	np.expr(e)
	_, err := io.WriteString(w, np.sb.String())
	return err
}

// FormatNix returns PrintNix's output as a string.
func FormatNix(e Expr, opts NixOptions) string {
	var sb strings.Builder
	_ = PrintNix(&sb, e, opts)
	return sb.String()
}

type nixPrinter struct {
	opts NixOptions
	sb   strings.Builder
	b    *attrBuilder
}

func (np *nixPrinter) s(s string) { np.sb.WriteString(s) }

// quoteNix writes s the way Nix prints strings.
func quoteNix(sb *strings.Builder, s string) {
	sb.WriteByte('"')
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '"', '\\', '$':
			sb.WriteByte('\\')
			sb.WriteByte(c)
		case '\n':
			sb.WriteString(`\n`)
		case '\r':
			sb.WriteString(`\r`)
		case '\t':
			sb.WriteString(`\t`)
		default:
			sb.WriteByte(c)
		}
	}
	sb.WriteByte('"')
}

func (np *nixPrinter) str(s string) { quoteNix(&np.sb, s) }

// ident writes an attribute name, quoting it unless it is a plain
// identifier (Nix 2.8 quotes only the keyword `if`).
func (np *nixPrinter) ident(s string) {
	ok := s != "" && isIDStart(s[0]) && s != "if"
	for i := 1; ok && i < len(s); i++ {
		ok = isIDChar(s[i])
	}
	if ok {
		np.s(s)
	} else {
		np.str(s)
	}
}

// callForm returns the function and arguments of the call Nix builds for
// e, if it builds one (application, negation, -, *, /, <, >, <p>, pipes).
func callForm(e Expr) (fun Expr, args []Expr, ok bool) {
	switch e := unparen(e).(type) {
	case *Apply:
		// Walk down the chain of applications iteratively: long chains
		// (f a b c …) must not cost quadratic time.
		var rev []Expr
		var cur Expr = e
		for {
			a, ok := unparen(cur).(*Apply)
			if !ok {
				break
			}
			rev = append(rev, a.Arg)
			cur = a.Fun
		}
		fun, args, ok := callForm(cur)
		if !ok {
			fun, args = cur, nil
		}
		args = append(args[:len(args):len(args)], make([]Expr, 0, len(rev))...)
		for i := len(rev) - 1; i >= 0; i-- {
			args = append(args, rev[i])
		}
		return fun, args, true
	case *Unary:
		if e.Op == OpNeg {
			return &Ident{Name: "__sub"}, []Expr{&Int{Raw: "0"}, e.X}, true
		}
	case *Binary:
		switch e.Op {
		case OpSub:
			return &Ident{Name: "__sub"}, []Expr{e.X, e.Y}, true
		case OpMul:
			return &Ident{Name: "__mul"}, []Expr{e.X, e.Y}, true
		case OpDiv:
			return &Ident{Name: "__div"}, []Expr{e.X, e.Y}, true
		case OpLess:
			return &Ident{Name: "__lessThan"}, []Expr{e.X, e.Y}, true
		case OpGreater:
			return &Ident{Name: "__lessThan"}, []Expr{e.Y, e.X}, true
		case OpPipeInto:
			if f, a, ok := callForm(e.Y); ok {
				return f, append(a[:len(a):len(a)], e.X), true
			}
			return e.Y, []Expr{e.X}, true
		case OpPipeFrom:
			if f, a, ok := callForm(e.X); ok {
				return f, append(a[:len(a):len(a)], e.Y), true
			}
			return e.X, []Expr{e.Y}, true
		}
	case *SearchPath:
		return &Ident{Name: "__findFile"}, []Expr{&Ident{Name: "__nixPath"}, &String{Parts: []StrPart{&Lit{Text: e.Name()}}}}, true
	}
	return nil, nil, false
}

func (np *nixPrinter) call(fun Expr, args []Expr) {
	np.s("(")
	np.expr(fun)
	for _, a := range args {
		np.s(" ")
		np.expr(a)
	}
	np.s(")")
}

func (np *nixPrinter) expr(e Expr) {
	if f, a, ok := callForm(e); ok {
		np.call(f, a)
		return
	}
	switch e := e.(type) {
	case *Ident:
		np.s(e.Name)
	case *Int:
		np.s(strconv.FormatInt(e.Value, 10))
	case *Float:
		np.s(formatFloat(e.Value))
	case *URI:
		np.str(e.Raw)
	case *Path:
		np.path(e)
	case *String:
		np.string(e)
	case *Paren:
		np.expr(e.X)
	case *List:
		np.s("[ ")
		for _, x := range e.Elems {
			np.s("(")
			np.expr(x)
			np.s(") ")
		}
		np.s("]")
	case *AttrSet:
		np.attrs(np.b.build(e.Bindings, e.Rec != NoPos))
	case *LegacyLet:
		np.s("(")
		np.attrs(np.b.build(e.Bindings, true))
		np.s(").body")
	case *Let:
		np.s("(let ")
		a := np.b.build(e.Bindings, false)
		for _, k := range letOrder(a) {
			d := a.attrs[k]
			if d.inherited {
				np.s("inherit ")
				np.ident(k)
				np.s("; ")
				continue
			}
			np.ident(k)
			np.s(" = ")
			np.val(d.val)
			np.s("; ")
		}
		np.s("in ")
		np.expr(e.Body)
		np.s(")")
	case *With:
		np.s("(with ")
		np.expr(e.Scope)
		np.s("; ")
		np.expr(e.Body)
		np.s(")")
	case *Assert:
		np.s("assert ")
		np.expr(e.Cond)
		np.s("; ")
		np.expr(e.Body)
	case *If:
		np.s("(if ")
		np.expr(e.Cond)
		np.s(" then ")
		np.expr(e.ThenX)
		np.s(" else ")
		np.expr(e.ElseX)
		np.s(")")
	case *Lambda:
		np.s("(")
		if e.Formals != nil {
			np.s("{ ")
			for i, f := range e.Formals.List {
				if i > 0 {
					np.s(", ")
				}
				np.s(f.Name.Name)
				if f.Default != nil {
					np.s(" ? ")
					np.expr(f.Default)
				}
			}
			if e.Formals.Ellipsis != NoPos {
				if len(e.Formals.List) > 0 {
					np.s(", ")
				}
				np.s("...")
			}
			np.s(" }")
			if e.Arg != nil {
				np.s(" @ ")
			}
		}
		if e.Arg != nil {
			np.s(e.Arg.Name)
		}
		np.s(": ")
		np.expr(e.Body)
		np.s(")")
	case *Select:
		np.s("(")
		np.expr(e.X)
		np.s(").")
		np.attrPath(e.Path)
		if e.Default != nil {
			np.s(" or (")
			np.expr(e.Default)
			np.s(")")
		}
	case *HasAttr:
		np.s("((")
		np.expr(e.X)
		np.s(") ? ")
		np.attrPath(e.Path)
		np.s(")")
	case *Unary:
		np.s("(! ")
		np.expr(e.X)
		np.s(")")
	case *Binary:
		switch e.Op {
		case OpLessEq:
			np.s("(! ")
			np.call(&Ident{Name: "__lessThan"}, []Expr{e.Y, e.X})
			np.s(")")
			return
		case OpGreaterEq:
			np.s("(! ")
			np.call(&Ident{Name: "__lessThan"}, []Expr{e.X, e.Y})
			np.s(")")
			return
		}
		np.s("(")
		np.expr(e.X)
		np.s(" " + e.Op.String() + " ")
		np.expr(e.Y)
		np.s(")")
	default:
		np.s("<error>")
	}
}

func formatFloat(v float64) string {
	if math.IsInf(v, 0) {
		if v > 0 {
			return "inf"
		}
		return "-inf"
	}
	return strconv.FormatFloat(v, 'g', 6, 64)
}

func (np *nixPrinter) attrPath(a *AttrPath) {
	if a == nil {
		return
	}
	for i, n := range a.Names {
		if i > 0 {
			np.s(".")
		}
		if s, ok := StaticName(n); ok {
			np.ident(s)
			continue
		}
		np.s(`"${`)
		np.expr(dynName(n))
		np.s(`}"`)
	}
}

func (np *nixPrinter) val(v nVal) {
	switch {
	case v.from != nil:
		np.s("(")
		np.expr(v.from)
		np.s(").")
		np.ident(v.name)
	case v.set != nil:
		np.attrs(v.set)
	default:
		np.expr(v.e)
	}
}

func (np *nixPrinter) attrs(a *nAttrs) {
	// A set holding only a set, as a long path (`a.b.….z = 1;`) makes,
	// is printed in a loop rather than by recursion.
	closers := 0
	for !a.rec && len(a.dyn) == 0 && len(a.attrs) == 1 {
		var k string
		var d *nDef
		for k, d = range a.attrs {
		}
		if d.inherited || d.val.set == nil {
			break
		}
		np.s("{ ")
		np.ident(k)
		np.s(" = ")
		a = d.val.set
		closers++
	}
	defer func() {
		for ; closers > 0; closers-- {
			np.s("; }")
		}
	}()
	if a.rec {
		np.s("rec ")
	}
	np.s("{ ")
	keys := make([]string, 0, len(a.attrs))
	for k := range a.attrs {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		d := a.attrs[k]
		if d.inherited {
			np.s("inherit ")
			np.ident(k)
			np.s(" ; ")
			continue
		}
		np.ident(k)
		np.s(" = ")
		np.val(d.val)
		np.s("; ")
	}
	for _, d := range a.dyn {
		np.s(`"${`)
		np.expr(d.name)
		np.s(`}" = `)
		np.val(d.val)
		np.s("; ")
	}
	np.s("}")
}

// letOrder returns the let bindings sorted by name. Nix 2.8 prints them
// in the order of its symbols' addresses, which is not reproducible.
func letOrder(a *nAttrs) []string {
	keys := make([]string, 0, len(a.attrs))
	for k := range a.attrs {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

func (np *nixPrinter) string(s *String) {
	if !s.Indented {
		switch {
		case len(s.Parts) == 0:
			np.str("")
		case len(s.Parts) == 1 && isLit(s.Parts[0]):
			np.str(s.Parts[0].(*Lit).Text)
		default:
			np.s("(")
			for i, p := range s.Parts {
				if i > 0 {
					np.s(" + ")
				}
				np.part(p)
			}
			np.s(")")
		}
		return
	}
	// Indented: one element per lexer piece.
	var elems []func()
	for _, p := range s.Parts {
		switch p := p.(type) {
		case *Lit:
			for _, pc := range p.pieces {
				elems = append(elems, func() { np.str(pc) })
			}
		case *Interp:
			elems = append(elems, func() { np.expr(p.X) })
		}
	}
	if len(elems) == 0 {
		np.str("")
		return
	}
	if len(elems) == 1 {
		if v, ok := s.nixConst(); ok {
			np.str(v)
			return
		}
	}
	np.s("(")
	for i, f := range elems {
		if i > 0 {
			np.s(" + ")
		}
		f()
	}
	np.s(")")
}

func isLit(p StrPart) bool {
	_, ok := p.(*Lit)
	return ok
}

func (np *nixPrinter) part(p StrPart) {
	switch p := p.(type) {
	case *Lit:
		np.str(p.Text)
	case *Interp:
		np.expr(p.X)
	}
}

func (np *nixPrinter) path(e *Path) {
	first := e.Parts[0].(*Lit).Raw
	var abs string
	if strings.HasPrefix(first, "~") {
		abs = np.opts.Home + first[1:]
	} else {
		if strings.HasPrefix(first, "/") {
			abs = path.Clean(first)
		} else {
			abs = path.Clean(np.opts.BaseDir + "/" + first)
		}
		if strings.HasSuffix(first, "/") && len(first) > 1 && abs != "/" {
			abs += "/"
		}
	}
	if len(e.Parts) == 1 {
		np.s(abs)
		return
	}
	np.s("(" + abs)
	for _, p := range e.Parts[1:] {
		np.s(" + ")
		np.part(p)
	}
	np.s(")")
}
