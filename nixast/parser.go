package nixast

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// maxDepth limits the nesting of the tree, so that hostile input cannot
// exhaust the stack of the parser or of the code walking its trees. A
// level of parentheses costs 3, a list or a prefix operator 1, a link in a
// chain of let, with, assert, lambdas, else-if or right associative
// operators 1. Nix 2.8 fails with "memory exhausted" when its parser's
// stack passes 10,000 entries, which happens well below this limit for
// every construct (10,000 levels of parentheses, 3,300 of let, 5,000
// operands of ++); at the limit the parser uses about 50 MB of stack.
const maxDepth = 50000

type parser struct {
	file *File
	src  []byte
	str  string // src as a string, so names and raw text share one copy
	errs ErrorList

	tok      tokKind
	pos, end int // current token
	prevEnd  int // end of the text consumed before the current token
	runs     runCache
	peekRuns runCache

	depth      int
	lastErrPos int
	bailed     bool           // nesting limit hit
	reported   map[Error]bool // semantic errors already reported
	scratch    map[string]bool
	slabs
}

func newParser(filename string, src []byte) *parser {
	p := &parser{file: &File{Filename: filename, Src: src}, src: src, str: string(src), lastErrPos: -1}
	p.file.Trivia = make([]Trivia, 0, len(src)/12+4)
	return p
}

// next advances to the next token in the default lexer state, recording
// the trivia it skips.
func (p *parser) next() {
	p.prevEnd = p.end
	i := skipTrivia(p.src, p.end, p.recordTrivia)
	p.pos = i
	p.tok, p.end = scanToken(p.src, i, &p.runs)
	if p.tok == tUnterminatedComment {
		p.errorAt(i, "unterminated comment `/*`")
	}
}

func (p *parser) recordTrivia(t Trivia) { p.file.Trivia = append(p.file.Trivia, t) }

// peekAfter returns the kind and span of the token after offset off,
// without recording anything.
func (p *parser) peekAfter(off int) (tokKind, int, int) {
	i := skipTrivia(p.src, off, nil)
	k, e := scanToken(p.src, i, &p.peekRuns)
	return k, i, e
}

func (p *parser) errorAt(off int, format string, args ...any) {
	if p.bailed || off == p.lastErrPos || len(p.errs) >= 50 {
		return
	}
	p.lastErrPos = off
	p.errs = append(p.errs, &Error{Pos: p.file.Position(off), Msg: fmt.Sprintf(format, args...)})
}

// semErrorAt reports a semantic error; these are never suppressed by the
// syntax-error throttle.
func (p *parser) semErrorAt(off int, format string, args ...any) {
	if p.bailed || len(p.errs) >= 100 {
		return
	}
	e := Error{Pos: p.file.Position(off), Msg: fmt.Sprintf(format, args...)}
	if p.reported[e] {
		return
	}
	if p.reported == nil {
		p.reported = map[Error]bool{}
	}
	p.reported[e] = true
	p.errs = append(p.errs, &e)
}

// describe names the current token for messages.
func (p *parser) describe() string {
	switch p.tok {
	case tID:
		return "identifier `" + p.text() + "`"
	case tInt, tFloat:
		return "number `" + p.text() + "`"
	case tPath, tHPath, tSPath:
		return "path `" + p.text() + "`"
	case tURI:
		return "URI `" + p.text() + "`"
	case tIllegal:
		return describeChar(p.text())
	case tEOF:
		return "end of file"
	}
	return p.tok.String()
}

// describeChar names the illegal character s (one UTF-8 sequence, or
// one byte that does not start one) for a message: printable characters
// as themselves, others by code point (`U+0000`) or byte (`byte 0xFF`), so
// that messages never carry control characters or invalid UTF-8.
func describeChar(s string) string {
	r, size := utf8.DecodeRuneInString(s)
	switch {
	case r == utf8.RuneError && size <= 1:
		return fmt.Sprintf("byte 0x%02X", s[0])
	case size != len(s):
		return fmt.Sprintf("bytes %q", s)
	case unicode.IsPrint(r):
		return "character `" + s + "`"
	}
	return fmt.Sprintf("character U+%04X", r)
}

func (p *parser) text() string { return p.str[p.pos:p.end] }

func (p *parser) unexpected(expected string) {
	if expected == "" {
		p.errorAt(p.pos, "unexpected %s", p.describe())
		return
	}
	p.errorAt(p.pos, "unexpected %s, expected %s", p.describe(), expected)
}

// expect consumes a token of kind k and returns its offset, or reports an
// error and returns NoPos.
func (p *parser) expect(k tokKind, context string) int {
	if p.tok == k {
		off := p.pos
		p.next()
		return off
	}
	exp := k.String()
	if context != "" {
		exp += " " + context
	}
	p.unexpected(exp)
	return NoPos
}

func (p *parser) missing() *Bad {
	// A missing expression sits where the previous token ended.
	at := p.lastEnd(0)
	return &Bad{From: at, To: at}
}

func (p *parser) parseFile() {
	p.next()
	e := p.parseExpr()
	if p.tok != tEOF {
		p.unexpected("end of file")
		from := p.pos
		for p.tok != tEOF {
			p.skipOne()
		}
		p.file.Rest = &Bad{From: from, To: len(p.src), Raw: p.str[from:]}
	}
	// Trailing trivia were recorded by the last next().
	p.file.Expr = e
}

// skipOne skips one token, or a whole string or path, during recovery.
func (p *parser) skipOne() {
	switch p.tok {
	case tDquote, tIndOpen, tPath, tHPath:
		saved := len(p.errs)
		p.parseSimple()
		p.errs = p.errs[:saved]
	case tEOF:
	default:
		p.next()
	}
}

func (p *parser) enter() bool {
	p.depth++
	if p.depth > maxDepth {
		if !p.bailed {
			// The rest of the input is skipped; errors it would cause
			// are not reported.
			p.errs = append(p.errs, &Error{Pos: p.file.Position(p.pos), Msg: "expression nested too deeply"})
			p.bailed = true
		}
		return false
	}
	return true
}

// tooDeep consumes the rest of the input as a Bad node.
func (p *parser) tooDeep() Expr {
	from := p.pos
	for p.tok != tEOF {
		p.next()
	}
	return &Bad{From: from, To: p.pos, Raw: p.str[from:p.pos]}
}

// parseExpr parses expr_function: lambdas, let, with, assert, then if
// and operators. The bodies of these forms (and the else branch of if)
// come last, so chains of them (`let … in let … in …`, `x: y: …`,
// `else if …`, common in generated code) are parsed in a loop, filling
// one hole after another, and do not nest the parser's stack.
func (p *parser) parseExpr() Expr {
	if !p.enter() {
		p.depth--
		return p.tooDeep()
	}
	links := 0 // bodies entered: each nests the tree one level deeper
	defer func() { p.depth -= 1 + links }()
	var root Expr
	hole := &root
	for {
		// A form with a body sets n, the token before its body (NoPos
		// when missing) and the body's place.
		var n Expr
		var prev int
		var body *Expr
		switch p.tok {
		case tID:
			k, _, _ := p.peekAfter(p.end)
			if k == tColon {
				arg := p.ident()
				l := &Lambda{Arg: arg, At: NoPos, Colon: p.pos}
				p.next()
				n, prev, body = l, l.Colon, &l.Body
			} else if k == tAt {
				arg := p.ident()
				at := p.pos
				p.next()
				if p.tok != tLbrace {
					p.unexpected("`{` after `@`")
					*hole = &Lambda{Arg: arg, At: at, ArgFirst: true, Colon: NoPos, Body: p.missing()}
					return root
				}
				formals := p.parseFormals()
				l := &Lambda{Arg: arg, At: at, ArgFirst: true, Formals: formals}
				p.checkLambda(l)
				l.Colon = p.expect(tColon, "after function parameters")
				n, prev, body = l, l.Colon, &l.Body
			}
		case tLbrace:
			if p.looksLikeFormals() {
				formals := p.parseFormals()
				l := &Lambda{Formals: formals, At: NoPos}
				if p.tok == tAt {
					l.At = p.pos
					p.next()
					if p.tok == tID {
						l.Arg = p.ident()
					} else {
						p.unexpected("identifier after `@`")
					}
				}
				p.checkLambda(l)
				l.Colon = p.expect(tColon, "after function parameters")
				n, prev, body = l, l.Colon, &l.Body
			}
		case tLet:
			if k, _, _ := p.peekAfter(p.end); k != tLbrace {
				l := &Let{Let: p.pos}
				p.next()
				l.Bindings = p.parseBindings(tIn)
				p.checkLet(l.Bindings)
				l.In = p.expect(tIn, "after `let` bindings")
				n, prev, body = l, l.In, &l.Body
			}
		case tWith:
			w := &With{With: p.pos}
			p.next()
			w.Scope = p.parseExpr()
			w.Semi = p.expect(tSemi, "after `with` expression")
			n, prev, body = w, w.Semi, &w.Body
		case tAssert:
			a := &Assert{Assert: p.pos}
			p.next()
			a.Cond = p.parseExpr()
			a.Semi = p.expect(tSemi, "after assertion")
			n, prev, body = a, a.Semi, &a.Body
		case tIf:
			f := &If{If: p.pos}
			p.next()
			f.Cond = p.parseExpr()
			f.Then = p.expect(tThen, "after `if` condition")
			if f.Then == NoPos {
				f.ThenX, f.ElseX, f.Else = p.missing(), p.missing(), NoPos
				*hole = f
				return root
			}
			f.ThenX = p.parseExpr()
			f.Else = p.expect(tElse, "after `then` branch")
			n, prev, body = f, f.Else, &f.ElseX
		}
		if n == nil {
			*hole = p.parsePipe()
			return root
		}
		*hole = n
		if prev == NoPos {
			// The token before the body is missing: do not try.
			*body = p.missing()
			return root
		}
		links++
		if !p.enter() {
			*body = p.tooDeep()
			return root
		}
		hole = body
	}
}

func (p *parser) ident() *Ident {
	id := p.idents.alloc()
	id.NamePos, id.Name = p.pos, p.text()
	p.next()
	return id
}

// looksLikeFormals decides, at `{`, whether a parameter set follows.
func (p *parser) looksLikeFormals() bool {
	k1, _, e1 := p.peekAfter(p.end)
	switch k1 {
	case tEllipsis:
		return true
	case tRbrace:
		k2, _, _ := p.peekAfter(e1)
		return k2 == tColon || k2 == tAt
	case tID:
		k2, _, e2 := p.peekAfter(e1)
		switch k2 {
		case tComma, tQuestion:
			return true
		case tRbrace:
			k3, _, _ := p.peekAfter(e2)
			return k3 == tColon || k3 == tAt
		}
	}
	return false
}

func (p *parser) parseFormals() *Formals {
	f := &Formals{Lbrace: p.pos, Ellipsis: NoPos, Rbrace: NoPos}
	p.next()
	seen := map[string]bool{}
	for {
		switch p.tok {
		case tRbrace:
			f.Rbrace = p.pos
			f.EndPos = p.end
			p.next()
			return f
		case tEllipsis:
			f.Ellipsis = p.pos
			f.EndPos = p.end
			p.next()
			if p.tok != tRbrace {
				p.unexpected("`}` after `...`")
				return f
			}
			continue
		case tID:
			if f.Ellipsis != NoPos {
				p.unexpected("`}` after `...`")
				return f
			}
			fm := &Formal{Name: p.ident(), Question: NoPos, Comma: NoPos}
			if seen[fm.Name.Name] {
				p.semErrorAt(fm.Name.NamePos, "duplicate formal function argument '%s'", fm.Name.Name)
			}
			seen[fm.Name.Name] = true
			if p.tok == tQuestion {
				fm.Question = p.pos
				p.next()
				fm.Default = p.parseExpr()
			}
			f.List = append(f.List, fm)
			f.EndPos = fm.End()
			switch p.tok {
			case tComma:
				fm.Comma = p.pos
				f.EndPos = p.end
				p.next()
			case tRbrace:
			default:
				p.unexpected("`,` or `}` in function parameters")
				return f
			}
		default:
			p.unexpected("parameter name or `}`")
			if f.EndPos == 0 {
				f.EndPos = f.Lbrace + 1
			}
			return f
		}
	}
}

// parseBindings parses bindings up to (not including) the token end.
func (p *parser) parseBindings(end tokKind) []Binding {
	var out []Binding
	for p.tok != end && p.tok != tEOF {
		switch p.tok {
		case tInherit:
			out = append(out, p.parseInherit())
		case tID, tOrKw, tDquote, tDollarCurly:
			out = append(out, p.parseAttrDef(end))
		default:
			p.unexpected("attribute name or " + end.String())
			if p.tok == tRbrace || p.tok == tEOF || end == tIn && closes(p.tok) && p.tok != tSemi {
				// Probably the end of an enclosing construct.
				return out
			}
			before := p.pos
			bad := p.skipBinding(end)
			if p.pos == before {
				p.next() // make progress whatever happens
				bad = &Bad{From: before, To: p.lastEnd(before), Raw: p.str[before:p.lastEnd(before)]}
			}
			out = append(out, bad)
		}
	}
	return out
}

// skipBinding skips to just after the next `;` or to the closing token.
func (p *parser) skipBinding(end tokKind) *Bad {
	if p.tok == tEOF {
		return p.missing()
	}
	from := p.pos
	depth := 0
	for p.tok != tEOF {
		if depth == 0 && (p.tok == end || p.tok == tRbrace) {
			break
		}
		switch p.tok {
		case tLbrace, tLparen, tLbrack, tDollarCurly:
			depth++
		case tRbrace, tRparen, tRbrack:
			if depth > 0 {
				depth--
			}
		}
		if p.tok == tSemi && depth == 0 {
			p.next()
			break
		}
		p.skipOne()
	}
	to := p.lastEnd(from)
	return &Bad{From: from, To: to, Raw: p.str[from:to]}
}

// lastEnd returns the end of the text consumed before the current
// token, but not before from.
func (p *parser) lastEnd(from int) int {
	return max(p.prevEnd, from)
}

func (p *parser) parseAttrDef(end tokKind) Binding {
	d := p.defs.alloc()
	d.Eq, d.Semi = NoPos, NoPos
	d.Path = p.parseAttrPath("attribute name")
	if d.Path == nil {
		return p.skipBinding(end)
	}
	d.Eq = p.expect(tAssign, "after attribute name")
	if d.Eq == NoPos {
		d.Value = p.missing()
		d.EndPos = d.Path.End()
		if p.tok != tSemi && p.tok != end && p.tok != tRbrace {
			bad := p.skipBinding(end)
			d.Value = bad
			d.EndPos = bad.To
		} else if p.tok == tSemi {
			d.Semi = p.pos
			d.EndPos = p.end
			p.next()
		}
		return d
	}
	d.Value = p.parseExpr()
	d.EndPos = d.Value.End()
	if p.tok == tSemi {
		d.Semi = p.pos
		d.EndPos = p.end
		p.next()
		return d
	}
	p.unexpected("`;` after binding")
	return d
}

// parseAttrPath parses a.b."c".${d}; it returns nil, having reported
// the error, when no attribute name starts here.
func (p *parser) parseAttrPath(what string) *AttrPath {
	a := p.parseAttrName()
	if a == nil {
		p.unexpected(what)
		return nil
	}
	// Names can nest (`a.${b.c}`), so the buffers are local.
	var nameBuf [4]AttrName
	var dotBuf [3]int
	names, dots := append(nameBuf[:0], a), dotBuf[:0]
	for p.tok == tDot {
		dot := p.pos
		p.next()
		a := p.parseAttrName()
		if a == nil {
			p.unexpected("attribute name after `.`")
			dots = append(dots, dot)
			names = append(names, &Bad{From: dot + 1, To: dot + 1})
			break
		}
		dots = append(dots, dot)
		names = append(names, a)
	}
	path := p.paths.alloc()
	path.Names = take(&p.names, names)
	path.Dots = take(&p.dots, dots)
	return path
}

func (p *parser) parseAttrName() AttrName {
	switch p.tok {
	case tID, tOrKw:
		return p.ident()
	case tDquote:
		return p.parseString()
	case tDollarCurly:
		return p.parseInterpDefault()
	}
	return nil
}

// parseInterpDefault parses `${ e }` at the current token in the default
// state (an attribute name).
func (p *parser) parseInterpDefault() *Interp {
	in := &Interp{Dollar: p.pos, Rbrace: NoPos}
	p.next()
	in.X = p.parseExpr()
	if p.tok == tRbrace {
		in.Rbrace = p.pos
		in.EndPos = p.end
		p.next()
	} else {
		p.unexpected("`}` to close `${`")
		in.EndPos = max(in.X.End(), in.Dollar+2)
	}
	return in
}

func (p *parser) parseInherit() Binding {
	n := &Inherit{Inherit: p.pos, Lparen: NoPos, Rparen: NoPos, Semi: NoPos}
	p.next()
	n.EndPos = n.Inherit + len("inherit")
	if p.tok == tLparen {
		n.Lparen = p.pos
		p.next()
		n.From = p.parseExpr()
		n.Rparen = p.expect(tRparen, "after `inherit (` expression")
		n.EndPos = n.From.End()
		if n.Rparen != NoPos {
			n.EndPos = n.Rparen + 1
		}
	}
	for {
		switch p.tok {
		case tID, tOrKw, tDquote, tDollarCurly:
			a := p.parseAttrName()
			n.Names = append(n.Names, a)
			n.EndPos = a.End()
			continue
		case tSemi:
			n.Semi = p.pos
			n.EndPos = p.end
			p.next()
		default:
			p.unexpected("`;` after inherited names")
		}
		return n
	}
}

// Binary operator precedences; higher binds tighter.
const (
	precImpl = iota + 1
	precOr
	precAnd
	precEq
	precCmp
	precUpdate
	precNot
	precAdd
	precMul
	precConcat
	precHas
	precNeg
)

func binaryOp(k tokKind) (Op, int) {
	switch k {
	case tImpl:
		return OpImpl, precImpl
	case tOr:
		return OpOr, precOr
	case tAnd:
		return OpAnd, precAnd
	case tEq:
		return OpEq, precEq
	case tNeq:
		return OpNotEq, precEq
	case tLess:
		return OpLess, precCmp
	case tLeq:
		return OpLessEq, precCmp
	case tGreater:
		return OpGreater, precCmp
	case tGeq:
		return OpGreaterEq, precCmp
	case tUpdate:
		return OpUpdate, precUpdate
	case tPlus:
		return OpAdd, precAdd
	case tMinus:
		return OpSub, precAdd
	case tStar:
		return OpMul, precMul
	case tSlash:
		return OpDiv, precMul
	case tConcat:
		return OpConcat, precConcat
	case tQuestion:
		return 0, precHas
	}
	return 0, 0
}

// parsePipe parses chains of `|>` or `<|`, which may not be mixed. After
// the error for a mix, each operator keeps its own kind, so the tree
// still prints as the source.
func (p *parser) parsePipe() Expr {
	x := p.parseBinary(precImpl)
	if p.tok != tPipeInto && p.tok != tPipeFrom {
		return x
	}
	first := p.tok
	var chain []Expr
	var ops []int
	var kinds []Op
	chain = append(chain, x)
	for p.tok == tPipeInto || p.tok == tPipeFrom {
		if p.tok != first {
			p.errorAt(p.pos, "`|>` and `<|` cannot be mixed without parentheses")
		}
		op := OpPipeInto
		if p.tok == tPipeFrom {
			op = OpPipeFrom
		}
		ops = append(ops, p.pos)
		kinds = append(kinds, op)
		p.next()
		chain = append(chain, p.parseBinary(precImpl))
	}
	if first == tPipeInto {
		x = chain[0]
		for i, y := range chain[1:] {
			x = &Binary{X: x, OpPos: ops[i], Op: kinds[i], Y: y}
		}
		return x
	}
	x = chain[len(chain)-1]
	for i := len(chain) - 2; i >= 0; i-- {
		x = &Binary{X: chain[i], OpPos: ops[i], Op: kinds[i], Y: x}
	}
	return x
}

func (p *parser) parseBinary(minPrec int) Expr {
	if !p.enter() {
		p.depth--
		return p.tooDeep()
	}
	defer func() { p.depth-- }()
	x := p.parseUnary()
	lastNonAssoc := 0
	for {
		op, prec := binaryOp(p.tok)
		if prec == 0 || prec < minPrec {
			return x
		}
		if prec == lastNonAssoc {
			p.unexpected("")
			return x
		}
		opPos := p.pos
		p.next()
		if prec == precHas {
			path := p.parseAttrPath("attribute name after `?`")
			// `?` takes an attribute path, not an operand, so
			// `a ? b ? c` chains to the left.
			x = &HasAttr{X: x, Question: opPos, Path: path}
			if path == nil {
				return x
			}
			lastNonAssoc = 0
			continue
		}
		switch op {
		case OpImpl, OpUpdate, OpConcat:
			// Right associative: collect the whole chain (`a ++ b ++
			// …`, often thousands long in generated code) in a loop
			// and nest it from the right, instead of recursing per
			// operator.
			x = p.parseRightChain(x, op, prec, opPos)
			lastNonAssoc = 0
			continue
		}
		y := p.parseBinary(prec + 1)
		x = &Binary{X: x, OpPos: opPos, Op: op, Y: y}
		lastNonAssoc = 0
		if prec == precEq || prec == precCmp {
			lastNonAssoc = prec
		}
	}
}

// parseRightChain parses the operands of a chain of the right
// associative operator op (precedence prec) after x and the operator at
// opPos, and returns them nested from the right.
func (p *parser) parseRightChain(x Expr, op Op, prec, opPos int) Expr {
	var xbuf [4]Expr
	var obuf [4]int
	xs := append(xbuf[:0], x)
	ops := append(obuf[:0], opPos)
	defer func() { p.depth -= len(ops) }()
	for {
		if !p.enter() {
			xs = append(xs, p.tooDeep())
			break
		}
		xs = append(xs, p.parseBinary(prec+1))
		if o, pr := binaryOp(p.tok); pr != prec || o != op {
			break
		}
		ops = append(ops, p.pos)
		p.next()
	}
	y := xs[len(xs)-1]
	for i := len(ops) - 1; i >= 0; i-- {
		y = &Binary{X: xs[i], OpPos: ops[i], Op: op, Y: y}
	}
	return y
}

func (p *parser) parseUnary() Expr {
	switch p.tok {
	case tNot:
		u := &Unary{OpPos: p.pos, Op: OpNot}
		p.next()
		u.X = p.parseBinary(precNot + 1)
		return u
	case tMinus:
		u := &Unary{OpPos: p.pos, Op: OpNeg}
		p.next()
		if !p.enter() {
			p.depth--
			u.X = p.tooDeep()
			return u
		}
		u.X = p.parseUnary()
		p.depth--
		return u
	}
	return p.parseApp()
}

func startsSimple(k tokKind) bool {
	switch k {
	case tID, tInt, tFloat, tDquote, tIndOpen, tPath, tHPath, tSPath, tURI,
		tLparen, tLbrace, tLbrack, tRec:
		return true
	}
	return false
}

func (p *parser) startsSimple() bool {
	if p.tok == tLet {
		k, _, _ := p.peekAfter(p.end)
		return k == tLbrace
	}
	return startsSimple(p.tok)
}

func (p *parser) parseApp() Expr {
	if !p.startsSimple() {
		p.unexpected("expression")
		bad := p.missing()
		// Consume a stray token so callers make progress.
		if p.tok != tEOF && !closes(p.tok) {
			from := p.pos
			p.next()
			bad = &Bad{From: from, To: p.lastEnd(from), Raw: p.str[from:p.lastEnd(from)]}
		}
		return bad
	}
	x := p.parseSelect()
	for p.startsSimple() {
		a := p.applies.alloc()
		a.Fun, a.Arg = x, p.parseSelect()
		x = a
	}
	return x
}

// closes reports tokens that end an enclosing construct; recovery
// leaves them for the enclosing parser.
func closes(k tokKind) bool {
	switch k {
	case tRbrace, tRparen, tRbrack, tSemi, tIn, tThen, tElse, tEOF:
		return true
	}
	return false
}

func (p *parser) parseSelect() Expr {
	if !p.enter() {
		p.depth--
		return p.tooDeep()
	}
	defer func() { p.depth-- }()
	x := p.parseSimple()
	switch p.tok {
	case tDot:
		s := p.selects.alloc()
		s.X, s.Dot, s.Or = x, p.pos, NoPos
		p.next()
		s.Path = p.parseAttrPath("attribute name after `.`")
		if s.Path != nil && p.tok == tOrKw {
			s.Or = p.pos
			p.next()
			if !p.startsSimple() {
				p.unexpected("expression after `or`")
				s.Default = p.missing()
				return s
			}
			s.Default = p.parseSelect()
		}
		return s
	case tOrKw:
		// `f or`: Nix applies f to the variable `or`.
		or := p.ident()
		return &Apply{Fun: x, Arg: or}
	}
	return x
}

func (p *parser) parseSimple() Expr {
	switch p.tok {
	case tID:
		return p.ident()
	case tInt:
		n := &Int{ValuePos: p.pos, Raw: p.text()}
		v, err := strconv.ParseInt(n.Raw, 10, 64)
		if err != nil {
			p.semErrorAt(p.pos, "invalid integer '%s'", n.Raw)
		}
		n.Value = v
		p.next()
		return n
	case tFloat:
		n := &Float{ValuePos: p.pos, Raw: p.text()}
		v, err := strconv.ParseFloat(n.Raw, 64)
		if err != nil || floatUnderflows(n.Raw, v) {
			p.semErrorAt(p.pos, "invalid float '%s'", n.Raw)
		}
		n.Value = v
		p.next()
		return n
	case tURI:
		n := &URI{ValuePos: p.pos, Raw: p.text()}
		p.next()
		return n
	case tSPath:
		n := &SearchPath{ValuePos: p.pos, Raw: p.text()}
		p.next()
		return n
	case tPath, tHPath:
		return p.parsePath()
	case tDquote:
		return p.parseString()
	case tIndOpen:
		return p.parseIndString()
	case tLparen:
		n := &Paren{Lparen: p.pos, Rparen: NoPos}
		p.next()
		n.X = p.parseExpr()
		if p.tok == tRparen {
			n.Rparen = p.pos
			n.EndPos = p.end
			p.next()
		} else {
			p.unexpected("`)`")
			n.EndPos = max(n.X.End(), n.Lparen+1)
		}
		return n
	case tLbrack:
		n := &List{Lbrack: p.pos, Rbrack: NoPos}
		p.next()
		for p.tok != tRbrack && p.tok != tEOF {
			if !p.startsSimple() {
				p.unexpected("list element or `]`")
				if closes(p.tok) {
					break
				}
				from := p.pos
				p.skipOne()
				to := p.lastEnd(from)
				n.Elems = append(n.Elems, &Bad{From: from, To: to, Raw: p.str[from:to]})
				continue
			}
			n.Elems = append(n.Elems, p.parseSelect())
		}
		if p.tok == tRbrack {
			n.Rbrack = p.pos
			n.EndPos = p.end
			p.next()
		} else {
			if p.tok == tEOF {
				p.unexpected("`]`")
			}
			n.EndPos = n.Lbrack + 1
			if len(n.Elems) > 0 {
				n.EndPos = n.Elems[len(n.Elems)-1].End()
			}
		}
		return n
	case tRec:
		rec := p.pos
		p.next()
		if p.tok != tLbrace {
			p.unexpected("`{` after `rec`")
			return &Bad{From: rec, To: rec + 3, Raw: "rec"}
		}
		s := p.parseAttrSet()
		s.Rec = rec
		return s
	case tLbrace:
		return p.parseAttrSet()
	case tLet:
		n := &LegacyLet{Let: p.pos, Rbrace: NoPos}
		p.next()
		n.Lbrace = p.pos
		p.next()
		n.Bindings = p.parseBindings(tRbrace)
		n.Rbrace, n.EndPos = p.closeBrace(n.Lbrace, n.Bindings)
		p.checkBindings(n.Bindings, true, false)
		return n
	}
	p.unexpected("expression")
	return p.missing()
}

func (p *parser) parseAttrSet() *AttrSet {
	s := &AttrSet{Rec: NoPos, Lbrace: p.pos}
	p.next()
	s.Bindings = p.parseBindings(tRbrace)
	s.Rbrace, s.EndPos = p.closeBrace(s.Lbrace, s.Bindings)
	p.checkBindings(s.Bindings, false, false)
	return s
}

func (p *parser) closeBrace(lbrace int, bs []Binding) (int, int) {
	if p.tok == tRbrace {
		off, end := p.pos, p.end
		p.next()
		return off, end
	}
	p.unexpected("`}`")
	if len(bs) > 0 {
		return NoPos, bs[len(bs)-1].End()
	}
	return NoPos, lbrace + 1
}

// floatUnderflows mirrors strtod's ERANGE for results too small to be
// normal numbers.
func floatUnderflows(raw string, v float64) bool {
	if v != 0 && math.Abs(v) >= 2.2250738585072014e-308 {
		return false
	}
	mant := raw
	if i := strings.IndexAny(raw, "eE"); i >= 0 {
		mant = raw[:i]
	}
	return strings.Trim(mant, "0.") != ""
}
