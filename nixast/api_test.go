package nixast

import (
	"errors"
	"fmt"
	"strings"
	"testing"
)

func mustParse(t *testing.T, src string) *File {
	t.Helper()
	f, err := ParseFile("t.nix", []byte(src))
	if err != nil {
		t.Fatalf("parsing %q: %v", src, err)
	}
	return f
}

func TestPosition(t *testing.T) {
	f := mustParse(t, "{\n  a = 1;\r\n\tb = 2;\n}")
	for _, c := range []struct {
		off, line, col int
	}{{0, 1, 1}, {1, 1, 2}, {2, 2, 1}, {4, 2, 3}, {12, 3, 1}, {13, 3, 2}, {20, 4, 1}, {21, 4, 2}, {99, 4, 2}} {
		p := f.Position(c.off)
		if p.Line != c.line || p.Column != c.col || p.Filename != "t.nix" {
			t.Errorf("Position(%d) = %+v, want line %d col %d", c.off, p, c.line, c.col)
		}
	}
	if got := f.Position(4).String(); got != "t.nix:2:3" {
		t.Errorf("String() = %q", got)
	}
	if got, want := f.Excerpt(13), "\tb = 2;\n\t^\n"; got != want {
		t.Errorf("Excerpt = %q, want %q", got, want)
	}
}

func TestErrors(t *testing.T) {
	src := "{\n  a = 1\n  b = 2;\n  c = { d = 1; d = 2; };\n  e = let ${x} = 1; in 1;\n  f = { x, x }: x;\n  g.h = 1;\n  g = 2;\n  i = [ 1 ) ];\n"
	f, err := ParseFile("e.nix", []byte(src))
	var list ErrorList
	if !errors.As(err, &list) {
		t.Fatalf("error %v is not an ErrorList", err)
	}
	var got []string
	for _, e := range list {
		got = append(got, e.Error())
	}
	want := []string{
		"e.nix:3:5: unexpected `=`, expected `;` after binding",
		"e.nix:4:16: attribute 'd' already defined at 4:9",
		"e.nix:5:11: dynamic attributes not allowed in let",
		"e.nix:6:12: duplicate formal function argument 'x'",
		"e.nix:8:3: attribute 'g' already defined at 7:3",
		"e.nix:9:11: unexpected `)`, expected list element or `]`",
		"e.nix:10:1: unexpected end of file, expected `}`",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("errors:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if Format(f) != src {
		t.Error("round trip of a broken file failed")
	}
	if got := err.Error(); !strings.HasPrefix(got, "e.nix:3:5: unexpected `=`") || !strings.HasSuffix(got, "(and 6 more errors)") {
		t.Errorf("Error() = %q", got)
	}
}

func TestErrorMessages(t *testing.T) {
	for src, want := range map[string]string{
		"let a = 1 in a":                  "1:11: unexpected `in`, expected `;` after binding",
		"{ a = 1 }":                       "1:9: unexpected `}`, expected `;` after binding",
		"\"abc":                           "1:5: unexpected end of file, expected `\"` to close the string started at 1:1",
		"''abc":                           "1:6: unexpected end of file, expected `''` to close the string started at 1:1",
		"./a/":                            "1:4: path has a trailing slash",
		"1 < 2 < 3":                       "1:7: unexpected `<`",
		"[ -1 ]":                          "1:3: unexpected `-`, expected list element or `]`",
		"x: x.if":                         "1:6: unexpected `if`, expected attribute name after `.`",
		"9223372036854775808":             "1:1: invalid integer '9223372036854775808'",
		"{ inherit \"${x}\"; }":           "1:11: dynamic attributes not allowed in inherit",
		"1 /* open":                       "1:3: unterminated comment `/*`",
		"if x then y":                     "1:12: unexpected end of file, expected `else` after `then` branch",
		"a |> b <| c":                     "1:8: `|>` and `<|` cannot be mixed without parentheses",
		"{ a, ... , b }: a":               "1:10: unexpected `,`, expected `}` after `...`",
		"f x: x":                          "1:4: unexpected `:`, expected end of file",
		"%":                               "1:1: unexpected character `%`, expected expression",
		"\x00":                            "1:1: unexpected character U+0000, expected expression",
		"1 \x1b":                          "1:3: unexpected character U+001B, expected end of file",
		"1 \u00a0":                        "1:3: unexpected character U+00A0, expected end of file",
		"1 \u20ac":                        "1:3: unexpected character `\u20ac`, expected end of file",
		"1 \xff":                          "1:3: unexpected byte 0xFF, expected end of file",
		"{ \"a\\n\" = 1; \"a\\n\" = 2; }": "1:14: attribute 'a\\n' already defined at 1:3",
	} {
		_, err := ParseFile("", []byte(src))
		if err == nil {
			t.Errorf("%q parsed", src)
			continue
		}
		first := err.(ErrorList)[0]
		if got := fmt.Sprintf("%d:%d: %s", first.Pos.Line, first.Pos.Column, first.Msg); got != want {
			t.Errorf("%q: got %q, want %q", src, got, want)
		}
	}
}

func TestStringValues(t *testing.T) {
	for src, want := range map[string]string{
		`"a\nb\tc\rd\$e\\f\"g\qh"`:              "a\nb\tc\rd$e\\f\"g" + "qh",
		`"$${x} \${y}"`:                         "$${x} ${y}",
		"\"a\r\nb\rc\"":                         "a\nb\nc",
		"''\n    a\n      b\n    c\n  ''":       "a\n  b\nc\n",
		"''\n  a ''${x} '''' ''\\n ''\\t\n  ''": "a ${x} ''' \n\t\n",
		"''  \n  x\n''":                         "x\n",
		"''\n  ''\\ x\n    y''":                 " x\n  y",
		"''\n\n  a\n\n  b''":                    "\na\n\nb",
		"''a'b$c$'d''":                          "a'b$c$'d",
		`""`:                                    "",
		"''''":                                  "",
	} {
		f := mustParse(t, src)
		s, ok := f.Expr.(*String)
		if !ok {
			t.Errorf("%q: got %T", src, f.Expr)
			continue
		}
		got, ok := s.ConstValue()
		if !ok || got != want {
			t.Errorf("%q: ConstValue() = %q, %v; want %q", src, got, ok, want)
		}
	}
}

func TestInterpolatedParts(t *testing.T) {
	src := "''\n    img: ${name}:${tag}\n    done\n  ''"
	f := mustParse(t, src)
	s := f.Expr.(*String)
	var desc []string
	for _, p := range s.Parts {
		switch p := p.(type) {
		case *Lit:
			desc = append(desc, fmt.Sprintf("lit %q raw %q @%d", p.Text, p.Raw, p.Pos()))
		case *Interp:
			desc = append(desc, fmt.Sprintf("interp %s @%d-%d", f.Text(p.X), p.Pos(), p.End()))
		}
	}
	want := []string{
		`lit "img: " raw "    img: " @3`,
		"interp name @12-19",
		`lit ":" raw ":" @19`,
		"interp tag @20-26",
		`lit "\ndone\n" raw "\n    done\n  " @26`,
	}
	if strings.Join(desc, "\n") != strings.Join(want, "\n") {
		t.Errorf("parts:\n%s\nwant:\n%s", strings.Join(desc, "\n"), strings.Join(want, "\n"))
	}
	if _, ok := s.ConstValue(); ok {
		t.Error("ConstValue ok for an interpolated string")
	}
}

func TestBindingsAndNames(t *testing.T) {
	f := mustParse(t, `{ a.b."c d".${"e"} = 1; ${x} = 2; inherit (p) q "r"; or = 3; }`)
	set := f.Expr.(*AttrSet)
	if len(set.Bindings) != 4 {
		t.Fatalf("got %d bindings", len(set.Bindings))
	}
	d := set.Bindings[0].(*AttrDef)
	var names []string
	for _, n := range d.Path.Names {
		s, ok := StaticName(n)
		names = append(names, fmt.Sprintf("%s/%v", s, ok))
	}
	if got := strings.Join(names, " "); got != "a/true b/true c d/true e/true" {
		t.Errorf("names: %s", got)
	}
	if got := f.Text(d.Value); got != "1" {
		t.Errorf("value text %q", got)
	}
	if got := f.Text(d); got != `a.b."c d".${"e"} = 1;` {
		t.Errorf("binding text %q", got)
	}
	if _, ok := StaticName(set.Bindings[1].(*AttrDef).Path.Names[0]); ok {
		t.Error("${x} is static")
	}
	inh := set.Bindings[2].(*Inherit)
	if f.Text(inh.From) != "p" || len(inh.Names) != 2 {
		t.Errorf("inherit: from %q, %d names", f.Text(inh.From), len(inh.Names))
	}
	if n, _ := StaticName(set.Bindings[3].(*AttrDef).Path.Names[0]); n != "or" {
		t.Errorf("or binding named %q", n)
	}
}

func TestInspectOrder(t *testing.T) {
	f := mustParse(t, `{ x ? 1 }@args: let y = f x; in [ y.z or 2 (-3) ]`)
	var got []string
	Inspect(f.Expr, func(n Node) bool {
		got = append(got, fmt.Sprintf("%T:%s", n, f.Text(n)))
		return true
	})
	want := "*nixast.Lambda:{ x ? 1 }@args: let y = f x; in [ y.z or 2 (-3) ]|" +
		"*nixast.Formals:{ x ? 1 }|*nixast.Formal:x ? 1|*nixast.Ident:x|*nixast.Int:1|*nixast.Ident:args|" +
		"*nixast.Let:let y = f x; in [ y.z or 2 (-3) ]|*nixast.AttrDef:y = f x;|*nixast.AttrPath:y|*nixast.Ident:y|" +
		"*nixast.Apply:f x|*nixast.Ident:f|*nixast.Ident:x|*nixast.List:[ y.z or 2 (-3) ]|" +
		"*nixast.Select:y.z or 2|*nixast.Ident:y|*nixast.AttrPath:z|*nixast.Ident:z|*nixast.Int:2|" +
		"*nixast.Paren:(-3)|*nixast.Unary:-3|*nixast.Int:3"
	if g := strings.Join(got, "|"); g != want {
		t.Errorf("Inspect order:\n%s\nwant\n%s", g, want)
	}
	count := 0
	Inspect(f.Expr, func(n Node) bool { count++; _, isLet := n.(*Let); return !isLet })
	if count != 7 {
		t.Errorf("pruned walk visited %d nodes, want 7", count)
	}
}

func TestSortHelpers(t *testing.T) {
	in := `(let b = assert x; 1; a = { c = (let z = 1; y = 2; in z); }; in ({ q, p ? "a, b", ... } @ x: ({ m }: 1)))`
	want := `(let a = { c = (let y = 2; z = 1; in z); }; b = assert x; 1; in ({ p ? "a, b", q, ... } @ x: ({ m }: 1)))`
	if got := sortFormals(sortLets(in)); got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
}

// TestConcurrentUse parses and asks for positions from many goroutines;
// run with -race to check that files are safe to share once parsed.
func TestConcurrentUse(t *testing.T) {
	_, srcs := testInputs(t)
	shared, _ := ParseFile("shared.nix", []byte("{\n  a = 1;\n  b = \"x\";\n}\n"))
	done := make(chan string)
	for g := 0; g < 8; g++ {
		go func() {
			var bad string
			for _, s := range srcs {
				f, _ := ParseFile("c.nix", s)
				if Format(f) != string(s) {
					bad = "round trip"
				}
				if p := shared.Position(14); p.Line != 3 || p.Column != 4 {
					bad = fmt.Sprintf("Position(14) = %+v", p)
				}
			}
			done <- bad
		}()
	}
	for g := 0; g < 8; g++ {
		if bad := <-done; bad != "" {
			t.Error(bad)
		}
	}
}
