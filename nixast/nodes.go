package nixast

// Node is any piece of the syntax tree. Pos is the offset of its first
// byte and End the offset just past its last byte, both in File.Src.
type Node interface {
	Pos() int
	End() int
}

// Expr is an expression node.
type Expr interface {
	Node
	exprNode()
}

// StrPart is a part of a string or path: *Lit or *Interp.
type StrPart interface {
	Node
	strPart()
}

// AttrName is one element of an attribute path or inherit list: *Ident
// (a plain name, including `or`), *String (a quoted name) or *Interp
// (`${e}`); *Bad marks a name missing after a dot in a broken file.
type AttrName interface {
	Node
	attrName()
}

// Binding is an entry of an attribute set or let: *AttrDef, *Inherit, or
// *Bad for text the parser skipped.
type Binding interface {
	Node
	bindingNode()
}

// NoPos marks an optional token that is absent.
const NoPos = -1

// Ident is a variable reference, a parameter or an attribute name.
type Ident struct {
	NamePos int
	Name    string
}

// Int is an integer literal.
type Int struct {
	ValuePos int
	Raw      string
	Value    int64
}

// Float is a floating point literal.
type Float struct {
	ValuePos int
	Raw      string
	Value    float64
}

// URI is an unquoted URI literal such as https://example.com/x.
type URI struct {
	ValuePos int
	Raw      string
}

// SearchPath is a lookup path such as <nixpkgs/lib>.
type SearchPath struct {
	ValuePos int
	Raw      string // with the angle brackets
}

// Name returns the path between the angle brackets.
func (s *SearchPath) Name() string { return s.Raw[1 : len(s.Raw)-1] }

// Path is a path literal: ./a/b, /abs, ~/x, a/b, possibly interpolated
// (./x/${y}.nix). Parts are *Lit (Text equals Raw) and *Interp; the first
// part is always a *Lit.
type Path struct {
	Parts  []StrPart
	EndPos int
}

// String is a double-quoted ("…") or indented (”…”) string.
type String struct {
	Indented bool
	Open     int // offset of `"` or `''`
	// OpenEnd is the end of the opening token. For indented strings Nix
	// skips spaces and one newline right after `''`; they belong to the
	// opening token.
	OpenEnd int
	Parts   []StrPart
	Close   int // offset of the closing `"` or `''`; NoPos when missing
	EndPos  int
}

// Lit is literal text inside a string or path. Raw is the source text of
// Pos()..End(); Text is its value: escapes applied, and for indented
// strings the indentation Nix strips removed (so the concatenation of
// the Text of all literal parts and the values of the interpolations is
// the string's value).
type Lit struct {
	ValuePos int
	Raw      string
	Text     string
	pieces   []string // Nix's lexer tokens after stripping, for PrintNix
}

// Interp is an interpolation `${X}` in a string, path or attribute name.
type Interp struct {
	Dollar int // offset of `${`
	X      Expr
	Rbrace int // NoPos when missing
	EndPos int
}

// Paren is a parenthesised expression.
type Paren struct {
	Lparen int
	X      Expr
	Rparen int // NoPos when missing
	EndPos int
}

// List is `[ e1 e2 … ]`.
type List struct {
	Lbrack int
	Elems  []Expr
	Rbrack int // NoPos when missing
	EndPos int
}

// AttrSet is `{ … }` or `rec { … }`.
type AttrSet struct {
	Rec      int // offset of `rec`, NoPos if not recursive
	Lbrace   int
	Bindings []Binding
	Rbrace   int // NoPos when missing
	EndPos   int
}

// LegacyLet is the old `let { …; body = e; }` form.
type LegacyLet struct {
	Let      int
	Lbrace   int
	Bindings []Binding
	Rbrace   int // NoPos when missing
	EndPos   int
}

// AttrPath is a dotted attribute path a.b."c".${d}.
type AttrPath struct {
	Names []AttrName
	Dots  []int // offsets of the dots, len(Dots) == len(Names)-1
}

// AttrDef is a binding `path = value;`.
type AttrDef struct {
	Path   *AttrPath
	Eq     int // NoPos when missing
	Value  Expr
	Semi   int // NoPos when missing
	EndPos int
}

// Inherit is `inherit a b;` or `inherit (from) a b;`.
type Inherit struct {
	Inherit int
	Lparen  int  // NoPos without a source
	From    Expr // nil without a source
	Rparen  int
	Names   []AttrName
	Semi    int // NoPos when missing
	EndPos  int
}

// Let is `let bindings in body`.
type Let struct {
	Let      int
	Bindings []Binding
	In       int // NoPos when missing
	Body     Expr
}

// With is `with scope; body`.
type With struct {
	With  int
	Scope Expr
	Semi  int
	Body  Expr
}

// Assert is `assert cond; body`.
type Assert struct {
	Assert int
	Cond   Expr
	Semi   int
	Body   Expr
}

// If is `if cond then a else b`.
type If struct {
	If    int
	Cond  Expr
	Then  int
	ThenX Expr
	Else  int
	ElseX Expr
}

// Lambda is a function. Either Arg or Formals or both (`x@{ … }` or
// `{ … }@x`) are set; At is the offset of `@` (NoPos without one) and
// ArgFirst tells which side of `@` the name stands on.
type Lambda struct {
	Arg      *Ident
	At       int
	ArgFirst bool
	Formals  *Formals
	Colon    int
	Body     Expr
}

// Formals is the parameter set `{ a, b ? 1, ... }`.
type Formals struct {
	Lbrace   int
	List     []*Formal
	Ellipsis int // NoPos when absent
	Rbrace   int
	EndPos   int
}

// Formal is one parameter of a parameter set.
type Formal struct {
	Name     *Ident
	Question int  // NoPos without a default
	Default  Expr // nil without a default
	Comma    int  // the comma after it, NoPos when absent
}

// Apply is a function application `Fun Arg`.
type Apply struct {
	Fun Expr
	Arg Expr
}

// Select is `X.path` or `X.path or Default`.
type Select struct {
	X       Expr
	Dot     int
	Path    *AttrPath
	Or      int  // NoPos without a default
	Default Expr // nil without a default
}

// HasAttr is `X ? path`.
type HasAttr struct {
	X        Expr
	Question int
	Path     *AttrPath
}

// Op is a unary or binary operator.
type Op int

const (
	OpNot       Op = iota + 1 // !
	OpNeg                     // - (unary)
	OpMul                     // *
	OpDiv                     // /
	OpAdd                     // +
	OpSub                     // -
	OpConcat                  // ++
	OpUpdate                  // //
	OpLess                    // <
	OpLessEq                  // <=
	OpGreater                 // >
	OpGreaterEq               // >=
	OpEq                      // ==
	OpNotEq                   // !=
	OpAnd                     // &&
	OpOr                      // ||
	OpImpl                    // ->
	OpPipeInto                // |>
	OpPipeFrom                // <|
)

var opText = [...]string{
	OpNot: "!", OpNeg: "-", OpMul: "*", OpDiv: "/", OpAdd: "+", OpSub: "-",
	OpConcat: "++", OpUpdate: "//", OpLess: "<", OpLessEq: "<=", OpGreater: ">",
	OpGreaterEq: ">=", OpEq: "==", OpNotEq: "!=", OpAnd: "&&", OpOr: "||",
	OpImpl: "->", OpPipeInto: "|>", OpPipeFrom: "<|",
}

// String returns the operator as written in Nix.
func (o Op) String() string {
	if o > 0 && int(o) < len(opText) {
		return opText[o]
	}
	return "?"
}

// Unary is `!X` or `-X`.
type Unary struct {
	OpPos int
	Op    Op
	X     Expr
}

// Binary is `X op Y`.
type Binary struct {
	X     Expr
	OpPos int
	Op    Op
	Y     Expr
}

// Bad stands for text the parser could not make sense of, or for a
// missing expression (then From == To and Raw is empty).
type Bad struct {
	From, To int
	Raw      string
}

func (n *Ident) Pos() int      { return n.NamePos }
func (n *Ident) End() int      { return n.NamePos + len(n.Name) }
func (n *Int) Pos() int        { return n.ValuePos }
func (n *Int) End() int        { return n.ValuePos + len(n.Raw) }
func (n *Float) Pos() int      { return n.ValuePos }
func (n *Float) End() int      { return n.ValuePos + len(n.Raw) }
func (n *URI) Pos() int        { return n.ValuePos }
func (n *URI) End() int        { return n.ValuePos + len(n.Raw) }
func (n *SearchPath) Pos() int { return n.ValuePos }
func (n *SearchPath) End() int { return n.ValuePos + len(n.Raw) }
func (n *Path) Pos() int       { return n.Parts[0].Pos() }
func (n *Path) End() int       { return n.EndPos }
func (n *String) Pos() int     { return n.Open }
func (n *String) End() int     { return n.EndPos }
func (n *Lit) Pos() int        { return n.ValuePos }
func (n *Lit) End() int        { return n.ValuePos + len(n.Raw) }
func (n *Interp) Pos() int     { return n.Dollar }
func (n *Interp) End() int     { return n.EndPos }
func (n *Paren) Pos() int      { return n.Lparen }
func (n *Paren) End() int      { return n.EndPos }
func (n *List) Pos() int       { return n.Lbrack }
func (n *List) End() int       { return n.EndPos }
func (n *AttrSet) Pos() int {
	if n.Rec != NoPos {
		return n.Rec
	}
	return n.Lbrace
}
func (n *AttrSet) End() int   { return n.EndPos }
func (n *LegacyLet) Pos() int { return n.Let }
func (n *LegacyLet) End() int { return n.EndPos }
func (n *AttrPath) Pos() int  { return n.Names[0].Pos() }
func (n *AttrPath) End() int  { return n.Names[len(n.Names)-1].End() }
func (n *AttrDef) Pos() int   { return n.Path.Pos() }
func (n *AttrDef) End() int   { return n.EndPos }
func (n *Inherit) Pos() int   { return n.Inherit }
func (n *Inherit) End() int   { return n.EndPos }
func (n *Let) Pos() int       { return n.Let }
func (n *Let) End() int       { return n.Body.End() }
func (n *With) Pos() int      { return n.With }
func (n *With) End() int      { return n.Body.End() }
func (n *Assert) Pos() int    { return n.Assert }
func (n *Assert) End() int    { return n.Body.End() }
func (n *If) Pos() int        { return n.If }
func (n *If) End() int        { return n.ElseX.End() }
func (n *Lambda) Pos() int {
	if n.Arg != nil && (n.ArgFirst || n.Formals == nil) {
		return n.Arg.Pos()
	}
	return n.Formals.Pos()
}
func (n *Lambda) End() int  { return n.Body.End() }
func (n *Formals) Pos() int { return n.Lbrace }
func (n *Formals) End() int { return n.EndPos }
func (n *Formal) Pos() int  { return n.Name.Pos() }
func (n *Formal) End() int {
	if n.Comma != NoPos {
		return n.Comma + 1
	}
	if n.Default != nil {
		return n.Default.End()
	}
	return n.Name.End()
}
func (n *Apply) Pos() int  { return n.Fun.Pos() }
func (n *Apply) End() int  { return n.Arg.End() }
func (n *Select) Pos() int { return n.X.Pos() }
func (n *Select) End() int {
	if n.Default != nil {
		return n.Default.End()
	}
	if n.Path != nil {
		return n.Path.End()
	}
	return n.Dot + 1
}
func (n *HasAttr) Pos() int {
	return n.X.Pos()
}
func (n *HasAttr) End() int {
	if n.Path != nil {
		return n.Path.End()
	}
	return n.Question + 1
}
func (n *Unary) Pos() int  { return n.OpPos }
func (n *Unary) End() int  { return n.X.End() }
func (n *Binary) Pos() int { return n.X.Pos() }
func (n *Binary) End() int { return n.Y.End() }
func (n *Bad) Pos() int    { return n.From }
func (n *Bad) End() int    { return n.To }

func (*Ident) exprNode()      {}
func (*Int) exprNode()        {}
func (*Float) exprNode()      {}
func (*URI) exprNode()        {}
func (*SearchPath) exprNode() {}
func (*Path) exprNode()       {}
func (*String) exprNode()     {}
func (*Paren) exprNode()      {}
func (*List) exprNode()       {}
func (*AttrSet) exprNode()    {}
func (*LegacyLet) exprNode()  {}
func (*Let) exprNode()        {}
func (*With) exprNode()       {}
func (*Assert) exprNode()     {}
func (*If) exprNode()         {}
func (*Lambda) exprNode()     {}
func (*Apply) exprNode()      {}
func (*Select) exprNode()     {}
func (*HasAttr) exprNode()    {}
func (*Unary) exprNode()      {}
func (*Binary) exprNode()     {}
func (*Bad) exprNode()        {}

func (*Lit) strPart()    {}
func (*Interp) strPart() {}

func (*Ident) attrName()  {}
func (*String) attrName() {}
func (*Interp) attrName() {}
func (*Bad) attrName()    {}

func (*AttrDef) bindingNode() {}
func (*Inherit) bindingNode() {}
func (*Bad) bindingNode()     {}

// StaticName returns the name an attribute stands for when Nix's parser
// treats it as static: a plain name, a string without interpolation, or
// an interpolation of such a string (`${"a"}`). ok is false for dynamic
// names.
func StaticName(a AttrName) (name string, ok bool) {
	switch a := a.(type) {
	case *Ident:
		return a.Name, true
	case *String:
		return a.nixConst()
	case *Interp:
		if s, isStr := unparen(a.X).(*String); isStr {
			return s.nixConst()
		}
	}
	return "", false
}

// ConstValue returns the string's value when it has no interpolation.
func (n *String) ConstValue() (string, bool) {
	var b []byte
	for _, p := range n.Parts {
		l, ok := p.(*Lit)
		if !ok {
			return "", false
		}
		b = append(b, l.Text...)
	}
	return string(b), true
}

// nixConst reports whether Nix's parser turns the string into a single
// constant (ExprString), and its value.
func (n *String) nixConst() (string, bool) {
	if !n.Indented {
		switch len(n.Parts) {
		case 0:
			return "", true
		case 1:
			if l, ok := n.Parts[0].(*Lit); ok {
				return l.Text, true
			}
		}
		return "", false
	}
	if len(n.Parts) == 0 {
		return "", true
	}
	if len(n.Parts) != 1 {
		return "", false
	}
	switch p := n.Parts[0].(type) {
	case *Lit:
		if len(p.pieces) == 1 {
			return p.pieces[0], true
		}
	case *Interp:
		if s, ok := unparen(p.X).(*String); ok {
			return s.nixConst()
		}
	}
	return "", false
}

// Unparen strips any parentheses around e.
func Unparen(e Expr) Expr { return unparen(e) }

func unparen(e Expr) Expr {
	for {
		p, ok := e.(*Paren)
		if !ok {
			return e
		}
		e = p.X
	}
}
