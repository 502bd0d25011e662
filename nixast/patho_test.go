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
	} {
		start := time.Now()
		f, _ := ParseFile("p.nix", []byte(src))
		d := time.Since(start)
		if Format(f) != src {
			t.Errorf("%s: round trip", name)
		}
		_ = FormatNix(f.Expr, NixOptions{})
		if all := time.Since(start); all > 2*time.Second {
			t.Errorf("%s: parsing took %v, parsing and printing %v", name, d, all)
		}
	}
}
