package nixast

// tokKind is the kind of a token in Nix's default lexer state.
type tokKind uint8

const (
	tEOF tokKind = iota
	tIllegal
	tID
	tInt
	tFloat
	tPath     // a path start; interpolated continuations follow in the source
	tHPath    // ~/…
	tSPath    // <…>
	tURI      // scheme:rest
	tIf       // if
	tThen     // then
	tElse     // else
	tAssert   // assert
	tWith     // with
	tLet      // let
	tIn       // in
	tRec      // rec
	tInherit  // inherit
	tOrKw     // or
	tEllipsis // ...
	tEq       // ==
	tNeq      // !=
	tLeq      // <=
	tGeq      // >=
	tAnd      // &&
	tOr       // ||
	tImpl     // ->
	tUpdate   // //
	tConcat   // ++
	tPipeInto // |>
	tPipeFrom // <|
	tDollarCurly
	tLbrace
	tRbrace
	tLparen
	tRparen
	tLbrack
	tRbrack
	tSemi
	tColon
	tComma
	tDot
	tAssign
	tQuestion
	tAt
	tNot
	tMinus
	tPlus
	tStar
	tSlash
	tLess
	tGreater
	tDquote
	tIndOpen
	tUnterminatedComment
)

var tokNames = [...]string{
	tEOF: "end of file", tIllegal: "character", tID: "identifier", tInt: "integer",
	tFloat: "float", tPath: "path", tHPath: "path", tSPath: "search path", tURI: "URI",
	tIf: "`if`", tThen: "`then`", tElse: "`else`", tAssert: "`assert`", tWith: "`with`",
	tLet: "`let`", tIn: "`in`", tRec: "`rec`", tInherit: "`inherit`", tOrKw: "`or`",
	tEllipsis: "`...`", tEq: "`==`", tNeq: "`!=`", tLeq: "`<=`", tGeq: "`>=`",
	tAnd: "`&&`", tOr: "`||`", tImpl: "`->`", tUpdate: "`//`", tConcat: "`++`",
	tPipeInto: "`|>`", tPipeFrom: "`<|`", tDollarCurly: "`${`", tLbrace: "`{`",
	tRbrace: "`}`", tLparen: "`(`", tRparen: "`)`", tLbrack: "`[`", tRbrack: "`]`",
	tSemi: "`;`", tColon: "`:`", tComma: "`,`", tDot: "`.`", tAssign: "`=`",
	tQuestion: "`?`", tAt: "`@`", tNot: "`!`", tMinus: "`-`", tPlus: "`+`",
	tStar: "`*`", tSlash: "`/`", tLess: "`<`", tGreater: "`>`", tDquote: "`\"`",
	tIndOpen: "`''`", tUnterminatedComment: "unterminated comment",
}

func (k tokKind) String() string {
	if int(k) < len(tokNames) && tokNames[k] != "" {
		return tokNames[k]
	}
	return "token"
}

var keywords = map[string]tokKind{
	"if": tIf, "then": tThen, "else": tElse, "assert": tAssert, "with": tWith,
	"let": tLet, "in": tIn, "rec": tRec, "inherit": tInherit, "or": tOrKw,
}

func isIDStart(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_'
}

func isIDChar(c byte) bool {
	return isIDStart(c) || c >= '0' && c <= '9' || c == '\'' || c == '-'
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

func isPathChar(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' ||
		c == '.' || c == '_' || c == '-' || c == '+'
}

func isURIChar(c byte) bool {
	if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' {
		return true
	}
	switch c {
	case '%', '/', '?', ':', '@', '&', '=', '+', '$', ',', '-', '_', '.', '!', '~', '*', '\'':
		return true
	}
	return false
}

func isURISchemeChar(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' ||
		c == '+' || c == '-' || c == '.'
}

// pathCharRun returns the end of the run of path characters from i.
func pathCharRun(src []byte, i int) int {
	for i < len(src) && isPathChar(src[i]) {
		i++
	}
	return i
}

// matchPath matches {PATH_CHAR}*(\/{PATH_CHAR}+)+\/? at i and returns
// its end, or -1.
func matchPath(src []byte, i int) int {
	return matchPathAfterRun(src, pathCharRun(src, i))
}

// matchPathAfterRun is matchPath given the end j of the first run of
// path characters.
func matchPathAfterRun(src []byte, j int) int {
	segs := 0
	for j+1 < len(src) && src[j] == '/' && isPathChar(src[j+1]) {
		j = pathCharRun(src, j+1)
		segs++
	}
	if segs == 0 {
		return -1
	}
	if j < len(src) && src[j] == '/' {
		j++
	}
	return j
}

// matchPathSeg matches {PATH_CHAR}*\/ at i and returns its end, or -1.
func matchPathSeg(src []byte, i int) int {
	j := pathCharRun(src, i)
	if j < len(src) && src[j] == '/' {
		return j + 1
	}
	return -1
}

func hasDollarCurly(src []byte, i int) bool {
	return i+1 < len(src) && src[i] == '$' && src[i+1] == '{'
}

// matchHPath matches \~(\/{PATH_CHAR}+)+\/? at i, or -1.
func matchHPath(src []byte, i int) int {
	if src[i] != '~' {
		return -1
	}
	j := i + 1
	segs := 0
	for j+1 < len(src) && src[j] == '/' && isPathChar(src[j+1]) {
		j = pathCharRun(src, j+1)
		segs++
	}
	if segs == 0 {
		return -1
	}
	if j < len(src) && src[j] == '/' {
		j++
	}
	return j
}

// matchFloat matches (([1-9][0-9]*\.[0-9]*)|(0?\.[0-9]+))([Ee][+-]?[0-9]+)?
func matchFloat(src []byte, i int) int {
	j := i
	switch {
	case j < len(src) && src[j] >= '1' && src[j] <= '9':
		for j < len(src) && isDigit(src[j]) {
			j++
		}
		if j >= len(src) || src[j] != '.' {
			return -1
		}
		j++
		for j < len(src) && isDigit(src[j]) {
			j++
		}
	default:
		if j < len(src) && src[j] == '0' {
			j++
		}
		if j+1 >= len(src) || src[j] != '.' || !isDigit(src[j+1]) {
			return -1
		}
		j++
		for j < len(src) && isDigit(src[j]) {
			j++
		}
	}
	if j < len(src) && (src[j] == 'e' || src[j] == 'E') {
		k := j + 1
		if k < len(src) && (src[k] == '+' || src[k] == '-') {
			k++
		}
		if k < len(src) && isDigit(src[k]) {
			for k < len(src) && isDigit(src[k]) {
				k++
			}
			j = k
		}
	}
	return j
}

// matchURIRest matches the part of a URI after its scheme, given the
// end j of the run of scheme characters (which must start with a
// letter): a colon and at least one URI character. It returns the end,
// or -1. The scheme run comes from the run cache, so a long run that
// does not make a URI (`a.a.…a:`) is not rescanned at every token.
func matchURIRest(src []byte, j int) int {
	if j >= len(src) || src[j] != ':' {
		return -1
	}
	j++
	k := j
	for k < len(src) && isURIChar(src[k]) {
		k++
	}
	if k == j {
		return -1
	}
	return k
}

func matchSPath(src []byte, i int) int {
	j := i + 1
	k := pathCharRun(src, j)
	if k == j {
		return -1
	}
	for k+1 < len(src) && src[k] == '/' && isPathChar(src[k+1]) {
		k = pathCharRun(src, k+1)
	}
	if k < len(src) && src[k] == '>' {
		return k + 1
	}
	return -1
}

// skipTrivia returns the end of the whitespace and comments from i. When
// rec is not nil, each run is passed to it. An unterminated block comment
// stops the skipping at its `/*`.
func skipTrivia(src []byte, i int, rec func(Trivia)) int {
	for i < len(src) {
		switch c := src[i]; {
		case c == ' ' || c == '\t' || c == '\r' || c == '\n':
			j := i + 1
			for j < len(src) && (src[j] == ' ' || src[j] == '\t' || src[j] == '\r' || src[j] == '\n') {
				j++
			}
			if rec != nil {
				rec(Trivia{Space, i, j})
			}
			i = j
		case c == '#':
			j := i + 1
			for j < len(src) && src[j] != '\n' && src[j] != '\r' {
				j++
			}
			if rec != nil {
				rec(Trivia{LineComment, i, j})
			}
			i = j
		case c == '/' && i+1 < len(src) && src[i+1] == '*':
			j := i + 2
			for {
				if j+1 >= len(src) {
					return i // unterminated
				}
				if src[j] == '*' && src[j+1] == '/' {
					break
				}
				j++
			}
			j += 2
			if rec != nil {
				rec(Trivia{BlockComment, i, j})
			}
			i = j
		default:
			return i
		}
	}
	return i
}

// runCache remembers where the last scanned runs of path and URI scheme
// characters ended, so that long runs (`-----1`, `a.a.a.a`) are not
// rescanned at every token, which would make lexing quadratic.
type runCache struct {
	pathFrom, pathEnd     int // src[pathFrom:pathEnd] is a maximal path character run
	schemeFrom, schemeEnd int
}

// pathRun returns the end of the run of path characters from i.
func (c *runCache) pathRun(src []byte, i int) int {
	if c != nil && i >= c.pathFrom && i < c.pathEnd {
		return c.pathEnd
	}
	e := pathCharRun(src, i)
	if c != nil {
		c.pathFrom, c.pathEnd = i, e
	}
	return e
}

func (c *runCache) schemeRun(src []byte, i int) int {
	if c != nil && i >= c.schemeFrom && i < c.schemeEnd {
		return c.schemeEnd
	}
	e := i
	for e < len(src) && isURISchemeChar(src[e]) {
		e++
	}
	if c != nil {
		c.schemeFrom, c.schemeEnd = i, e
	}
	return e
}

// scanToken lexes one token at i (trivia already skipped) in Nix's
// default state and returns its kind and end. cache may be nil.
func scanToken(src []byte, i int, cache *runCache) (tokKind, int) {
	if i >= len(src) {
		return tEOF, i
	}
	c := src[i]
	best, kind := i, tIllegal
	try := func(end int, k tokKind) {
		if end > best {
			best, kind = end, k
		}
	}
	if isIDStart(c) {
		j := i + 1
		for j < len(src) && isIDChar(src[j]) {
			j++
		}
		k := tID
		if j-i >= 2 && j-i <= 7 {
			if kw, ok := keywords[string(src[i:j])]; ok {
				k = kw
			}
		}
		try(j, k)
	}
	if isDigit(c) {
		j := i + 1
		for j < len(src) && isDigit(src[j]) {
			j++
		}
		try(j, tInt)
	}
	if isDigit(c) || c == '.' {
		try(matchFloat(src, i), tFloat)
	}
	if run := cache.pathRun(src, i); run < len(src) && src[run] == '/' {
		// Paths need a slash after the first run of path characters.
		if e := run + 1; hasDollarCurly(src, e) {
			try(e+2, tPath) // the `${` is not part of the token
			if best == e+2 && kind == tPath {
				best = e
			}
		}
		try(matchPathAfterRun(src, run), tPath)
	}
	if c == '~' {
		if i+2 < len(src) && src[i+1] == '/' && hasDollarCurly(src, i+2) {
			try(i+4, tHPath)
			if best == i+4 && kind == tHPath {
				best = i + 2
			}
		}
		try(matchHPath(src, i), tHPath)
	}
	if c == '<' {
		try(matchSPath(src, i), tSPath)
	}
	if isIDStart(c) && c != '_' {
		if j := cache.schemeRun(src, i); j < len(src) && src[j] == ':' {
			try(matchURIRest(src, j), tURI)
		}
	}
	if best > i {
		return kind, best
	}
	two := func(k tokKind) (tokKind, int) { return k, i + 2 }
	var n byte
	if i+1 < len(src) {
		n = src[i+1]
	}
	switch c {
	case '.':
		if n == '.' && i+2 < len(src) && src[i+2] == '.' {
			return tEllipsis, i + 3
		}
		return tDot, i + 1
	case '=':
		if n == '=' {
			return two(tEq)
		}
		return tAssign, i + 1
	case '!':
		if n == '=' {
			return two(tNeq)
		}
		return tNot, i + 1
	case '<':
		if n == '=' {
			return two(tLeq)
		}
		if n == '|' {
			return two(tPipeFrom)
		}
		return tLess, i + 1
	case '>':
		if n == '=' {
			return two(tGeq)
		}
		return tGreater, i + 1
	case '&':
		if n == '&' {
			return two(tAnd)
		}
	case '|':
		if n == '|' {
			return two(tOr)
		}
		if n == '>' {
			return two(tPipeInto)
		}
	case '-':
		if n == '>' {
			return two(tImpl)
		}
		return tMinus, i + 1
	case '/':
		if n == '/' {
			return two(tUpdate)
		}
		if n == '*' {
			return tUnterminatedComment, len(src)
		}
		return tSlash, i + 1
	case '+':
		if n == '+' {
			return two(tConcat)
		}
		return tPlus, i + 1
	case '$':
		if n == '{' {
			return two(tDollarCurly)
		}
	case '{':
		return tLbrace, i + 1
	case '}':
		return tRbrace, i + 1
	case '(':
		return tLparen, i + 1
	case ')':
		return tRparen, i + 1
	case '[':
		return tLbrack, i + 1
	case ']':
		return tRbrack, i + 1
	case ';':
		return tSemi, i + 1
	case ':':
		return tColon, i + 1
	case ',':
		return tComma, i + 1
	case '?':
		return tQuestion, i + 1
	case '@':
		return tAt, i + 1
	case '*':
		return tStar, i + 1
	case '"':
		return tDquote, i + 1
	case '\'':
		if n == '\'' {
			return two(tIndOpen)
		}
	}
	// Any other byte; take a whole UTF-8 sequence so messages stay readable.
	j := i + 1
	if c >= 0xC0 {
		for j < len(src) && j < i+4 && src[j]&0xC0 == 0x80 {
			j++
		}
	}
	return tIllegal, j
}
