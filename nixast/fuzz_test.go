package nixast

import (
	"testing"
	"time"
	"unicode/utf8"
)

// FuzzParse checks, for any input, that parsing does not panic, that
// printing the tree gives the input back, that every node lies inside
// its parent, and that PrintNix copes with the (possibly broken) tree.
func FuzzParse(f *testing.F) {
	_, srcs := testInputs(f)
	for _, s := range srcs {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		start := time.Now()
		defer func() {
			if d := time.Since(start); d > 2*time.Second {
				t.Fatalf("took %v for %d bytes", d, len(src))
			}
		}()
		file, err := ParseFile("fuzz.nix", src)
		if file == nil || file.Expr == nil {
			t.Fatal("ParseFile returned no tree")
		}
		if got := Format(file); got != string(src) {
			t.Fatalf("round trip:\n got %q\nwant %q", got, src)
		}
		checkRanges(t, "fuzz.nix", file)
		_ = FormatNix(file.Expr, NixOptions{BaseDir: "/d", Home: "/h"})
		if err != nil {
			list, ok := err.(ErrorList)
			if !ok || len(list) == 0 {
				t.Fatalf("error is %T %v, want a non-empty ErrorList", err, err)
			}
			for _, e := range list {
				if e.Pos.Line < 1 || e.Pos.Column < 1 || e.Pos.Offset > len(src) || e.Msg == "" || !utf8.ValidString(e.Msg) && utf8.Valid(src) {
					t.Fatalf("bad error %+v", e)
				}
			}
		}
	})
}

// TestRoundTripAndRanges runs the fuzz checks over the test inputs and
// some broken ones, so that they run in every `go test`.
func TestRoundTripAndRanges(t *testing.T) {
	_, srcs := testInputs(t)
	srcs = append(srcs,
		[]byte("{ a = 1; b = [ 1 2 ) ; c = \"x${ y\" ; }"),
		[]byte("let a = ; in { inherit (x; }"),
		[]byte("''\n  ${"),
		[]byte("./a/${"),
		[]byte("{ a ? , }: x"),
		[]byte("x: x y z ) ] }"),
		[]byte("/* open"),
		[]byte("\"\\"),
		[]byte("assert ; with ; if then else"),
		[]byte("{ a.b.c = 1; a.b = { d = 2; }; a.b.c.e = 3; }"),
		[]byte("\x00\xff\xfe { }"),
	)
	for _, src := range srcs {
		file, _ := ParseFile("t.nix", src)
		if got := Format(file); got != string(src) {
			t.Errorf("round trip:\n got %q\nwant %q", got, src)
		}
		checkRanges(t, string(src), file)
		_ = FormatNix(file.Expr, NixOptions{})
	}
}
