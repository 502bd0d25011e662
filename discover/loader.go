package discover

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"github.com/uptix-dev/uptix/nixast"
)

// loader reads and parses files under one root, for the walk and for
// imports; the files imports read are cached and shared by every
// goroutine (a parsed tree is not changed after parsing).
type loader struct {
	root  string // absolute, symbolic links resolved; "" allows nothing
	mu    sync.Mutex
	files map[string]*loadEntry
}

type loadEntry struct {
	once sync.Once
	f    *nixast.File
	abs  string
	err  error
}

func newLoader(root string) (*loader, error) {
	abs, err := filepath.Abs(root)
	if err == nil {
		abs, err = filepath.EvalSymlinks(abs)
	}
	if err != nil {
		return nil, fmt.Errorf("reading tree %q: %w", root, err)
	}
	return &loader{root: abs, files: map[string]*loadEntry{}}, nil
}

// rel names an absolute path for messages.
func (l *loader) rel(abs string) string {
	if r, err := filepath.Rel(l.root, abs); err == nil {
		return filepath.ToSlash(r)
	}
	return abs
}

// inside resolves p's symbolic links and checks that it stays in the
// tree.
func (l *loader) inside(p string) (string, error) {
	if l.root == "" {
		return "", fmt.Errorf("%q, outside any tree", p)
	}
	real, err := filepath.EvalSymlinks(p)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return "", fmt.Errorf("%q, which does not exist", l.rel(p))
		}
		return "", fmt.Errorf("%q: %w", l.rel(p), err)
	}
	r, err := filepath.Rel(l.root, real)
	if err != nil || r == ".." || strings.HasPrefix(r, ".."+string(filepath.Separator)) {
		return "", fmt.Errorf("%q, which is outside the tree", l.rel(p))
	}
	return real, nil
}

// load parses the file an import of p reads (p/default.nix for a
// directory). Errors are phrases that follow "an import of".
func (l *loader) load(p string) (*nixast.File, string, error) {
	real, err := l.inside(p)
	if err != nil {
		return nil, "", err
	}
	if st, err := os.Stat(real); err == nil && st.IsDir() {
		if real, err = l.inside(filepath.Join(real, "default.nix")); err != nil {
			return nil, "", err
		}
	}
	l.mu.Lock()
	e := l.files[real]
	if e == nil {
		e = &loadEntry{abs: real}
		l.files[real] = e
	}
	l.mu.Unlock()
	e.once.Do(func() {
		src, err := os.ReadFile(real)
		if err != nil {
			e.err = fmt.Errorf("%q, which cannot be read", l.rel(real))
			return
		}
		f, perr := nixast.ParseFile(real, src)
		if perr != nil {
			e.err = fmt.Errorf("%q, which does not parse", l.rel(real))
			return
		}
		e.f = f
	})
	return e.f, e.abs, e.err
}

// readFile is builtins.readFile, inside the tree only.
func (l *loader) readFile(p string) ([]byte, error) {
	real, err := l.inside(p)
	if err != nil {
		return nil, err
	}
	b, err := os.ReadFile(real)
	if err != nil {
		return nil, fmt.Errorf("%q, which cannot be read", l.rel(real))
	}
	return b, nil
}

// analyzeAll turns off the word filter of mayCall (tests and benchmarks
// use it to run the evaluator over every file).
var analyzeAll = false

// analyze reads, parses and analyzes one walked file, named relative to
// the root.
func (l *loader) analyze(name string) ([]Call, []*ParseError) {
	path := filepath.Join(l.root, filepath.FromSlash(name))
	src, err := os.ReadFile(path)
	if err != nil {
		return nil, []*ParseError{{File: name, Line: 1, Col: 1, Msg: "reading file: " + err.Error()}}
	}
	f, perr := nixast.ParseFile(name, src)
	var errs []*ParseError
	var list nixast.ErrorList
	if errors.As(perr, &list) {
		for _, e := range list {
			errs = append(errs, &ParseError{
				File: name, Offset: e.Pos.Offset, Line: e.Pos.Line, Col: e.Pos.Column,
				Msg: e.Msg, LineText: f.LineText(e.Pos.Offset),
			})
		}
	} else if perr != nil {
		errs = append(errs, &ParseError{File: name, Line: 1, Col: 1, Msg: perr.Error()})
	}
	if !analyzeAll && !mayCall(src) {
		return nil, errs
	}
	return l.analyzeFile(f, name, path), errs
}
