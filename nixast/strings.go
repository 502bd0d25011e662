package nixast

// String, indented string and path lexing. The parser hands over to
// these at the opening token and they read the source directly, calling
// back into the parser for interpolations.

// interp parses `${ e }` starting at offset i (at `$`), returning the
// node and the offset after it.
func (p *parser) interpAt(i int) (*Interp, int) {
	p.end = i + 2
	p.pos = i
	p.next()
	in := &Interp{Dollar: i, Rbrace: NoPos}
	in.X = p.parseExpr()
	if p.tok == tRbrace {
		in.Rbrace = p.pos
		in.EndPos = p.end
		return in, p.end
	}
	p.unexpected("`}` to close `${`")
	in.EndPos = max(in.X.End(), i+2)
	// Resume the string where the expression stopped.
	return in, max(p.lastEnd(i+2), i+2)
}

// unescapeInto appends the value of a double-quoted string's raw text.
//
// Like Nix, which works on C strings here, it stops at a NUL byte.
func unescapeInto(b []byte, raw []byte) []byte {
	for i := 0; i < len(raw); i++ {
		c := raw[i]
		switch {
		case c == 0:
			return b
		case c == '\\' && i+1 < len(raw):
			i++
			switch raw[i] {
			case 'n':
				b = append(b, '\n')
			case 'r':
				b = append(b, '\r')
			case 't':
				b = append(b, '\t')
			default:
				b = append(b, raw[i])
			}
		case c == '\r':
			b = append(b, '\n')
			if i+1 < len(raw) && raw[i+1] == '\n' {
				i++
			}
		default:
			b = append(b, c)
		}
	}
	return b
}

func (p *parser) parseString() *String {
	src := p.src
	s := p.strs.alloc()
	s.Open, s.OpenEnd, s.Close = p.pos, p.end, NoPos
	i := p.end
	litStart := i
	var buf [8]StrPart
	parts := buf[:0]
	defer func() { s.Parts = take(&p.parts, parts) }()
	flush := func(end int) {
		if end > litStart {
			l := p.lits.alloc()
			l.ValuePos, l.Raw = litStart, p.str[litStart:end]
			l.Text = l.Raw
			if needsUnescape(src[litStart:end]) {
				l.Text = string(unescapeInto(nil, src[litStart:end]))
			}
			parts = append(parts, l)
		}
	}
	for {
		if i >= len(src) {
			flush(i)
			p.errorAt(i, "unexpected end of file, expected `\"` to close the string started at %s", p.posString(s.Open))
			s.EndPos = i
			p.end = i
			p.next()
			return s
		}
		switch c := src[i]; c {
		case '"':
			flush(i)
			s.Close = i
			s.EndPos = i + 1
			p.end = i + 1
			p.next()
			return s
		case '\\':
			i += 2
			if i > len(src) {
				i = len(src)
			}
		case '$':
			if i+1 < len(src) && src[i+1] == '{' {
				flush(i)
				var in *Interp
				in, i = p.interpAt(i)
				parts = append(parts, in)
				litStart = i
				continue
			}
			if i+1 < len(src) && src[i+1] != '"' && src[i+1] != '\\' {
				i += 2
			} else {
				i++
			}
		default:
			i++
		}
	}
}

func (p *parser) posString(off int) string {
	pos := p.file.Position(off)
	return itoa(pos.Line) + ":" + itoa(pos.Column)
}

func itoa(n int) string {
	if n == 0 {
		return "0"
	}
	var b [20]byte
	i := len(b)
	for n > 0 {
		i--
		b[i] = byte('0' + n%10)
		n /= 10
	}
	return string(b[i:])
}

// indPiece is one IND_STR token of Nix's lexer.
type indPiece struct {
	start, end int
	text       string
	hasIndent  bool // plain text, whose leading spaces count as indentation
	interp     *Interp
}

func (p *parser) parseIndString() *String {
	src := p.src
	s := &String{Indented: true, Open: p.pos, Close: NoPos}
	// `''` swallows spaces and a newline right after it.
	j := p.end
	for j < len(src) && src[j] == ' ' {
		j++
	}
	if j < len(src) && src[j] == '\n' {
		s.OpenEnd = j + 1
	} else {
		s.OpenEnd = p.end
	}
	i := s.OpenEnd
	var pieces []indPiece
	runStart := -1
	endRun := func(at int) {
		if runStart >= 0 && at > runStart {
			pieces = append(pieces, indPiece{start: runStart, end: at, text: p.str[runStart:at], hasIndent: true})
		}
		runStart = -1
	}
	closed := false
loop:
	for i < len(src) {
		c := src[i]
		switch {
		case c == '\'' && i+1 < len(src) && src[i+1] == '\'':
			endRun(i)
			if i+2 < len(src) {
				switch src[i+2] {
				case '\'':
					pieces = append(pieces, indPiece{start: i, end: i + 3, text: "''"})
					i += 3
					continue
				case '$':
					pieces = append(pieces, indPiece{start: i, end: i + 3, text: "$"})
					i += 3
					continue
				case '\\':
					if i+3 < len(src) {
						text := string(unescapeInto(nil, src[i+2:i+4]))
						pieces = append(pieces, indPiece{start: i, end: i + 4, text: text})
						i += 4
						continue
					}
				}
			}
			s.Close = i
			s.EndPos = i + 2
			closed = true
			break loop
		case c == '\'':
			if i+1 < len(src) && src[i+1] != '$' {
				if runStart < 0 {
					runStart = i
				}
				i += 2
				continue
			}
			endRun(i)
			pieces = append(pieces, indPiece{start: i, end: i + 1, text: "'"})
			i++
		case c == '$':
			if i+1 < len(src) && src[i+1] == '{' {
				endRun(i)
				in, ni := p.interpAt(i)
				pieces = append(pieces, indPiece{start: i, end: ni, interp: in})
				i = ni
				continue
			}
			if i+1 < len(src) && src[i+1] != '\'' {
				if runStart < 0 {
					runStart = i
				}
				i += 2
				continue
			}
			endRun(i)
			pieces = append(pieces, indPiece{start: i, end: i + 1, text: "$"})
			i++
		default:
			if runStart < 0 {
				runStart = i
			}
			i++
		}
	}
	if !closed {
		endRun(min(i, len(src)))
		i = len(src)
		p.errorAt(i, "unexpected end of file, expected `''` to close the string started at %s", p.posString(s.Open))
		s.EndPos = i
	}
	stripIndentation(pieces)
	// Group consecutive literal pieces into Lit parts.
	for k := 0; k < len(pieces); {
		if pieces[k].interp != nil {
			s.Parts = append(s.Parts, pieces[k].interp)
			k++
			continue
		}
		l := &Lit{ValuePos: pieces[k].start}
		var text []byte
		end := pieces[k].start
		for k < len(pieces) && pieces[k].interp == nil {
			text = append(text, pieces[k].text...)
			l.pieces = append(l.pieces, pieces[k].text)
			end = pieces[k].end
			k++
		}
		l.Raw = p.str[l.ValuePos:end]
		l.Text = string(text)
		s.Parts = append(s.Parts, l)
	}
	p.end = s.EndPos
	p.next()
	return s
}

// stripIndentation applies Nix's indentation stripping to the pieces'
// text, in place.
func stripIndentation(ps []indPiece) {
	if len(ps) == 0 {
		return
	}
	atStart := true
	minIndent := 1000000
	cur := 0
	for _, pc := range ps {
		if pc.interp != nil || !pc.hasIndent {
			if atStart {
				atStart = false
				minIndent = min(minIndent, cur)
			}
			continue
		}
		for j := 0; j < len(pc.text); j++ {
			c := pc.text[j]
			if atStart {
				switch c {
				case ' ':
					cur++
				case '\n':
					cur = 0
				default:
					atStart = false
					minIndent = min(minIndent, cur)
				}
			} else if c == '\n' {
				atStart = true
				cur = 0
			}
		}
	}
	if minIndent == 0 {
		// Nothing to strip; only a last line of spaces goes.
		if last := &ps[len(ps)-1]; last.interp == nil {
			last.text = trimLastSpaceLine(last.text)
		}
		return
	}
	// Build all stripped text in one buffer and slice it.
	total := 0
	for _, pc := range ps {
		total += len(pc.text)
	}
	buf := make([]byte, 0, total)
	bounds := make([]int, len(ps)+1)
	atStart = true
	dropped := 0
	for k := range ps {
		pc := &ps[k]
		bounds[k] = len(buf)
		if pc.interp != nil {
			atStart = false
			dropped = 0
			continue
		}
		t := pc.text
		for j := 0; j < len(t); j++ {
			c := t[j]
			if atStart {
				switch c {
				case ' ':
					if dropped >= minIndent {
						buf = append(buf, c)
					}
					dropped++
				case '\n':
					dropped = 0
					buf = append(buf, c)
				default:
					atStart = false
					dropped = 0
					buf = append(buf, c)
				}
			} else {
				buf = append(buf, c)
				if c == '\n' {
					atStart = true
				}
			}
		}
	}
	bounds[len(ps)] = len(buf)
	all := string(buf)
	for k := range ps {
		if ps[k].interp == nil {
			ps[k].text = all[bounds[k]:bounds[k+1]]
		}
	}
	if last := &ps[len(ps)-1]; last.interp == nil {
		last.text = trimLastSpaceLine(last.text)
	}
}

// trimLastSpaceLine drops a last line holding only spaces.
func trimLastSpaceLine(s string) string {
	for q := len(s) - 1; q >= 0; q-- {
		if s[q] == '\n' {
			return s[:q+1]
		}
		if s[q] != ' ' {
			return s
		}
	}
	return s
}

// parsePath parses a path literal with its interpolated continuations,
// following the lexer states Nix uses for paths.
func (p *parser) parsePath() Expr {
	src := p.src
	first := &Lit{ValuePos: p.pos, Raw: p.text()}
	first.Text = first.Raw
	n := &Path{Parts: []StrPart{first}}
	i := p.end
	slash := src[i-1] == '/'
	sawInterp := false
	for {
		if hasDollarCurly(src, i) {
			in, ni := p.interpAt(i)
			n.Parts = append(n.Parts, in)
			i = ni
			slash = false
			sawInterp = true
			continue
		}
		m := max(matchPath(src, i), matchPathSeg(src, i), pathCharRun(src, i))
		if m > i {
			if !sawInterp {
				p.errorAt(i, "unexpected `%s` after path", src[i:m])
			}
			l := &Lit{ValuePos: i, Raw: p.str[i:m]}
			l.Text = l.Raw
			n.Parts = append(n.Parts, l)
			i = m
			slash = src[m-1] == '/'
			continue
		}
		if slash {
			p.errorAt(i-1, "path has a trailing slash")
		}
		break
	}
	n.EndPos = i
	p.end = i
	p.next()
	return n
}

// needsUnescape reports whether raw double-quoted string text differs
// from its value.
func needsUnescape(raw []byte) bool {
	for _, c := range raw {
		if c == '\\' || c == '\r' || c == 0 {
			return true
		}
	}
	return false
}
