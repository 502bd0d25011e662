package discover

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// checkInvariants checks what every call must satisfy whatever the
// input: ranges inside the file and nested as documented, Line and Col
// matching Pos, and no internal error.
func checkInvariants(t *testing.T, src []byte, calls []Call) {
	t.Helper()
	in := func(r, outer Range) bool { return outer.Pos <= r.Pos && r.Pos <= r.End && r.End <= outer.End }
	file := Range{0, len(src)}
	for _, c := range calls {
		if strings.Contains(c.Unresolved, "internal error") {
			t.Errorf("%s", c.Unresolved)
			continue
		}
		if !in(c.Range, file) || !in(c.Callee, c.Range) || !in(c.Arg, c.Range) {
			t.Errorf("call %+v: ranges not nested in %d bytes", c, len(src))
			continue
		}
		line := 1 + strings.Count(string(src[:c.Pos]), "\n")
		col := c.Pos - (strings.LastIndexByte(string(src[:c.Pos]), '\n') + 1) + 1
		if c.Line != line || c.Col != col {
			t.Errorf("call at %d: line:col %d:%d, want %d:%d", c.Pos, c.Line, c.Col, line, col)
		}
		if (c.Unresolved == "") == (len(c.Targets) == 0) {
			t.Errorf("call at %d: %d targets with unresolved %q", c.Pos, len(c.Targets), c.Unresolved)
		}
		if b := c.Binding; b != nil {
			if !in(b.Value, b.Range) || !in(c.Range, b.Value) || !in(b.Range, file) {
				t.Errorf("call at %d: binding ranges %+v do not hold the call", c.Pos, b)
			}
			if b.Direct != (b.Value == c.Range || strings.Trim(string(src[b.Value.Pos:c.Pos]), "( \t\r\n") == "" &&
				strings.Trim(string(src[c.End:b.Value.End]), ") \t\r\n") == "") {
				t.Errorf("call at %d: Direct = %v for value %q", c.Pos, b.Direct, src[b.Value.Pos:b.Value.End])
			}
			for _, s := range b.Siblings {
				if !in(s.Range, file) || s.Range == b.Range {
					t.Errorf("call at %d: bad sibling %+v", c.Pos, s)
				}
			}
		}
	}
}

func TestInvariants(t *testing.T) {
	err := filepath.WalkDir(filepath.Join("testdata"), func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".nix") {
			return err
		}
		src, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		calls, _ := Source(p, src)
		checkInvariants(t, src, calls)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestBindingDetails checks what the rewriter and lint read: the exact
// texts of the call, callee, argument and binding, and the siblings.
func TestBindingDetails(t *testing.T) {
	src := []byte("{ uptix, ... }:\r\n{\r\n" +
		"  c.web.imageFile = (uptix.dockerImage \"nginx:1.25\");\r\n" +
		"  c.web.image = \"nginx:1.25\";\r\n" +
		"  c.\"odd name\".x = \"${uptix.dockerImage \"y:1\"}\";\r\n" +
		"}\r\n")
	calls, err := Source("t.nix", src)
	if err != nil {
		t.Fatal(err)
	}
	if len(calls) != 2 {
		t.Fatalf("got %d calls", len(calls))
	}
	text := func(r Range) string { return string(src[r.Pos:r.End]) }
	c := calls[0]
	for _, tt := range []struct{ got, want string }{
		{text(c.Range), `uptix.dockerImage "nginx:1.25"`},
		{text(c.Callee), "uptix.dockerImage"},
		{text(c.Arg), `"nginx:1.25"`},
		{text(c.Binding.Range), `c.web.imageFile = (uptix.dockerImage "nginx:1.25");`},
		{text(c.Binding.Value), `(uptix.dockerImage "nginx:1.25")`},
		{c.Binding.Path, "c.web.imageFile"},
		{strings.Join(c.Binding.Attrs, "|"), "c|web|imageFile"},
		{string(c.Binding.Role), "imageFile"},
		{string(c.Form), "apply"},
	} {
		if tt.got != tt.want {
			t.Errorf("got %q, want %q", tt.got, tt.want)
		}
	}
	if c.Line != 3 || c.Col != 22 || !c.Binding.Direct {
		t.Errorf("line:col %d:%d direct %v, want 3:22 true", c.Line, c.Col, c.Binding.Direct)
	}
	if len(c.Binding.Siblings) != 2 {
		t.Fatalf("siblings = %+v", c.Binding.Siblings)
	}
	s := c.Binding.Siblings[0]
	if s.Path != "c.web.image" || s.String == nil || *s.String != "nginx:1.25" || text(s.Range) != `c.web.image = "nginx:1.25";` {
		t.Errorf("sibling = %+v", s)
	}
	if s := c.Binding.Siblings[1]; s.String != nil || strings.Join(s.Attrs, "|") != "c|odd name|x" {
		t.Errorf("second sibling = %+v", s)
	}
	c = calls[1]
	if c.Binding == nil || c.Binding.Direct || c.Binding.Role != RoleOther || c.Keys()[0] != "y:1" {
		t.Errorf("call in an interpolation: %+v", c)
	}
}

func FuzzSource(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join("testdata", "cases", "*.nix"))
	for _, p := range files {
		if b, err := os.ReadFile(p); err == nil {
			f.Add(b)
		}
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		calls, _ := Source("fuzz.nix", src)
		checkInvariants(t, src, calls)
	})
}

// Inputs that blow up when evaluated end quickly with "not constant".
func TestPathological(t *testing.T) {
	var b strings.Builder
	b.WriteString("{ uptix, ... }:\nlet\n  f0 = x: x + x;\n  g0 = x: [ x x ];\n")
	for i := 1; i <= 40; i++ {
		b.WriteString("  f" + strconv.Itoa(i) + " = x: f" + strconv.Itoa(i-1) + " (f" + strconv.Itoa(i-1) + " x);\n")
		b.WriteString("  g" + strconv.Itoa(i) + " = x: map g" + strconv.Itoa(i-1) + " (g" + strconv.Itoa(i-1) + " x);\n")
	}
	b.WriteString("  loop = x: loop x;\nin {\n")
	for i := 0; i < 200; i++ {
		b.WriteString("  a" + strconv.Itoa(i) + " = uptix.dockerImage (f40 \"a\");\n")
		b.WriteString("  b" + strconv.Itoa(i) + " = map uptix.dockerImage (g40 \"b\");\n")
		b.WriteString("  c" + strconv.Itoa(i) + " = uptix.dockerImage (loop 1);\n")
	}
	b.WriteString("}\n")
	src := []byte(b.String())
	start := time.Now()
	calls, err := Source("p.nix", src)
	if err != nil {
		t.Fatal(err)
	}
	if d := time.Since(start); d > 20*time.Second {
		t.Errorf("took %v", d)
	}
	if len(calls) != 600 {
		t.Fatalf("got %d calls, want 600", len(calls))
	}
	for _, c := range calls {
		if c.Unresolved == "" {
			t.Errorf("call at %d:%d resolved to %d targets", c.Line, c.Col, len(c.Targets))
		}
	}
	checkInvariants(t, src, calls)
}
