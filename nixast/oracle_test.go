package nixast

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// The oracle is Nix itself: `nix-instantiate --parse` over many files in
// one process. Files are wrapped as `with {}; …` so that undefined
// variables, which Nix's parser also rejects, do not count.

const withPrefix = "with {}; "

// nixVerdict is Nix's answer for one file.
type nixVerdict struct {
	ok  bool
	out string // the printed expression with the `with` stripped, when ok
	err string // the first line of the error, when not ok
}

// needNix returns the path of nix-instantiate, skipping the test when it
// is missing, or failing it when CI=true.
func needNix(t testing.TB) string {
	t.Helper()
	path, err := exec.LookPath("nix-instantiate")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("nix-instantiate is required when CI=true: %v", err)
		}
		t.Skip("nix-instantiate not found; install Nix to compare with it")
	}
	return path
}

// runNix wraps each source in `with {};`, writes it to dir as NNNNN.nix
// and runs nix-instantiate --parse over all of them, starting a new
// process only after a file fails (Nix stops at the first error). The
// printed paths are relative to dir, which is also HOME.
func runNix(t testing.TB, nix, dir string, srcs [][]byte) []nixVerdict {
	t.Helper()
	files := make([]string, len(srcs))
	for i, src := range srcs {
		files[i] = filepath.Join(dir, fmt.Sprintf("%05d.nix", i))
		w := append([]byte(withPrefix), src...)
		if err := os.WriteFile(files[i], w, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	res := make([]nixVerdict, len(srcs))
	const batch = 2000
	for start := 0; start < len(files); {
		end := min(start+batch, len(files))
		cmd := exec.Command(nix, append([]string{"--parse"}, files[start:end]...)...)
		cmd.Env = append(os.Environ(), "HOME="+dir, "NIX_PATH=")
		var stdout, stderr bytes.Buffer
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		runErr := cmd.Run()
		sc := bufio.NewScanner(&stdout)
		sc.Buffer(nil, 1<<28)
		i := start
		for sc.Scan() {
			line := sc.Text()
			if i >= end {
				t.Fatalf("nix-instantiate printed more lines than files: %q", line)
			}
			out, ok := strings.CutPrefix(line, "(with { }; ")
			if !ok || !strings.HasSuffix(out, ")") {
				t.Fatalf("nix-instantiate printed %q for %s", line, files[i])
			}
			res[i] = nixVerdict{ok: true, out: sortFormals(sortLets(strings.TrimSuffix(out, ")")))}
			i++
		}
		if runErr == nil {
			if i != end {
				t.Fatalf("nix-instantiate printed %d lines for %d files", i-start, end-start)
			}
			start = end
			continue
		}
		if i >= end {
			t.Fatalf("nix-instantiate failed after printing every file: %v: %s", runErr, stderr.String())
		}
		msg := stderr.String()
		for _, l := range strings.Split(msg, "\n") {
			if strings.HasPrefix(l, "error:") {
				msg = l
				break
			}
		}
		res[i] = nixVerdict{err: msg}
		start = i + 1
	}
	return res
}

// ourVerdict parses src and prints it as Nix would, with paths relative
// to dir.
func ourVerdict(src []byte, dir string) (nixVerdict, *File) {
	f, err := ParseFile("input.nix", src)
	if err != nil {
		return nixVerdict{err: err.Error()}, f
	}
	return nixVerdict{ok: true, out: sortFormals(FormatNix(f.Expr, NixOptions{BaseDir: dir, Home: dir}))}, f
}

// testInputs returns every Nix input in the package's test data: the
// probes and the cases archive.
func testInputs(t testing.TB) (names []string, srcs [][]byte) {
	for _, p := range loadProbes(t) {
		names = append(names, "probes/"+p.name)
		srcs = append(srcs, []byte(p.input))
	}
	for _, f := range readArchive(t, "testdata/cases.txtar") {
		if strings.HasSuffix(f.Name, ".nix") {
			names = append(names, "cases/"+f.Name)
			srcs = append(srcs, []byte(f.Data))
		}
	}
	return names, srcs
}

// TestLiveNix compares our verdict and --print=nix output with Nix's on
// every test input. Pipes are the one deliberate difference.
func TestLiveNix(t *testing.T) {
	t.Parallel() // mostly waiting for nix-instantiate
	nix := needNix(t)
	names, srcs := testInputs(t)
	dir := t.TempDir()
	theirs := runNix(t, nix, dir, srcs)
	for i, src := range srcs {
		ours, _ := ourVerdict(src, dir)
		th := theirs[i]
		if bytes.Contains(src, []byte("|>")) || bytes.Contains(src, []byte("<|")) {
			if th.ok {
				t.Errorf("%s: Nix accepted a pipe; update this test", names[i])
			}
			continue
		}
		switch {
		case ours.ok != th.ok:
			t.Errorf("%s %q:\n ours %v %s%s\nnix's %v %s%s", names[i], src, ours.ok, ours.out, ours.err, th.ok, th.out, th.err)
		case ours.ok && ours.out != th.out:
			t.Errorf("%s %q:\n ours %s\nnix's %s", names[i], src, ours.out, th.out)
		}
	}
	t.Logf("compared %d inputs with nix-instantiate --parse", len(srcs))
}

// sortLets rewrites every `(let …; in …)` in text printed by
// nix-instantiate --parse so that its bindings are sorted: Nix 2.8 prints
// them in an order that follows memory addresses.
func sortLets(s string) string {
	// Find the starts of `(let ` outside strings.
	var starts []int
	for i := 0; i < len(s); i++ {
		switch {
		case s[i] == '"':
			i = skipNixString(s, i)
		case strings.HasPrefix(s[i:], "(let "):
			starts = append(starts, i)
		}
	}
	for k := len(starts) - 1; k >= 0; k-- {
		s = sortOneLet(s, starts[k])
	}
	return s
}

// skipNixString returns the offset of the closing quote of the string
// starting at i.
func skipNixString(s string, i int) int {
	for j := i + 1; j < len(s); j++ {
		switch s[j] {
		case '\\':
			j++
		case '"':
			return j
		}
	}
	return len(s)
}

func sortOneLet(s string, start int) string {
	i := start + len("(let ")
	var binds []string
	bindStart := i
	depth := 0
	asserts := 0 // `assert c; e` prints without parentheses
	for i < len(s) {
		if depth == 0 && i == bindStart && strings.HasPrefix(s[i:], "in ") {
			break
		}
		switch c := s[i]; c {
		case 'a':
			if depth == 0 && strings.HasPrefix(s[i:], "assert ") && i > 0 && (s[i-1] == ' ' || s[i-1] == '(') {
				asserts++
			}
		case '"':
			i = skipNixString(s, i)
		case '(', '[', '{':
			depth++
		case ')', ']', '}':
			depth--
			if depth < 0 {
				return s
			}
		case ';':
			if depth == 0 && asserts > 0 {
				asserts--
			} else if depth == 0 && i+1 < len(s) && s[i+1] == ' ' {
				binds = append(binds, s[bindStart:i+2])
				bindStart = i + 2
				i++
			}
		}
		i++
	}
	if i >= len(s) {
		return s
	}
	sorted := append([]string(nil), binds...)
	sortStrings(sorted)
	return s[:start+len("(let ")] + strings.Join(sorted, "") + s[i:]
}

func sortStrings(a []string) {
	key := func(b string) string {
		b = strings.TrimPrefix(b, "inherit ")
		if n := strings.Index(b, " "); n >= 0 {
			b = b[:n]
		}
		return strings.TrimSuffix(strings.Trim(b, `"`), ";")
	}
	for i := 1; i < len(a); i++ {
		for j := i; j > 0 && key(a[j]) < key(a[j-1]); j-- {
			a[j], a[j-1] = a[j-1], a[j]
		}
	}
}

// sortFormals rewrites every parameter set `({ a, b ? d, ... }…: ` in
// text printed by nix-instantiate --parse so that its parameters are
// sorted: Nix 2.8 prints them in an order that follows memory addresses.
func sortFormals(s string) string {
	var starts []int
	for i := 0; i < len(s); i++ {
		switch {
		case s[i] == '"':
			i = skipNixString(s, i)
		case strings.HasPrefix(s[i:], "({ "):
			starts = append(starts, i+1)
		}
	}
	for k := len(starts) - 1; k >= 0; k-- {
		s = sortOneFormals(s, starts[k])
	}
	return s
}

func sortOneFormals(s string, start int) string {
	i := start + len("{ ")
	var items []string
	itemStart := i
	depth := 0
	for ; i < len(s); i++ {
		switch c := s[i]; c {
		case '"':
			i = skipNixString(s, i)
		case '(', '[', '{':
			depth++
		case ')', ']':
			depth--
			if depth < 0 {
				return s
			}
		case '}':
			if depth == 0 {
				rest := s[i+1:]
				if !strings.HasPrefix(rest, ": ") && !strings.HasPrefix(rest, " @ ") {
					return s
				}
				if last := strings.TrimSuffix(s[itemStart:i], " "); last != "" {
					items = append(items, last)
				}
				ellipsis := len(items) > 0 && items[len(items)-1] == "..."
				if ellipsis {
					items = items[:len(items)-1]
				}
				sortStrings(items)
				if ellipsis {
					items = append(items, "...")
				}
				body := strings.Join(items, ", ")
				if body != "" {
					body += " "
				}
				if len(items) == 0 {
					body = " "
				}
				return s[:start] + "{ " + body + s[i:]
			}
			depth--
		case ',':
			if depth == 0 && i+1 < len(s) && s[i+1] == ' ' {
				items = append(items, s[itemStart:i])
				itemStart = i + 2
				i++
			}
		}
	}
	return s
}
