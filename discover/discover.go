package discover

import (
	"bytes"
	"context"
	"fmt"
	"path/filepath"
	"runtime"
	"sort"
	"sync"

	"github.com/uptix-dev/uptix/nixast"
)

// Kind names one of the module's functions.
type Kind string

// The functions discovery looks for.
const (
	DockerImage     Kind = "dockerImage"
	PullDockerImage Kind = "pullDockerImage" // the old name of dockerImage
	GitHubBranch    Kind = "githubBranch"
	GitHubRelease   Kind = "githubRelease"
)

// IsImage reports whether k fetches a container image.
func (k Kind) IsImage() bool { return k == DockerImage || k == PullDockerImage }

// Role says what a call's enclosing binding is.
type Role string

// Roles of a binding.
const (
	RoleImage     Role = "image"     // an attribute set's `image = …`
	RoleImageFile Role = "imageFile" // an attribute set's `imageFile = …`
	RoleOther     Role = "other"     // any other binding, and every let binding
)

// Form says how a call is written.
type Form string

// Forms of a call.
const (
	FormApply Form = "apply" // f x, (f) (x)
	FormPipe  Form = "pipe"  // x |> f, f <| x
	FormMap   Form = "map"   // f passed to map, forEach, mapAttrs, mapAttrsToList or genAttrs
)

// Range is a byte range [Pos, End) of a file's source.
type Range struct {
	Pos int `json:"pos"`
	End int `json:"end"`
}

// Call is one call of an uptix function.
type Call struct {
	Kind Kind   `json:"kind"`
	File string `json:"file"` // as walked, slash-separated, relative to the root
	Range
	Line   int   `json:"line"` // of Pos, 1-based
	Col    int   `json:"col"`  // of Pos, 1-based, in bytes
	Callee Range `json:"callee"`
	// Arg is the argument expression; for FormMap, the list or set
	// mapped over.
	Arg  Range `json:"arg"`
	Form Form  `json:"form"`
	// Targets are what the call fetches: one for a plain call, one per
	// element for a call mapped over a constant list or set, and one
	// per value for a call inside a function whose known calls give it
	// several (see the package doc). Empty when Unresolved is set.
	Targets []Target `json:"targets,omitempty"`
	// Unresolved says why the argument is not constant, e.g.
	// "argument depends on `config.x.version`".
	Unresolved string `json:"unresolved,omitempty"`
	// Candidates are set only when Unresolved is: the targets of the
	// ways of reaching the call that discovery could follow (for a call
	// inside a function, its known calls and its parameters' defaults,
	// `mk "acme/ui:5.0.0"`; for a mapping, its constant elements), in
	// the order found, without repeats. They are hints, not the full
	// set: some value discovery cannot see reaches the call too.
	Candidates []Target `json:"candidates,omitempty"`
	// Binding is the nearest `path = value;` the call sits in, nil when
	// there is none.
	Binding *Binding `json:"binding,omitempty"`
}

// Keys returns the lock keys of c's targets.
func (c *Call) Keys() []string {
	keys := make([]string, len(c.Targets))
	for i, t := range c.Targets {
		keys[i] = t.Key
	}
	return keys
}

// Target is one thing a call fetches.
type Target struct {
	// Key is the lock key the Nix module computes: for images the
	// reference exactly as written, for GitHub
	// `$GITHUB_BRANCH$:owner/repo:branch$flags` or
	// `$GITHUB_RELEASE$:owner/repo$flags`.
	Key    string  `json:"key"`
	Image  string  `json:"image,omitempty"`  // image kinds: the reference
	GitHub *GitHub `json:"github,omitempty"` // GitHub kinds
	// Invalid is set when Image breaks the reference grammar; it holds
	// CheckImageRef's message.
	Invalid string `json:"invalid,omitempty"`
}

// GitHub is the constant argument of githubBranch or githubRelease.
type GitHub struct {
	Owner           string   `json:"owner"`
	Repo            string   `json:"repo"`
	Branch          string   `json:"branch,omitempty"` // githubBranch only
	FetchSubmodules bool     `json:"fetchSubmodules"`
	DeepClone       bool     `json:"deepClone"`
	LeaveDotGit     bool     `json:"leaveDotGit"`
	Extra           []string `json:"extra,omitempty"` // names of other attributes given, sorted
}

// Key returns the lock key of g for kind (GitHubBranch or GitHubRelease).
func (g *GitHub) Key(kind Kind) string {
	flags := ""
	if g.FetchSubmodules {
		flags += "f"
	}
	if g.DeepClone {
		flags += "d"
	}
	if g.LeaveDotGit {
		flags += "l"
	}
	if kind == GitHubBranch {
		return "$GITHUB_BRANCH$:" + g.Owner + "/" + g.Repo + ":" + g.Branch + "$" + flags
	}
	return "$GITHUB_RELEASE$:" + g.Owner + "/" + g.Repo + "$" + flags
}

// Binding is an attribute set's or let's `path = value;`.
type Binding struct {
	Role  Role     `json:"role"`
	Path  string   `json:"path"`  // the attribute path as written
	Attrs []string `json:"attrs"` // its names, decoded; "" for a computed name
	Range Range    `json:"range"` // from the path to the `;`
	Value Range    `json:"value"`
	// Direct is true when the value is the call itself (parentheses
	// aside), as in `image = uptix.dockerImage "x";`.
	Direct bool `json:"direct"`
	InLet  bool `json:"inLet,omitempty"`
	// Siblings are the other `path = value;` bindings of the same set
	// or let, in source order.
	Siblings []Sibling `json:"siblings,omitempty"`
}

// Sibling is another binding of the set a call's binding is in.
type Sibling struct {
	Path  string   `json:"path"`
	Attrs []string `json:"attrs"`
	Range Range    `json:"range"`
	Value Range    `json:"value"`
	// String is the value when it is a string literal without
	// interpolation.
	String *string `json:"string,omitempty"`
}

// ParseError is a syntax error in a walked file.
type ParseError struct {
	File     string `json:"file"`
	Offset   int    `json:"offset"`
	Line     int    `json:"line"`
	Col      int    `json:"col"`
	Msg      string `json:"msg"`
	LineText string `json:"lineText"` // the line, without its line ending
}

func (e *ParseError) Error() string {
	return fmt.Sprintf("%s:%d:%d: %s", e.File, e.Line, e.Col, e.Msg)
}

// Result is what a walk found.
type Result struct {
	Root   string        // the root as given
	Files  []string      // every file analyzed, sorted, relative to Root
	Calls  []Call        // sorted by file, then offset
	Errors []*ParseError // sorted by file, then offset
	// SkippedLinks are the symbolic links the walk did not follow
	// because they lead out of the tree (or nowhere): `.nix` files and
	// directories, sorted by path. Calls in what they lead to are not
	// in Calls. Only Dir fills it.
	SkippedLinks []SkippedLink
}

// SkippedLink is a symbolic link the walk skipped: Path is slash-
// separated and relative to the root, Target is the link's text as
// written (relative to the link's directory unless absolute).
type SkippedLink struct {
	Path, Target string
}

// Options tune a walk. The zero value is ready to use.
type Options struct {
	// Workers is how many files are parsed at once; 0 means
	// GOMAXPROCS.
	Workers int
	// NoGitIgnore walks files that git ignores too.
	NoGitIgnore bool
}

// Dir walks the tree at root (the current directory when empty) and
// analyzes every `.nix` file in it, skipping hidden entries, files
// git ignores and symbolic links that lead out of the tree. Parse
// errors are reported in the Result, not as the error, which is for
// failures to walk the tree.
func Dir(ctx context.Context, root string, opts *Options) (*Result, error) {
	if root == "" {
		root = "."
	}
	if opts == nil {
		opts = &Options{}
	}
	names, skipped, err := listFiles(ctx, root, !opts.NoGitIgnore)
	if err != nil {
		return nil, err
	}
	res, err := Files(ctx, root, names, opts)
	if err != nil {
		return nil, err
	}
	res.SkippedLinks = skipped
	return res, nil
}

// Files analyzes the named files (slash-separated, relative to root).
// Imports are followed only inside root.
func Files(ctx context.Context, root string, names []string, opts *Options) (*Result, error) {
	if root == "" {
		root = "."
	}
	if opts == nil {
		opts = &Options{}
	}
	ld, err := newLoader(root)
	if err != nil {
		return nil, err
	}
	type out struct {
		calls []Call
		errs  []*ParseError
	}
	outs := make([]out, len(names))
	workers := opts.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	jobs := make(chan int)
	var wg sync.WaitGroup
	for range min(workers, max(len(names), 1)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range jobs {
				outs[i].calls, outs[i].errs = ld.analyze(names[i])
			}
		}()
	}
feed:
	for i := range names {
		select {
		case jobs <- i:
		case <-ctx.Done():
			break feed
		}
	}
	close(jobs)
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return nil, err
	}

	res := &Result{Root: root, Files: append([]string(nil), names...)}
	sort.Strings(res.Files)
	for _, o := range outs {
		res.Calls = append(res.Calls, o.calls...)
		res.Errors = append(res.Errors, o.errs...)
	}
	sort.SliceStable(res.Calls, func(i, j int) bool {
		a, b := &res.Calls[i], &res.Calls[j]
		if a.File != b.File {
			return a.File < b.File
		}
		if a.Pos != b.Pos {
			return a.Pos < b.Pos
		}
		return a.End < b.End
	})
	sort.SliceStable(res.Errors, func(i, j int) bool {
		a, b := res.Errors[i], res.Errors[j]
		if a.File != b.File {
			return a.File < b.File
		}
		return a.Offset < b.Offset
	})
	return res, nil
}

// Source analyzes one file's source. filename names it in the calls and
// is where imports are resolved from (they are followed only inside the
// file's directory); the error is the parse's nixast.ErrorList. Calls
// are found in the best-effort tree even when there are errors.
func Source(filename string, src []byte) ([]Call, error) {
	f, err := nixast.ParseFile(filename, src)
	return ParsedFile(f), err
}

// ParsedFile analyzes a file parsed already; see Source.
func ParsedFile(f *nixast.File) []Call {
	return ParsedFileIn(filepath.Dir(f.Filename), f)
}

// ParsedFileIn analyzes a file parsed already whose imports may reach
// anywhere inside root (f.Filename is a path to the file, absolute or
// relative to the current directory; calls carry it as File).
func ParsedFileIn(root string, f *nixast.File) []Call {
	name := filepath.ToSlash(f.Filename)
	ld, err := newLoader(root)
	if err != nil {
		// Without a readable root no import is followed.
		return (&loader{files: map[string]*loadEntry{}}).analyzeFile(f, name, "")
	}
	abs, err := filepath.Abs(f.Filename)
	if err == nil {
		if real, lerr := filepath.EvalSymlinks(abs); lerr == nil {
			abs = real
		}
	}
	return ld.analyzeFile(f, name, abs)
}

// mayCall reports whether src could hold a call at all: every way to
// reach the module or its functions spells one of these words.
func mayCall(src []byte) bool {
	for _, w := range callWords {
		if bytes.Contains(src, w) {
			return true
		}
	}
	return false
}

var callWords = [][]byte{[]byte("uptix"), []byte("ockerImage"), []byte("githubBranch"), []byte("githubRelease")}
