package discover

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// want is one expectation written in a test input as a comment:
//
//	# want KIND "value"... [role=R] [binding=PATH] [invalid "text"]...
//	# want KIND unresolved "text" [candidates "value"...]
//
// It matches a call of KIND whose lines include the comment's line.
// Values are image references or GitHub lock keys, in order; texts are
// substrings of the reason or of the validation error.
type want struct {
	file       string
	line       int
	kind       Kind
	values     []string
	unresolved *string
	role       string
	binding    string
	invalid    []string
	candidates []string
	matched    bool
}

func (w *want) String() string {
	return fmt.Sprintf("%s:%d: want %s %q", w.file, w.line, w.kind, w.values)
}

// parseWants reads the expectations of one file.
func parseWants(t *testing.T, name string, src []byte) []*want {
	var wants []*want
	for i, line := range strings.Split(string(src), "\n") {
		_, rest, ok := strings.Cut(line, "# want ")
		if !ok {
			continue
		}
		toks, err := tokenize(strings.TrimRight(rest, "\r"))
		if err != nil {
			t.Fatalf("%s:%d: %v", name, i+1, err)
		}
		var w *want
		inCandidates := false
		for j := 0; j < len(toks); j++ {
			tok := toks[j]
			switch {
			case !tok.quoted && (Kind(tok.s).IsImage() || Kind(tok.s) == GitHubBranch || Kind(tok.s) == GitHubRelease):
				w = &want{file: name, line: i + 1, kind: Kind(tok.s)}
				wants = append(wants, w)
				inCandidates = false
			case w == nil:
				t.Fatalf("%s:%d: want line must start with a kind", name, i+1)
			case tok.quoted && inCandidates:
				w.candidates = append(w.candidates, tok.s)
			case tok.quoted:
				w.values = append(w.values, tok.s)
			case tok.s == "candidates":
				inCandidates = true
			case tok.s == "unresolved" || tok.s == "invalid":
				if j+1 >= len(toks) || !toks[j+1].quoted {
					t.Fatalf("%s:%d: %s needs a quoted text", name, i+1, tok.s)
				}
				j++
				if tok.s == "unresolved" {
					s := toks[j].s
					w.unresolved = &s
				} else {
					w.invalid = append(w.invalid, toks[j].s)
				}
			case strings.HasPrefix(tok.s, "role="):
				w.role = strings.TrimPrefix(tok.s, "role=")
			case strings.HasPrefix(tok.s, "binding="):
				w.binding = strings.TrimPrefix(tok.s, "binding=")
			default:
				t.Fatalf("%s:%d: unknown want token %q", name, i+1, tok.s)
			}
		}
	}
	return wants
}

type token struct {
	s      string
	quoted bool
}

func tokenize(s string) ([]token, error) {
	var toks []token
	for {
		s = strings.TrimLeft(s, " \t")
		if s == "" {
			return toks, nil
		}
		if s[0] == '"' {
			q, err := strconv.QuotedPrefix(s)
			if err != nil {
				return nil, fmt.Errorf("bad quoted text in %q", s)
			}
			u, _ := strconv.Unquote(q)
			toks = append(toks, token{u, true})
			s = s[len(q):]
			continue
		}
		end := strings.IndexAny(s, " \t")
		if end < 0 {
			end = len(s)
		}
		toks = append(toks, token{s[:end], false})
		s = s[end:]
	}
}

// checkWants matches calls against wants and reports every difference.
func checkWants(t *testing.T, src map[string][]byte, calls []Call, wants []*want) {
	t.Helper()
	lineOf := func(file string, off int) int {
		return strings.Count(string(src[file][:off]), "\n") + 1
	}
	for i := range calls {
		c := &calls[i]
		first, last := lineOf(c.File, c.Pos), lineOf(c.File, c.End)
		var w *want
		for _, cand := range wants {
			if !cand.matched && cand.file == c.File && cand.kind == c.Kind && cand.line >= first && cand.line <= last {
				w = cand
				break
			}
		}
		if w == nil {
			t.Errorf("%s:%d: unexpected %s call: keys %q, unresolved %q", c.File, c.Line, c.Kind, c.Keys(), c.Unresolved)
			continue
		}
		w.matched = true
		checkCall(t, w, c)
	}
	for _, w := range wants {
		if !w.matched {
			t.Errorf("%s: no such call found", w)
		}
	}
}

func checkCall(t *testing.T, w *want, c *Call) {
	t.Helper()
	if w.unresolved != nil {
		if c.Unresolved == "" || !strings.Contains(c.Unresolved, *w.unresolved) {
			t.Errorf("%s:%d: %s: unresolved = %q, want it to contain %q (keys %q)", w.file, w.line, w.kind, c.Unresolved, *w.unresolved, c.Keys())
		}
	} else {
		if c.Unresolved != "" {
			t.Errorf("%s:%d: %s unresolved: %s; want %q", w.file, w.line, w.kind, c.Unresolved, w.values)
		} else if got := c.Keys(); strings.Join(got, "\x00") != strings.Join(w.values, "\x00") {
			t.Errorf("%s:%d: %s keys = %q, want %q", w.file, w.line, w.kind, got, w.values)
		}
	}
	var cands []string
	for _, c := range c.Candidates {
		cands = append(cands, c.Key)
	}
	if strings.Join(cands, "\x00") != strings.Join(w.candidates, "\x00") {
		t.Errorf("%s:%d: candidates = %q, want %q", w.file, w.line, cands, w.candidates)
	}
	if w.role != "" {
		role := "none"
		if c.Binding != nil {
			role = string(c.Binding.Role)
		}
		if role != w.role {
			t.Errorf("%s:%d: role = %s, want %s", w.file, w.line, role, w.role)
		}
	}
	if w.binding != "" && (c.Binding == nil || c.Binding.Path != w.binding) {
		got := "<none>"
		if c.Binding != nil {
			got = c.Binding.Path
		}
		t.Errorf("%s:%d: binding = %q, want %q", w.file, w.line, got, w.binding)
	}
	var invalid []string
	for _, tg := range c.Targets {
		if tg.Invalid != "" {
			invalid = append(invalid, tg.Invalid)
		}
	}
	all := strings.Join(invalid, "\n")
	for _, s := range w.invalid {
		if !strings.Contains(all, s) {
			t.Errorf("%s:%d: validation errors %q, want one containing %q", w.file, w.line, invalid, s)
		}
	}
	if len(w.invalid) == 0 && len(invalid) > 0 {
		t.Errorf("%s:%d: unexpected validation errors %q", w.file, w.line, invalid)
	}
}

// TestCases walks testdata/cases and checks every `# want` in it: each
// expected call is found with the expected values, and no other call is.
func TestCases(t *testing.T) {
	root := filepath.Join("testdata", "cases")
	res, err := Dir(context.Background(), root, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Files) < 40 {
		t.Fatalf("walked %d files, want the whole corpus: %q", len(res.Files), res.Files)
	}
	srcs := map[string][]byte{}
	var wants []*want
	for _, name := range res.Files {
		b, err := os.ReadFile(filepath.Join(root, filepath.FromSlash(name)))
		if err != nil {
			t.Fatal(err)
		}
		srcs[name] = b
		wants = append(wants, parseWants(t, name, b)...)
	}
	for _, e := range res.Errors {
		if !strings.HasPrefix(e.File, "syntax-") {
			t.Errorf("parse error: %v", e)
		}
	}
	checkWants(t, srcs, res.Calls, wants)
}
