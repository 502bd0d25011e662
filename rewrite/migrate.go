package rewrite

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/uptix-dev/uptix/nixast"
)

// A Note is a change the migration cannot make mechanically: where, and
// what to do by hand.
type Note struct {
	Pos nixast.Position
	Msg string
}

// String formats the note as file:line:col: message.
func (n Note) String() string { return n.Pos.String() + ": " + n.Msg }

// Result is the migration plan for one file.
type Result struct {
	Filename string
	Src      []byte // the file as read
	Out      []byte // the file after the edits; equal to Src when nothing changes
	Edits    []Edit // sorted
	Manual   []Note // uses to change by hand, in source order
}

// Changed reports whether the migration rewrites the file.
func (r *Result) Changed() bool { return len(r.Edits) > 0 }

// Diff returns the unified diff of the change, nil when there is none.
func (r *Result) Diff() []byte { return Diff(r.Filename, r.Src, r.Out) }

// ErrBadRewrite marks a rewrite whose result does not parse: a bug in
// the planner, reported rather than written.
var ErrBadRewrite = errors.New("the rewritten file does not parse (this is a bug in uptix; please report it with the file)")

// plan computes the edits and notes for the calls found in f.
func plan(f *nixast.File, calls []call) (*Result, error) {
	r, _, err := planCalls(f, calls)
	return r, err
}

// A group is the edits of one call: applied together or not at all.
type group struct {
	pos   int // the call
	edits []Edit
}

// planCalls is plan that also tells, per call offset, whether the
// migration rewrites the call (true) or leaves it to a note (false).
func planCalls(f *nixast.File, calls []call) (*Result, map[int]bool, error) {
	r := &Result{Filename: f.Filename, Src: f.Src, Out: f.Src}
	done := map[int]bool{}
	inherits := imageInherits(f)
	var groups []group
	for _, c := range calls {
		if c.kind != "dockerImage" && c.kind != "pullDockerImage" {
			continue
		}
		if c.pos == c.end {
			continue // discovery could not place it; lint shows its reason
		}
		pl, ok := locate(f, c)
		if !ok {
			return nil, nil, fmt.Errorf("locating the call at %s", f.Position(c.pos))
		}
		edits, msg := migrateCall(f, pl, c.keys, inherits)
		if msg == "" && pl.apply != nil && containsCall(pl.apply.Arg, calls) {
			edits, msg = nil, "the argument holds another uptix call, which a copy into image would duplicate; rewrite by hand"
		}
		if msg != "" {
			r.Manual = append(r.Manual, Note{Pos: f.Position(c.pos), Msg: msg})
			continue
		}
		done[c.pos] = slices.ContainsFunc(edits, isSiteEdit)
		if len(edits) > 0 {
			groups = append(groups, group{pos: c.pos, edits: edits})
		}
		if c.kind == "pullDockerImage" && !slices.ContainsFunc(edits, isRename) {
			r.Manual = append(r.Manual, Note{Pos: f.Position(c.pos), Msg: "pullDockerImage is the old name of dockerImage, brought into scope here by a binding or inherit the migration does not change; " +
				"by hand: rename it there and here"})
		}
	}
	if len(groups) == 0 {
		return r, done, nil
	}
	all, out, failed := applyGroups(f, groups)
	for _, fl := range failed {
		r.Manual = append(r.Manual, Note{Pos: f.Position(fl.pos), Msg: "rewriting this binding would give a file that does not parse (" + fl.why + "); " +
			"by hand: bind the call to imageFile and set image to its reference, keeping the container's attributes unique"})
		done[fl.pos] = false
	}
	slices.SortStableFunc(r.Manual, func(a, b Note) int { return a.Pos.Offset - b.Pos.Offset })
	if len(all) > 0 {
		r.Edits, r.Out = all, out
	}
	return r, done, nil
}

// failedGroup is a group whose edits applyGroups dropped, and why.
type failedGroup struct {
	pos int
	why string
}

// applyGroups applies the groups' edits and parses the result. When
// that fails (a case the planner's checks missed), it keeps the groups
// one at a time, in order, each only when the file still parses with
// it, so that one bad rewrite does not stop the others. It returns the
// sorted edits kept and the file they give.
func applyGroups(f *nixast.File, groups []group) ([]Edit, []byte, []failedGroup) {
	var all []Edit
	for _, g := range groups {
		all = append(all, g.edits...)
	}
	SortEdits(all)
	out, err := applyChecked(f, all)
	if err == nil {
		return all, out, nil
	}
	var failed []failedGroup
	all, out = nil, f.Src
	for _, g := range groups {
		try := append(slices.Clone(all), g.edits...)
		o, err := applyChecked(f, try)
		if err != nil {
			why := err.Error()
			var list nixast.ErrorList
			if errors.As(err, &list) && len(list) > 0 {
				why = list[0].Msg
			}
			failed = append(failed, failedGroup{pos: g.pos, why: why})
			continue
		}
		all, out = try, o
	}
	SortEdits(all)
	return all, out, failed
}

// applyChecked applies edits to f's source and parses the result again;
// a result that does not parse is ErrBadRewrite, never output.
func applyChecked(f *nixast.File, edits []Edit) ([]byte, error) {
	out, err := Apply(f.Src, edits)
	if err != nil {
		return nil, fmt.Errorf("applying the edits to %q: %w", f.Filename, err)
	}
	if _, err := nixast.ParseFile(f.Filename, out); err != nil {
		return nil, &badRewrite{file: f.Filename, err: err}
	}
	return out, nil
}

// badRewrite is ErrBadRewrite with the parser's errors.
type badRewrite struct {
	file string
	err  error
}

func (e *badRewrite) Error() string {
	return fmt.Sprintf("migrating %q: %v: %v", e.file, ErrBadRewrite, e.err)
}

func (e *badRewrite) Unwrap() []error { return []error{ErrBadRewrite, e.err} }

// migrateCall returns the edits for one call, or the message telling
// what to change by hand.
func migrateCall(f *nixast.File, pl *place, keys []string, inherits []*nixast.Inherit) ([]Edit, string) {
	arg := "its argument"
	if pl.apply != nil {
		arg = shortText(f, pl.apply.Arg)
	}
	switch {
	case isPipe(pl.node) && pl.apply == nil:
		return nil, "the call is written with a pipe operator; by hand: bind it to imageFile instead of image, and set image to the reference"
	case pl.apply == nil:
		return nil, "uptix.dockerImage is used as a function value here (mapped or aliased), so its uses cannot be rewritten one by one; " +
			"by hand: where a result is a container's image, give the container imageFile = <that value> and image = <its reference>"
	case pl.interp:
		return nil, "the call is inside a string interpolation, where its value is a store path, not an image name; " +
			"use the reference " + arg + " in the string, and give the container imageFile = uptix.dockerImage " + arg
	case pl.def == nil:
		return nil, "the call is not the value of an attribute; where its value is a container's image, give the container imageFile = <this call> and image = " + arg
	}
	path := shortText(f, pl.def.Path)
	if pl.name == "imageFile" {
		// New style already: only the old name may need changing.
		return renameCallee(f, pl), ""
	}
	if pl.name != "image" {
		what := "the call's value is bound to " + quote(path) + ", not to a container's image"
		if pl.lambda {
			what = "the call is inside a function bound to " + quote(path) + " (a helper)"
		}
		return nil, what + "; where its value is used as a container's image, set imageFile to it and image = " + arg
	}
	if !pl.direct {
		return nil, "the value of " + quote(path) + " is not just the call (" + describe(pl.wrapper) + "); " +
			"by hand: bind that value to imageFile instead of image, and set image to the matching reference (" + arg + " for this call)"
	}
	switch pl.holder.(type) {
	case *nixast.Let, *nixast.LegacyLet:
		return nil, quote(path) + " is a let binding, not a container attribute; where the container takes it, " +
			"set imageFile to this value and image = " + arg
	}
	set, ok := pl.holder.(*nixast.AttrSet)
	if !ok {
		return nil, "the binding is not in an attribute set; set imageFile = <this call> and image = " + arg + " on the container by hand"
	}
	if _, ok := staticPath(pl.def.Path.Names); !ok {
		return nil, "the attribute path " + quote(path) + " has a computed name, and Nix does not allow a second binding under it; " +
			"by hand: write the container as `{ imageFile = <this call>; image = " + arg + "; }` under that name"
	}
	if hasSibling(set, pl.def, "imageFile") {
		return nil, "the set already has imageFile, so this " + quote(path) + " was left alone; " +
			"keep one of the two: imageFile = <this call> with image = " + arg + ", or the existing imageFile"
	}
	if c, ok := containerOf(pl); ok {
		if l := c.find("imageFile"); l.found() {
			return nil, "the container already has imageFile (at " + lineCol(f, l.where.Pos()) + "), so this " + quote(path) + " was left alone; " +
				"keep one of the two: imageFile = <this call> with image = " + arg + ", or the existing imageFile"
		}
	}
	if in := inheritedThrough(f, pl, inherits); in != nil {
		return nil, "the set is read through `" + shortText(f, in) + "` at " + lineCol(f, in.Pos()) +
			", which would not carry imageFile; rewrite both by hand: imageFile = <this call>, image = " + arg +
			", and inherit imageFile as well"
	}
	if set.Rec != nixast.NoPos && usesVariable(set, "image", "imageFile") {
		return nil, "this rec set uses image or imageFile as a variable, which the new binding would capture; " +
			"by hand: set imageFile = <this call> and image = " + arg + " after renaming that variable"
	}
	image, msg := imageText(f, pl, keys)
	if msg != "" {
		return nil, msg
	}
	return append(siteEdits(f, pl, image), renameCallee(f, pl)...), ""
}

// imageText returns the text for the new `image` binding: the call's
// argument as written, except for references with a digest, whose
// tarball is tagged differently (see imageName). A literal then gets the
// tag as a literal; anything else is left to do by hand.
func imageText(f *nixast.File, pl *place, keys []string) (string, string) {
	arg := f.Text(pl.apply.Arg)
	if s, ok := nixast.Unparen(pl.apply.Arg).(*nixast.String); ok {
		if v, ok := s.ConstValue(); ok {
			if !strings.Contains(v, "@") {
				return arg, ""
			}
			return nixString(imageName(v)), ""
		}
	}
	for _, k := range keys {
		if strings.Contains(k, "@") {
			return "", "the reference " + quoted(k) + " has a digest, so its tarball is tagged " + quoted(imageName(k)) +
				"; by hand: bind the call to imageFile and set image = " + quoted(imageName(k))
		}
	}
	return arg, ""
}

// nixString writes s as a Nix string literal.
func nixString(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `"`, `\"`, "${", `\${`)
	return `"` + r.Replace(s) + `"`
}

func quoted(s string) string { return `"` + s + `"` }

// usesVariable reports whether any value in set refers to one of names
// as a variable.
func usesVariable(set *nixast.AttrSet, names ...string) bool {
	found := false
	nixast.Inspect(set, func(n nixast.Node) bool {
		switch n := n.(type) {
		case *nixast.AttrPath:
			return false // attribute names, not variables
		case *nixast.Inherit:
			if n.From == nil {
				for _, a := range n.Names {
					if s, _ := nixast.StaticName(a); slices.Contains(names, s) {
						found = true
					}
				}
			}
			return n.From != nil
		case *nixast.Ident:
			if slices.Contains(names, n.Name) {
				found = true
			}
		}
		return !found
	})
	return found
}

// containsCall reports whether one of calls lies inside n.
func containsCall(n nixast.Node, calls []call) bool {
	for _, c := range calls {
		if c.pos >= n.Pos() && c.end <= n.End() && c.pos < c.end {
			return true
		}
	}
	return false
}

func isRename(e Edit) bool { return e.New == "dockerImage" }

// isSiteEdit tells the edits that move a call to imageFile from a
// rename of the callee.
func isSiteEdit(e Edit) bool { return !isRename(e) }

// siteEdits builds the site of a direct `…image = CALL;` binding.
func siteEdits(f *nixast.File, pl *place, image string) []Edit {
	d := pl.def
	last := d.Path.Names[len(d.Path.Names)-1]
	semiEnd := d.End()
	if d.Semi != nixast.NoPos {
		semiEnd = d.Semi + 1
	}
	s := site{
		pathStart:  d.Path.Pos(),
		lastStart:  last.Pos(),
		lastEnd:    last.End(),
		eq:         d.Eq,
		valueStart: d.Value.Pos(),
		semiEnd:    semiEnd,
		arg:        image,
	}
	return s.edits(f.Src)
}

// renameCallee renames `X.pullDockerImage` to `X.dockerImage`, and a
// bare `pullDockerImage` that only a `with` can supply (no binding,
// inherit or parameter in the file names pullDockerImage or
// dockerImage). Any other bare use is left: the name that brought it
// into scope would have to change too; the old name keeps working and
// lint reports it.
func renameCallee(f *nixast.File, pl *place) []Edit {
	var id *nixast.Ident
	switch fn := nixast.Unparen(pl.apply.Fun).(type) {
	case *nixast.Select:
		if fn.Default != nil || fn.Path == nil {
			return nil
		}
		id, _ = fn.Path.Names[len(fn.Path.Names)-1].(*nixast.Ident)
	case *nixast.Ident:
		if !underWith(pl) || bindsName(f, "pullDockerImage", "dockerImage") {
			return nil
		}
		id = fn
	}
	if id == nil || id.Name != "pullDockerImage" {
		return nil
	}
	return []Edit{{Start: id.Pos(), End: id.End(), New: "dockerImage"}}
}

func underWith(pl *place) bool {
	for _, n := range pl.chain {
		if _, ok := n.(*nixast.With); ok {
			return true
		}
	}
	return false
}

// bindsName reports whether f binds one of names anywhere: as the first
// attribute of a binding, by inherit, or as a function parameter.
func bindsName(f *nixast.File, names ...string) bool {
	found := false
	has := func(a nixast.AttrName) {
		if s, ok := nixast.StaticName(a); ok && slices.Contains(names, s) {
			found = true
		}
	}
	nixast.Inspect(f.Expr, func(n nixast.Node) bool {
		switch n := n.(type) {
		case *nixast.AttrDef:
			has(n.Path.Names[0])
		case *nixast.Inherit:
			for _, a := range n.Names {
				has(a)
			}
		case *nixast.Lambda:
			if n.Arg != nil {
				has(n.Arg)
			}
			if n.Formals != nil {
				for _, p := range n.Formals.List {
					has(p.Name)
				}
			}
		}
		return !found
	})
	return found
}

// hasSibling reports whether set binds prefix.name, where prefix is def's
// path without its last attribute: directly (`prefix.name = …;`), through
// a nested set (`web = { name = …; };` next to `web.image`), or by
// `inherit`. A dynamic prefix counts as bound: Nix would reject a second
// binding under it.
func hasSibling(set *nixast.AttrSet, def *nixast.AttrDef, name string) bool {
	prefix, ok := staticPath(def.Path.Names[:len(def.Path.Names)-1])
	if !ok {
		return true
	}
	return bindsPath(set.Bindings, append(prefix, name))
}

// bindsPath reports whether bindings define path, a prefix of it with a
// value that is not a set literal, or something below it.
func bindsPath(bindings []nixast.Binding, path []string) bool {
	for _, b := range bindings {
		switch b := b.(type) {
		case *nixast.AttrDef:
			p, ok := staticPath(b.Path.Names)
			if !ok {
				continue
			}
			n := min(len(p), len(path))
			if !equalPath(p[:n], path[:n]) {
				continue
			}
			if len(p) >= len(path) {
				return true
			}
			inner, isSet := nixast.Unparen(b.Value).(*nixast.AttrSet)
			if !isSet || bindsPath(inner.Bindings, path[len(p):]) {
				return true
			}
		case *nixast.Inherit:
			for _, a := range b.Names {
				if s, ok := nixast.StaticName(a); ok && s == path[0] && len(path) == 1 {
					return true
				}
			}
		}
	}
	return false
}

// imageInherits returns the `inherit (x) … image …;` bindings of f.
func imageInherits(f *nixast.File) []*nixast.Inherit {
	var out []*nixast.Inherit
	nixast.Inspect(f.Expr, func(n nixast.Node) bool {
		if in, ok := n.(*nixast.Inherit); ok && in.From != nil {
			for _, a := range in.Names {
				if s, ok := nixast.StaticName(a); ok && s == "image" {
					out = append(out, in)
					break
				}
			}
		}
		return true
	})
	return out
}

// inheritedThrough returns an `inherit (x) image;` that may read the
// binding's set: one whose source names a binding the call lies in.
// When the source is not a plain name or selection, every binding
// below a let or a named set is suspect.
func inheritedThrough(f *nixast.File, pl *place, inherits []*nixast.Inherit) *nixast.Inherit {
	for _, in := range inherits {
		root, ok := rootName(in.From)
		for _, n := range pl.chain[:pl.defIdx] {
			d, isDef := n.(*nixast.AttrDef)
			if !isDef {
				continue
			}
			first, _ := nixast.StaticName(d.Path.Names[0])
			if !ok || first == root {
				return in
			}
		}
	}
	return nil
}

// rootName returns the variable a plain selection starts from.
func rootName(e nixast.Expr) (string, bool) {
	for {
		switch x := nixast.Unparen(e).(type) {
		case *nixast.Ident:
			return x.Name, true
		case *nixast.Select:
			if x.Default != nil {
				return "", false
			}
			e = x.X
		default:
			return "", false
		}
	}
}

func staticPath(names []nixast.AttrName) ([]string, bool) {
	out := make([]string, 0, len(names)+1)
	for _, n := range names {
		s, ok := nixast.StaticName(n)
		if !ok {
			return nil, false
		}
		out = append(out, s)
	}
	return out, true
}

func equalPath(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// describe names the kind of expression that wraps a call.
func describe(n nixast.Node) string {
	switch n := n.(type) {
	case *nixast.If:
		return "it is inside an if expression"
	case *nixast.Select:
		if n.Default != nil {
			return "it is the default behind `or`"
		}
	case *nixast.Apply:
		return "it is an argument of another function"
	case *nixast.Lambda:
		return "it is inside a function"
	case *nixast.List:
		return "it is inside a list"
	case *nixast.Binary:
		return "it is an operand of " + n.Op.String()
	case *nixast.Let:
		return "it is inside a let expression"
	}
	return "it is part of a larger expression"
}

// shortText returns n's source text for a message: one line, at most 60
// bytes, else an ellipsis.
func shortText(f *nixast.File, n nixast.Node) string {
	s := f.Text(n)
	if i := strings.IndexAny(s, "\r\n"); i >= 0 {
		s = s[:i] + "…"
	}
	if len(s) > 60 {
		s = s[:57] + "…"
	}
	return s
}

func isPipe(n nixast.Node) bool {
	b, ok := n.(*nixast.Binary)
	return ok && (b.Op == nixast.OpPipeInto || b.Op == nixast.OpPipeFrom)
}

func quote(s string) string { return "`" + s + "`" }

func lineCol(f *nixast.File, off int) string {
	p := f.Position(off)
	return fmt.Sprintf("%d:%d", p.Line, p.Column)
}
