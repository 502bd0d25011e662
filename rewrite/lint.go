package rewrite

import (
	"fmt"
	"strings"

	"github.com/uptix-dev/uptix/nixast"
)

// Severity tells errors (lint fails) from warnings.
type Severity string

const (
	SeverityError   Severity = "error"
	SeverityWarning Severity = "warning"
)

// The lint rules.
const (
	RuleOldStyle      = "old-style"      // image = uptix.dockerImage …
	RuleOldName       = "old-name"       // pullDockerImage
	RuleImageMismatch = "image-mismatch" // imageFile without a matching image
	RuleInString      = "in-string"      // an image call inside a string interpolation
	RuleNotLocked     = "not-locked"     // no lock entry for the call's key
	RuleUnresolved    = "unresolved"     // the argument is not constant (warning)
)

// A Finding is one lint result.
type Finding struct {
	Pos      nixast.Position
	Rule     string
	Severity Severity
	Msg      string
}

// String formats f as `file:line:col: rule: message`.
func (f Finding) String() string {
	return fmt.Sprintf("%s: %s: %s", f.Pos, f.Rule, f.Msg)
}

func lint(f *nixast.File, calls []call, locked func(string) bool) ([]Finding, error) {
	var out []Finding
	for _, c := range calls {
		add := func(rule string, sev Severity, msg string) {
			out = append(out, Finding{Pos: f.Position(c.pos), Rule: rule, Severity: sev, Msg: msg})
		}
		if c.pos == c.end {
			// Discovery could not place the call; say why.
			add(RuleUnresolved, SeverityWarning, "the argument is not constant ("+c.unresolved+"); uptix cannot lock it")
			continue
		}
		pl, ok := locate(f, c)
		if !ok {
			return nil, fmt.Errorf("locating the call at %s", f.Position(c.pos))
		}
		image := c.kind == "dockerImage" || c.kind == "pullDockerImage"
		arg := "its argument"
		if pl.apply != nil {
			arg = shortText(f, pl.apply.Arg)
		}
		switch {
		case image && pl.interp:
			add(RuleInString, SeverityError, "uptix."+c.kind+" inside a string gives a store path, not an image name; use "+arg+" there and imageFile = the call on the container")
		case image && pl.def != nil && pl.name == "image":
			add(RuleOldStyle, SeverityError, "uptix."+c.kind+" returns the image tarball now: bind the call to imageFile and set image = "+arg+" (uptix migrate)")
		case image && pl.def != nil && pl.name == "imageFile" && pl.direct:
			if msg := checkSibling(f, pl, c); msg != "" {
				add(RuleImageMismatch, SeverityError, msg)
			}
		}
		if c.kind == "pullDockerImage" {
			add(RuleOldName, SeverityError, "pullDockerImage is the old name of dockerImage")
		}
		if c.unresolved != "" {
			add(RuleUnresolved, SeverityWarning, "the argument is not constant ("+c.unresolved+"); uptix cannot lock it")
		}
		if locked != nil {
			for _, k := range c.keys {
				if !locked(k) {
					add(RuleNotLocked, SeverityError, fmt.Sprintf("no lock entry for %q; run uptix update", k))
				}
			}
		}
	}
	return out, nil
}

// checkSibling compares the image next to `imageFile = CALL`: it must be
// there, and name the image the call fetches.
func checkSibling(f *nixast.File, pl *place, c call) string {
	set, ok := pl.holder.(*nixast.AttrSet)
	if !ok {
		return ""
	}
	img := sibling(set, pl.def, "image")
	if img == nil {
		if hasSibling(set, pl.def, "image") {
			return "" // inherited: cannot tell what it names
		}
		add := shortText(f, pl.apply.Arg)
		if len(c.keys) == 1 && strings.Contains(c.keys[0], "@") {
			add = quoted(imageName(c.keys[0]))
		}
		return "imageFile has no image next to it, so the container would pull the image from the registry; add image = " + add
	}
	s, isStr := nixast.Unparen(img.Value).(*nixast.String)
	v, isConst := "", false
	if isStr {
		v, isConst = s.ConstValue()
	}
	if !isConst || len(c.keys) != 1 {
		return "" // the same expression as the argument, or not knowable
	}
	want := imageName(c.keys[0])
	if sameImage(v, want) {
		return ""
	}
	holds := fmt.Sprintf("imageFile holds %q", want)
	if want != c.keys[0] && want != c.keys[0]+":latest" {
		holds = fmt.Sprintf("the tarball of %q is tagged %q", c.keys[0], want)
	}
	return fmt.Sprintf("image is %q but %s, so the container would pull %q from the registry; set image = %q", v, holds, v, want)
}

// sibling returns the binding of prefix.name next to def in set.
func sibling(set *nixast.AttrSet, def *nixast.AttrDef, name string) *nixast.AttrDef {
	prefix, ok := staticPath(def.Path.Names[:len(def.Path.Names)-1])
	if !ok {
		return nil
	}
	want := append(prefix, name)
	for _, b := range set.Bindings {
		if d, ok := b.(*nixast.AttrDef); ok {
			if p, ok := staticPath(d.Path.Names); ok && equalPath(p, want) {
				return d
			}
		}
	}
	return nil
}

// sameImage compares two references the way Docker names images: the
// docker.io/ and library/ prefixes and a :latest tag are implied.
func sameImage(a, b string) bool {
	return normalRef(a) == normalRef(b)
}

func normalRef(s string) string {
	s = strings.TrimPrefix(s, "docker.io/")
	s = strings.TrimPrefix(s, "index.docker.io/")
	s = strings.TrimPrefix(s, "library/")
	last := s[strings.LastIndex(s, "/")+1:]
	if !strings.ContainsAny(last, ":@") {
		s += ":latest"
	}
	return s
}
