package nixast

import (
	"bytes"
	"io"
)

// Print writes the file back from its tree and trivia. For every input,
// Print(ParseFile(src)) reproduces src byte for byte.
func Print(w io.Writer, f *File) error {
	var pr tokenPrinter
	pr.trivia = f.Trivia
	pr.src = f.Src
	pr.node(f.Expr)
	if f.Rest != nil {
		pr.node(f.Rest)
	}
	pr.flush(len(f.Src) + 1)
	_, err := w.Write(pr.buf.Bytes())
	return err
}

// Format returns Print's output as a string.
func Format(f *File) string {
	var b bytes.Buffer
	_ = Print(&b, f)
	return b.String()
}

type tokenPrinter struct {
	buf    bytes.Buffer
	trivia []Trivia
	src    []byte
	cursor int // end of the last emitted text
}

// flush emits the trivia before offset off.
func (p *tokenPrinter) flush(off int) {
	for len(p.trivia) > 0 && p.trivia[0].Off < off {
		t := p.trivia[0]
		p.trivia = p.trivia[1:]
		if t.Off < p.cursor {
			continue // inside text already emitted (a skipped region)
		}
		p.buf.Write(p.src[t.Off:t.EOff])
		p.cursor = t.EOff
	}
}

// tok emits the text of a token at off.
func (p *tokenPrinter) tok(off int, text string) {
	if off == NoPos {
		return
	}
	p.flush(off)
	p.buf.WriteString(text)
	p.cursor = off + len(text)
}

func (p *tokenPrinter) path(a *AttrPath) {
	if a == nil {
		return
	}
	for i, n := range a.Names {
		if i > 0 {
			p.tok(a.Dots[i-1], ".")
		}
		p.node(n)
	}
}

func (p *tokenPrinter) bindings(bs []Binding) {
	for _, b := range bs {
		p.node(b)
	}
}

func (p *tokenPrinter) node(n Node) {
	switch n := n.(type) {
	case *Ident:
		p.tok(n.NamePos, n.Name)
	case *Int:
		p.tok(n.ValuePos, n.Raw)
	case *Float:
		p.tok(n.ValuePos, n.Raw)
	case *URI:
		p.tok(n.ValuePos, n.Raw)
	case *SearchPath:
		p.tok(n.ValuePos, n.Raw)
	case *Path:
		for _, part := range n.Parts {
			p.node(part)
		}
	case *String:
		// The opening token (for indented strings with the skipped
		// spaces and newline) is source text the tree does not model.
		p.tok(n.Open, string(p.src[n.Open:n.OpenEnd]))
		for _, part := range n.Parts {
			p.node(part)
		}
		if n.Close != NoPos {
			if n.Indented {
				p.tok(n.Close, "''")
			} else {
				p.tok(n.Close, `"`)
			}
		}
	case *Lit:
		p.tok(n.ValuePos, n.Raw)
	case *Interp:
		p.tok(n.Dollar, "${")
		p.node(n.X)
		p.tok(n.Rbrace, "}")
	case *Paren:
		p.tok(n.Lparen, "(")
		p.node(n.X)
		p.tok(n.Rparen, ")")
	case *List:
		p.tok(n.Lbrack, "[")
		for _, e := range n.Elems {
			p.node(e)
		}
		p.tok(n.Rbrack, "]")
	case *AttrSet:
		p.tok(n.Rec, "rec")
		p.tok(n.Lbrace, "{")
		p.bindings(n.Bindings)
		p.tok(n.Rbrace, "}")
	case *LegacyLet:
		p.tok(n.Let, "let")
		p.tok(n.Lbrace, "{")
		p.bindings(n.Bindings)
		p.tok(n.Rbrace, "}")
	case *AttrPath:
		p.path(n)
	case *AttrDef:
		p.path(n.Path)
		p.tok(n.Eq, "=")
		p.node(n.Value)
		p.tok(n.Semi, ";")
	case *Inherit:
		p.tok(n.Inherit, "inherit")
		p.tok(n.Lparen, "(")
		if n.From != nil {
			p.node(n.From)
		}
		p.tok(n.Rparen, ")")
		for _, a := range n.Names {
			p.node(a)
		}
		p.tok(n.Semi, ";")
	case *Let:
		p.tok(n.Let, "let")
		p.bindings(n.Bindings)
		p.tok(n.In, "in")
		p.node(n.Body)
	case *With:
		p.tok(n.With, "with")
		p.node(n.Scope)
		p.tok(n.Semi, ";")
		p.node(n.Body)
	case *Assert:
		p.tok(n.Assert, "assert")
		p.node(n.Cond)
		p.tok(n.Semi, ";")
		p.node(n.Body)
	case *If:
		p.tok(n.If, "if")
		p.node(n.Cond)
		p.tok(n.Then, "then")
		p.node(n.ThenX)
		p.tok(n.Else, "else")
		p.node(n.ElseX)
	case *Lambda:
		if n.Arg != nil && (n.ArgFirst || n.Formals == nil) {
			p.node(n.Arg)
			p.tok(n.At, "@")
		}
		if n.Formals != nil {
			p.node(n.Formals)
			if !n.ArgFirst {
				p.tok(n.At, "@")
				if n.Arg != nil {
					p.node(n.Arg)
				}
			}
		}
		p.tok(n.Colon, ":")
		p.node(n.Body)
	case *Formals:
		p.tok(n.Lbrace, "{")
		for _, f := range n.List {
			p.node(f)
		}
		p.tok(n.Ellipsis, "...")
		p.tok(n.Rbrace, "}")
	case *Formal:
		p.node(n.Name)
		p.tok(n.Question, "?")
		if n.Default != nil {
			p.node(n.Default)
		}
		p.tok(n.Comma, ",")
	case *Apply:
		p.node(n.Fun)
		p.node(n.Arg)
	case *Select:
		p.node(n.X)
		p.tok(n.Dot, ".")
		p.path(n.Path)
		p.tok(n.Or, "or")
		if n.Default != nil {
			p.node(n.Default)
		}
	case *HasAttr:
		p.node(n.X)
		p.tok(n.Question, "?")
		p.path(n.Path)
	case *Unary:
		p.tok(n.OpPos, n.Op.String())
		p.node(n.X)
	case *Binary:
		p.node(n.X)
		p.tok(n.OpPos, n.Op.String())
		p.node(n.Y)
	case *Bad:
		if n.To > n.From {
			p.tok(n.From, n.Raw)
		}
	}
}
