package rewrite

import "github.com/uptix-dev/uptix/nixast"

// TODO(rewrite): replace findCalls with discover's single-file entry
// once it lands; this stand-in only sees callees spelled X.dockerImage,
// X.pullDockerImage or a bare dockerImage/pullDockerImage.

var kinds = map[string]bool{
	"dockerImage": true, "pullDockerImage": true,
	"githubBranch": true, "githubRelease": true,
}

// findCalls finds uptix calls in f by their callee's name.
func findCalls(f *nixast.File) []call {
	var out []call
	nixast.Inspect(f.Expr, func(n nixast.Node) bool {
		switch n := n.(type) {
		case *nixast.Apply:
			if k := calleeKind(n.Fun); k != "" {
				out = append(out, newCall(k, n, n.Arg))
			}
		case *nixast.Binary:
			switch n.Op {
			case nixast.OpPipeInto:
				if k := calleeKind(n.Y); k != "" {
					out = append(out, newCall(k, n, n.X))
				}
			case nixast.OpPipeFrom:
				if k := calleeKind(n.X); k != "" {
					out = append(out, newCall(k, n, n.Y))
				}
			}
		}
		return true
	})
	return out
}

func newCall(kind string, n nixast.Node, arg nixast.Expr) call {
	c := call{kind: kind, pos: n.Pos(), end: n.End()}
	if s, ok := nixast.Unparen(arg).(*nixast.String); ok {
		if v, ok := s.ConstValue(); ok {
			c.keys = []string{v}
			return c
		}
	}
	c.unresolved = "not a constant string"
	return c
}

func calleeKind(e nixast.Expr) string {
	switch e := nixast.Unparen(e).(type) {
	case *nixast.Ident:
		if kinds[e.Name] {
			return e.Name
		}
	case *nixast.Select:
		if e.Path != nil && e.Default == nil {
			if id, ok := e.Path.Names[len(e.Path.Names)-1].(*nixast.Ident); ok && kinds[id.Name] {
				return id.Name
			}
		}
	}
	return ""
}

// MigrateFile plans the migration of one file: it parses src, finds the
// uptix image calls and returns the edits (applied in Result.Out, which
// has been parsed again) and the uses to change by hand. A file that
// does not parse gives the parser's nixast.ErrorList.
func MigrateFile(filename string, src []byte) (*Result, error) {
	f, err := nixast.ParseFile(filename, src)
	if err != nil {
		return nil, err
	}
	return plan(f, findCalls(f))
}
