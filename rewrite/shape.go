package rewrite

import "strings"

// site is an old-style binding `PATH.image = CALLEE ARG;` reduced to the
// byte ranges the rewrite needs. It is filled from the syntax tree; the
// edits it produces depend on nothing else.
type site struct {
	pathStart  int    // first byte of the attribute path
	lastStart  int    // the last attribute of the path: `image` or `"image"`
	lastEnd    int    //
	eq         int    // offset of `=`
	valueStart int    // first byte of the value expression
	semiEnd    int    // offset just after the closing `;`
	arg        string // the text of the new image value
}

// edits returns the two edits that turn the binding into
// `PATH.imageFile = CALLEE ARG;` followed by `PATH.image = ARG;`.
func (s site) edits(src []byte) []Edit {
	last := string(src[s.lastStart:s.lastEnd])
	file := "imageFile"
	if strings.HasPrefix(last, `"`) {
		file = `"imageFile"`
	}
	rename := Edit{Start: s.lastStart, End: s.lastEnd, New: file}

	line := s.imageLine(src, last)
	start := lineStart(src, s.pathStart)
	rest := src[s.semiEnd:lineEnd(src, s.semiEnd)]
	if isBlank(src[start:s.pathStart]) && onlyTrivia(rest) && !strings.Contains(string(rest), "/*") {
		// The binding opens its line and nothing but a comment follows
		// its `;`: the new binding gets a line of its own below, with
		// the binding's indentation and the line's own terminator.
		at := lineEnd(src, s.semiEnd)
		nl := eolAt(src, s.semiEnd)
		return []Edit{rename, {Start: at, End: at, New: nl + indentAt(src, s.pathStart) + line}}
	}
	// A one-line set, or more code after the `;`: stay on the same line.
	return []Edit{rename, {Start: s.semiEnd, End: s.semiEnd, New: " " + line}}
}

// imageLine renders `PATH.image = ARG;`, keeping the path prefix and the
// spacing around `=` when that spacing is plain blanks.
func (s site) imageLine(src []byte, last string) string {
	before := string(src[s.lastEnd:s.eq])
	if !isBlank([]byte(before)) {
		before = " "
	}
	after := string(src[s.eq+1 : s.valueStart])
	if !isBlank([]byte(after)) {
		after = " "
	}
	prefix := string(src[s.pathStart:s.lastStart])
	return prefix + last + before + "=" + after + s.arg + ";"
}
