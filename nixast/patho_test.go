package nixast

import (
	"strings"
	"testing"
	"time"
)

// TestPathological guards against quadratic behaviour: each input of
// 50,000 repetitions must parse and print in well under two seconds
// (quadratic lexing of `+1+1…` once took minutes).
func TestPathological(t *testing.T) {
	n := 50000
	for name, src := range map[string]string{
		"parens":   strings.Repeat("(", n) + "1" + strings.Repeat(")", n),
		"lists":    strings.Repeat("[", n),
		"sets":     strings.Repeat("{a=", n),
		"interp":   strings.Repeat("\"${", n),
		"plus":     "1" + strings.Repeat("+1", n),
		"app":      "f" + strings.Repeat(" x", n),
		"select":   "x" + strings.Repeat(".a", n),
		"neg":      strings.Repeat("-", n) + "1",
		"not":      strings.Repeat("!", n) + "1",
		"lambda":   strings.Repeat("x: ", n) + "1",
		"let":      strings.Repeat("let a = 1; in ", n) + "1",
		"bad":      strings.Repeat("%", n),
		"semis":    "{" + strings.Repeat(";", n) + "}",
		"ind":      "''" + strings.Repeat("''$", n) + "''",
		"paths":    strings.Repeat("./a${", n),
		"impl":     "a" + strings.Repeat("->a", n),
		"update":   "a" + strings.Repeat("//a", n),
		"dupattrs": "{" + strings.Repeat("a.b=1;", n/10) + "}",
		"nestpath": "{" + strings.Repeat("a.", n/10) + "b=1;}",
		"formals":  "{" + strings.Repeat("a,", n/10) + "}: 1",
		"uri":      "a" + strings.Repeat(".a", n) + ":", // not a URI: nothing after the colon
		"dashuri":  strings.Repeat("a-", n) + ":",
		"concat":   "a" + strings.Repeat("++a", n),
		"elseif":   strings.Repeat("if a then 1 else ", n) + "1",
		"with":     strings.Repeat("with a;", n) + "1",
	} {
		start := time.Now()
		f, _ := ParseFile("p.nix", []byte(src))
		d := time.Since(start)
		if Format(f) != src {
			t.Errorf("%s: round trip", name)
		}
		_ = FormatNix(f.Expr, NixOptions{})
		if testing.Verbose() {
			t.Logf("%s: %v", name, time.Since(start))
		}
		if all := time.Since(start); all > 2*time.Second {
			t.Errorf("%s: parsing took %v, parsing and printing %v", name, d, all)
		}
	}
}

// TestLongAttrPaths checks that attribute paths of 300,000 names parse in
// linear time (a path of 16,000 names once took 1.5 s, and `a.a.…:` was
// quadratic in the lexer).
func TestLongAttrPaths(t *testing.T) {
	n := 300000
	for name, src := range map[string]string{
		"select":  "a" + strings.Repeat(".a", n),
		"uri":     "a" + strings.Repeat(".a", n) + ":",
		"default": "a" + strings.Repeat(".a", n) + " or 1",
		"has":     "a ? a" + strings.Repeat(".a", n),
		"set":     "{ " + strings.Repeat("a.", n) + "a = 1; }",
		"merge":   "{ " + strings.Repeat("a.", n) + "a = 1; " + strings.Repeat("a.", n) + "b = 1; }",
		"let":     "let " + strings.Repeat("a.", n) + "a = 1; in 1",
		"strings": "{ " + strings.Repeat(`"a".`, n) + "a = 1; }",
		"inherit": "{ inherit" + strings.Repeat(" a", n) + "; }",
	} {
		start := time.Now()
		f, err := ParseFile("p.nix", []byte(src))
		d := time.Since(start)
		if Format(f) != src {
			t.Errorf("%s: round trip", name)
		}
		if d > time.Second {
			t.Errorf("%s: parsing took %v", name, d)
		}
		if name == "set" {
			// Nix's form nests a set per name; it is printed in a loop.
			want := strings.Repeat("{ a = ", n+1) + "1" + strings.Repeat("; }", n+1)
			if got := FormatNix(f.Expr, NixOptions{}); got != want {
				t.Errorf("set: FormatNix gives %.100s…", got)
			}
		}
		wantErr := name == "inherit" || name == "uri" // a duplicate attribute; a stray colon
		if (err != nil) != wantErr {
			t.Errorf("%s: error %v", name, err)
		}
	}
}
