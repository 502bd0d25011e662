package nixast

import (
	"strings"
	"testing"
)

// deepInputs are nested inputs a little below the sizes at which Nix 2.8
// fails with "memory exhausted" (its parser's stack holds 10,000
// entries); generated code nests like this.
func deepInputs() map[string]string {
	r := strings.Repeat
	return map[string]string{
		"concat":  "a: a" + r(" ++ a", 4800),
		"update":  "a: a" + r(" // a", 4800),
		"impl":    "a: a" + r(" -> a", 4800),
		"let":     r("let a = 1; in ", 3200) + "a",
		"with":    "a: " + r("with a; ", 3200) + "1",
		"assert":  r("assert true; ", 3200) + "1",
		"lambda":  r("x: ", 4800) + "1",
		"formals": r("{ a ? 1 }: ", 2400) + "1",
		"if":      "a: " + r("if a then ", 3200) + "1" + r(" else 1", 3200),
		"elseif":  "a: " + r("if a then 1 else ", 1600) + "1",
		"parens":  r("(", 9800) + "1" + r(")", 9800),
		"lists":   r("[", 4800) + r("]", 4800),
		"neg":     r("-", 9800) + "1",
		"not":     r("!", 9800) + "true",
		"sets":    r("{a=", 1800) + "1" + r(";}", 1800),
		"interp":  r(`"${`, 3000) + "1" + r(`}"`, 3000),
	}
}

// TestDeepNesting checks that what Nix accepts parses, prints as Nix
// prints it, and round-trips.
func TestDeepNesting(t *testing.T) {
	t.Parallel() // mostly waiting for nix-instantiate
	inputs := deepInputs()
	var names []string
	var srcs [][]byte
	for name, src := range inputs {
		f, err := ParseFile("deep.nix", []byte(src))
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		if Format(f) != src {
			t.Errorf("%s: round trip differs", name)
		}
		names = append(names, name)
		srcs = append(srcs, []byte(src))
	}
	nix := needNix(t)
	dir := t.TempDir()
	theirs := runNix(t, nix, dir, srcs)
	for i, src := range srcs {
		ours, _ := ourVerdict(src, dir)
		th := theirs[i]
		if !th.ok {
			t.Errorf("%s: Nix 2.8 rejects it (%s); make the input smaller", names[i], th.err)
			continue
		}
		if ours.out != th.out {
			t.Errorf("%s: we print %.200s…\nNix prints %.200s…", names[i], ours.out, th.out)
		}
	}
}

// TestTooDeep checks that nesting past the limit gives one error, at the
// place where the limit was passed, and still a lossless tree.
func TestTooDeep(t *testing.T) {
	r := strings.Repeat
	n := maxDepth + 1
	for name, tc := range map[string]struct {
		src   string
		width int // bytes per level
		cost  int // depth per level
	}{
		"parens": {r("(", n/3+1) + "1" + r(")", n/3+1), 1, 3},
		"lists":  {r("[", n) + r("]", n), 1, 1},
		"let":    {r("let a = 1; in ", n) + "a", 14, 1},
		"concat": {"a" + r(" ++ a", n), 5, 1},
		"update": {"{ }" + r(" // { }", n), 7, 1},
		"lambda": {r("x: ", n) + "1", 3, 1},
		"neg":    {r("-", n) + "1", 1, 1},
	} {
		f, err := ParseFile("deep.nix", []byte(tc.src))
		list, ok := err.(ErrorList)
		if !ok || len(list) != 1 {
			t.Errorf("%s: want one error, got %v", name, err)
			continue
		}
		e := list[0]
		depth := (e.Pos.Column - 1) / tc.width * tc.cost
		if e.Msg != "expression nested too deeply" || e.Pos.Line != 1 || depth < maxDepth-5 || depth > maxDepth {
			t.Errorf("%s: got %v (depth %d), want expression nested too deeply at depth %d", name, e, depth, maxDepth)
		}
		if Format(f) != tc.src {
			t.Errorf("%s: round trip differs", name)
		}
	}
}
