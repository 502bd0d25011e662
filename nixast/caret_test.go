package nixast

import (
	"strings"
	"testing"
)

// TestCaretPad checks that the caret lines up by characters after
// multibyte UTF-8 while columns stay in bytes, as Nix counts them.
func TestCaretPad(t *testing.T) {
	for _, c := range []struct {
		line string
		col  int
		want string
	}{
		{"abc", 1, ""},
		{"abc", 3, "  "},
		{"\tb = 2;", 2, "\t"},
		{"x = \"é\" %", 10, "        "}, // é is 2 bytes: byte column 10, 8 characters before
		{"\t€€ %", 9, "\t   "},          // € is 3 bytes
		{"🐳 = 1; %", 11, "       "},     // 4 bytes, one character
		{"ab", 9, "  "},                 // past the end: after the line
		{"a\xffb %", 5, "    "},         // invalid UTF-8: one space a byte
		{"é", 2, " "},                   // inside a character: after it
		{"", 1, ""},
	} {
		if got := CaretPad(c.line, c.col); got != c.want {
			t.Errorf("CaretPad(%q, %d) = %q, want %q", c.line, c.col, got, c.want)
		}
	}
}

func TestExcerptMultibyte(t *testing.T) {
	src := "{\n  name = \"café\"; %\n}"
	f, err := ParseFile("u.nix", []byte(src))
	if err == nil {
		t.Fatal("parsed")
	}
	e := err.(ErrorList)[0]
	if e.Pos.Line != 2 || e.Pos.Column != 19 {
		t.Fatalf("error at %v, want 2:19 (bytes, as Nix counts)", e.Pos)
	}
	got := f.Excerpt(e.Pos.Offset)
	want := "  name = \"café\"; %\n                 ^\n"
	if got != want {
		t.Errorf("Excerpt = %q, want %q", got, want)
	}
	lines := strings.Split(got, "\n")
	if len([]rune(lines[0][:strings.Index(lines[0], "%")])) != strings.Index(lines[1], "^") {
		t.Errorf("caret not under `%%`:\n%s", got)
	}
}
