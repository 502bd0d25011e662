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
	RuleInvalidRef    = "invalid-ref"    // the reference breaks the grammar
	RuleNotLocked     = "not-locked"     // no lock entry for the call's key
	RuleStaleLock     = "stale-lock"     // a lock entry the Nix module refuses (earlier uptix's form)
	RuleUnresolved    = "unresolved"     // the argument is not constant
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

// LintOptions tell the linter about the lock.
type LintOptions struct {
	// Locked reports whether the lock has an entry for a key; nil skips
	// the not-locked rule.
	Locked func(key string) bool
	// Stale returns, for a key whose lock entry the Nix module refuses
	// as it is (an earlier uptix's form), why; "" otherwise. nil skips
	// the stale-lock rule.
	Stale func(key string) string
}

func lint(f *nixast.File, calls []call, opts LintOptions) ([]Finding, error) {
	// What migrate does with each call, so that old-style findings say
	// "(uptix migrate)" only where it really rewrites.
	res, migrated, err := planCalls(f, calls)
	if err != nil {
		return nil, err
	}
	notes := map[int]string{}
	for _, n := range res.Manual {
		if _, ok := notes[n.Pos.Offset]; !ok {
			notes[n.Pos.Offset] = n.Msg
		}
	}
	values := constStrings(f, imageValues(f, calls))

	var out []Finding
	for _, c := range calls {
		add := func(rule string, sev Severity, msg string) {
			out = append(out, Finding{Pos: f.Position(c.pos), Rule: rule, Severity: sev, Msg: msg})
		}
		if c.pos == c.end {
			// Discovery could not place the call; say why.
			unresolvedFindings(c, opts, add)
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
		invalid := false
		for i, k := range c.keys {
			if i < len(c.invalid) && c.invalid[i] != "" && image {
				invalid = true
				msg := c.invalid[i]
				if !strings.Contains(msg, k) {
					msg = fmt.Sprintf("invalid image reference %q: %s", k, msg)
				}
				add(RuleInvalidRef, SeverityError, msg)
			}
		}
		switch {
		case image && pl.interp:
			add(RuleInString, SeverityError, "uptix."+c.kind+" inside a string gives a store path, not an image name; use "+arg+" there and imageFile = the call on the container")
		case image && pl.def != nil && pl.name == "image":
			msg := "uptix." + c.kind + " returns the image tarball now: "
			switch {
			case migrated[c.pos]:
				img, _ := imageText(f, pl, c.keys)
				msg += "bind the call to imageFile and set image = " + img + " (uptix migrate)"
			case notes[c.pos] != "":
				msg += "uptix migrate leaves this one to you: " + notes[c.pos]
			default:
				msg += "bind the call to imageFile and set image = " + imageHint(f, pl, c.keys)
			}
			add(RuleOldStyle, SeverityError, msg)
		case image && !invalid && pl.def != nil && pl.name == "imageFile" && pl.direct:
			if msg := checkSibling(f, pl, c, values); msg != "" {
				add(RuleImageMismatch, SeverityError, msg)
			}
		}
		if c.kind == "pullDockerImage" {
			add(RuleOldName, SeverityError, "pullDockerImage is the old name of dockerImage")
		}
		if c.unresolved != "" {
			unresolvedFindings(c, opts, add)
		}
		for i, k := range c.keys {
			if image && i < len(c.invalid) && c.invalid[i] != "" {
				continue // fix the reference first
			}
			switch {
			case opts.Locked != nil && !opts.Locked(k):
				add(RuleNotLocked, SeverityError, fmt.Sprintf("no lock entry for %q; run uptix update", k))
			case opts.Stale != nil && opts.Stale(k) != "":
				add(RuleStaleLock, SeverityError, fmt.Sprintf("the lock entry for %q is in the earlier uptix's format (%s), which the Nix module refuses; run uptix update", k, opts.Stale(k)))
			}
		}
	}
	return out, nil
}

// unresolvedFindings reports a call whose argument is not constant.
// It is an error, as uptix update fails for it: the lock cannot be
// shown to cover every value the call may get, and the Nix module
// fails evaluation for any value the lock does not hold, so a check
// that passed here would let through a configuration that does not
// evaluate. The call's candidates (the values the calls discovery sees
// give it, which update locks) that are missing from the lock are
// not-locked errors too, as for a constant argument.
func unresolvedFindings(c call, opts LintOptions, add func(rule string, sev Severity, msg string)) {
	msg := "the argument is not constant (" + c.unresolved + "); uptix cannot show that the lock covers every value it may get, and the Nix module fails for a value the lock does not hold"
	if len(c.candidates) > 0 {
		msg += "; uptix update locks only " + strings.Join(c.candidates, ", ")
	}
	add(RuleUnresolved, SeverityError, msg)
	for _, k := range c.candidates {
		switch {
		case opts.Locked != nil && !opts.Locked(k):
			add(RuleNotLocked, SeverityError, fmt.Sprintf("no lock entry for %q, a value this call gets; run uptix update", k))
		case opts.Stale != nil && opts.Stale(k) != "":
			add(RuleStaleLock, SeverityError, fmt.Sprintf("the lock entry for %q is in the earlier uptix's format (%s), which the Nix module refuses; run uptix update", k, opts.Stale(k)))
		}
	}
}

// imageHint is the image value to suggest for a call: the reference's
// tag for a digest reference, else the argument as written.
func imageHint(f *nixast.File, pl *place, keys []string) string {
	if pl.apply == nil {
		if len(keys) == 1 {
			return quoted(imageName(keys[0]))
		}
		return "its reference"
	}
	if img, msg := imageText(f, pl, keys); msg == "" {
		return img
	}
	return quoted(imageName(keys[0])) // imageText fails only on a digest key
}

// imageValues returns the values of the image bindings next to the
// calls' `imageFile = CALL` bindings: what checkSibling compares.
func imageValues(f *nixast.File, calls []call) []nixast.Expr {
	var out []nixast.Expr
	for _, c := range calls {
		if c.pos == c.end || (c.kind != "dockerImage" && c.kind != "pullDockerImage") {
			continue
		}
		pl, ok := locate(f, c)
		if !ok || pl.def == nil || pl.name != "imageFile" || !pl.direct {
			continue
		}
		if d := imageDef(pl); d != nil {
			out = append(out, d.Value)
		}
	}
	return out
}

// imageDef returns the binding of image in the container of
// `imageFile = CALL`, wherever it is among the bindings that merge into
// it; nil when there is none or it is not a plain `image = value;`.
func imageDef(pl *place) *nixast.AttrDef {
	if _, ok := pl.holder.(*nixast.AttrSet); !ok {
		return nil
	}
	c, ok := containerOf(pl)
	if !ok {
		return nil
	}
	l := c.find("image")
	if l.def == nil || l.below || l.def.Value == nil {
		return nil
	}
	return l.def
}

// checkSibling compares the image of the container `imageFile = CALL`
// is in: it must be there, and name what the call's tarball is tagged
// as. values holds the constant values of image bindings.
func checkSibling(f *nixast.File, pl *place, c call, values map[nixast.Expr]string) string {
	if _, ok := pl.holder.(*nixast.AttrSet); !ok {
		return ""
	}
	ct, ok := containerOf(pl)
	if !ok {
		return ""
	}
	l := ct.find("image")
	if !l.found() {
		if l.unsure {
			return "" // a binding that may hold it cannot be read
		}
		add := shortText(f, pl.apply.Arg)
		if len(c.keys) == 1 && strings.Contains(c.keys[0], "@") {
			add = quoted(imageName(c.keys[0]))
		}
		return "imageFile has no image next to it, so the container would pull the image from the registry; add image = " + add
	}
	d := imageDef(pl)
	if d == nil || len(c.keys) != 1 {
		return "" // inherited, or more than one reference: cannot tell
	}
	v, ok := values[d.Value]
	if !ok {
		return "" // not constant
	}
	want := imageName(c.keys[0])
	if sameImage(v, want) {
		return ""
	}
	is := fmt.Sprintf("image is %q", v)
	if s, lit := nixast.Unparen(d.Value).(*nixast.String); !lit || !constString(s) {
		is = fmt.Sprintf("image is %q (the value of `%s`)", v, shortText(f, d.Value))
	}
	holds := fmt.Sprintf("imageFile holds %q", want)
	if want != c.keys[0] && want != c.keys[0]+":latest" {
		holds = fmt.Sprintf("the tarball of %q is tagged %q", c.keys[0], want)
	}
	return fmt.Sprintf("%s but %s, so the container would pull %q from the registry; set image = %q", is, holds, v, want)
}

func constString(s *nixast.String) bool {
	_, ok := s.ConstValue()
	return ok
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
