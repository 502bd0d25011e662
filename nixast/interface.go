package nixast

import (
	"bytes"
	"fmt"
	"sort"
	"strings"
	"sync"
)

// File is a parsed Nix file.
type File struct {
	Filename string
	Src      []byte
	Expr     Expr     // the root expression; never nil
	Trivia   []Trivia // whitespace and comments, in source order
	// Rest holds text after the root expression that could not be
	// parsed (only when there are errors); nil otherwise.
	Rest *Bad

	linesOnce sync.Once
	lines     []int // offsets of line starts, computed on demand
}

// TriviaKind tells whitespace from comments.
type TriviaKind uint8

const (
	Space        TriviaKind = iota + 1 // spaces, tabs, CR, LF
	LineComment                        // # … up to the end of the line
	BlockComment                       // /* … */
)

// Trivia is a run of whitespace or one comment between tokens.
type Trivia struct {
	Kind      TriviaKind
	Off, EOff int
}

// Pos and End make Trivia a Node.
func (t Trivia) Pos() int { return t.Off }
func (t Trivia) End() int { return t.EOff }

// Comments returns the file's comments in source order.
func (f *File) Comments() []Trivia {
	var out []Trivia
	for _, t := range f.Trivia {
		if t.Kind != Space {
			out = append(out, t)
		}
	}
	return out
}

// Text returns the source text of n.
func (f *File) Text(n Node) string { return string(f.Src[n.Pos():n.End()]) }

// Position is a place in a file. Line and Column are 1-based; Column
// counts bytes.
type Position struct {
	Filename string
	Offset   int
	Line     int
	Column   int
}

func (p Position) String() string {
	s := p.Filename
	if s == "" {
		s = "<input>"
	}
	return fmt.Sprintf("%s:%d:%d", s, p.Line, p.Column)
}

// Position converts a byte offset into a Position. Offsets past the end
// are clamped.
// It is safe for concurrent use.
func (f *File) Position(offset int) Position {
	f.linesOnce.Do(f.computeLines)
	offset = max(0, min(offset, len(f.Src)))
	i := sort.Search(len(f.lines), func(i int) bool { return f.lines[i] > offset }) - 1
	return Position{Filename: f.Filename, Offset: offset, Line: i + 1, Column: offset - f.lines[i] + 1}
}

// LineText returns the text of the line holding offset, without its
// line ending.
func (f *File) LineText(offset int) string {
	p := f.Position(offset)
	start := offset - (p.Column - 1)
	end := start
	for end < len(f.Src) && f.Src[end] != '\n' {
		end++
	}
	return strings.TrimSuffix(string(f.Src[start:end]), "\r")
}

// Error is a syntax or semantic error at a position.
type Error struct {
	Pos Position
	Msg string
}

func (e *Error) Error() string { return e.Pos.String() + ": " + e.Msg }

// ErrorList is a list of errors, sortable by position.
type ErrorList []*Error

func (l ErrorList) Len() int      { return len(l) }
func (l ErrorList) Swap(i, j int) { l[i], l[j] = l[j], l[i] }
func (l ErrorList) Less(i, j int) bool {
	if l[i].Pos.Filename != l[j].Pos.Filename {
		return l[i].Pos.Filename < l[j].Pos.Filename
	}
	if l[i].Pos.Offset != l[j].Pos.Offset {
		return l[i].Pos.Offset < l[j].Pos.Offset
	}
	return l[i].Msg < l[j].Msg
}

// Sort sorts the list by position.
func (l ErrorList) Sort() { sort.Stable(l) }

func (l ErrorList) Error() string {
	switch len(l) {
	case 0:
		return "no errors"
	case 1:
		return l[0].Error()
	}
	return fmt.Sprintf("%s (and %d more errors)", l[0], len(l)-1)
}

// Err returns nil for an empty list, else the list.
func (l ErrorList) Err() error {
	if len(l) == 0 {
		return nil
	}
	return l
}

// ParseFile parses src, naming it filename in positions. It always
// returns a *File holding a best-effort tree; the error, when not nil, is
// an ErrorList sorted by position.
func ParseFile(filename string, src []byte) (*File, error) {
	p := newParser(filename, src)
	p.parseFile()
	p.errs.Sort()
	return p.file, p.errs.Err()
}

// ParseExpr parses a string holding one expression.
func ParseExpr(src string) (Expr, error) {
	f, err := ParseFile("", []byte(src))
	return f.Expr, err
}

// Excerpt returns the source line holding offset and a second line with
// a caret under the offset (see CaretPad), each ending in a newline; CLIs
// print it under an error.
func (f *File) Excerpt(offset int) string {
	p := f.Position(offset)
	line := f.LineText(offset)
	return line + "\n" + CaretPad(line, p.Column) + "^\n"
}

// CaretPad returns what to print before a caret so that, printed on the
// line below line, it sits under column col (1-based, in bytes, as
// Position counts). Tabs are copied so that they expand alike, and every
// other character, one byte or several in UTF-8, becomes one space. A
// column past the end of the line puts the caret just after it.
func CaretPad(line string, col int) string {
	var b strings.Builder
	for i, r := range line {
		if i >= col-1 {
			break
		}
		if r == '\t' {
			b.WriteByte('\t')
		} else {
			b.WriteByte(' ')
		}
	}
	return b.String()
}

func (f *File) computeLines() {
	lines := make([]int, 1, len(f.Src)/32+1)
	src := f.Src
	for off := 0; ; {
		i := bytes.IndexByte(src[off:], '\n')
		if i < 0 {
			break
		}
		off += i + 1
		lines = append(lines, off)
	}
	f.lines = lines
}
