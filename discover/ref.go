package discover

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/google/go-containerregistry/pkg/name"
)

// The grammar of image-references.md, one rule at a time, so that an
// error can say which rule a reference breaks.
var (
	// component is one path element: lowercase letters and digits joined
	// by ".", "_", "__" or runs of "-".
	componentRE = regexp.MustCompile(`^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$`)
	tagRE       = regexp.MustCompile(`^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$`)
	algorithmRE = regexp.MustCompile(`^[a-z0-9]+(?:[+._-][a-z0-9]+)*$`)
	hexRE       = regexp.MustCompile(`^[a-f0-9]{32,}$`)
	imageIDRE   = regexp.MustCompile(`^[a-f0-9]{64}$`)
	hostRE      = regexp.MustCompile(`^(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*|\[[0-9A-Fa-f:.]+\])(?::[0-9]+)?$`)
)

// RefError is an invalid image reference: Rule says, in a phrase, which
// rule of the reference grammar Ref breaks.
type RefError struct {
	Ref  string
	Rule string
}

func (e *RefError) Error() string {
	return fmt.Sprintf("invalid image reference %q: %s", e.Ref, e.Rule)
}

// CheckImageRef reports whether s is a valid image reference
// (name[:tag][@digest], name = [domain/]path) as Docker, podman, skopeo
// and go-containerregistry read it. The error, a *RefError, names the
// rule broken and, for uppercase paths, suggests the lowercase spelling.
// A reference that passes the grammar is also parsed by
// go-containerregistry's name package.
func CheckImageRef(s string) error {
	if rule := refRule(s); rule != "" {
		return &RefError{Ref: s, Rule: rule}
	}
	if _, err := name.ParseReference(s); err != nil {
		return &RefError{Ref: s, Rule: "go-containerregistry rejects it: " + err.Error()}
	}
	return nil
}

// refRule returns the first grammar rule s breaks, or "".
func refRule(s string) string {
	switch {
	case s == "":
		return "the reference is empty"
	case strings.Contains(s, "://"):
		scheme := s[:strings.Index(s, "://")+3]
		return fmt.Sprintf("a reference has no URL scheme: remove %q (try %q)",
			scheme, strings.TrimPrefix(s, scheme))
	case strings.TrimSpace(s) != s:
		return "a reference must not start or end with white space"
	}

	rest := s
	if at := strings.LastIndexByte(rest, '@'); at >= 0 {
		if rule := digestRule(rest[at+1:]); rule != "" {
			return rule
		}
		rest = rest[:at]
	}

	// The tag follows the last ":" after the last "/"; a ":" before the
	// first "/" belongs to the domain's port.
	namepart := rest
	lastSlash := strings.LastIndexByte(rest, '/')
	if colon := strings.LastIndexByte(rest, ':'); colon > lastSlash {
		tag := rest[colon+1:]
		namepart = rest[:colon]
		if strings.IndexByte(namepart[lastSlash+1:], ':') >= 0 {
			return fmt.Sprintf("more than one \":\" in %q: a reference has one tag, after its last path component", rest[lastSlash+1:])
		}
		if rule := tagRule(tag); rule != "" {
			return rule
		}
	}
	if namepart == "" {
		return "the image name is missing before the tag or digest"
	}
	return nameRule(namepart)
}

func digestRule(d string) string {
	alg, hex, ok := strings.Cut(d, ":")
	switch {
	case d == "":
		return "the digest after \"@\" is empty"
	case !ok || !algorithmRE.MatchString(alg):
		return fmt.Sprintf("digest %q must be algorithm:hex, e.g. sha256:<64 hex digits>", d)
	case alg == "sha256" && (len(hex) != 64 || !hexRE.MatchString(hex)):
		return fmt.Sprintf("digest %q must be sha256 followed by exactly 64 lowercase hex digits", d)
	case !hexRE.MatchString(hex):
		return fmt.Sprintf("digest %q must end in at least 32 lowercase hex digits", d)
	}
	return ""
}

func tagRule(tag string) string {
	switch {
	case tag == "":
		return "the tag after \":\" is empty"
	case len(tag) > 128:
		return fmt.Sprintf("the tag is %d characters long; at most 128 are allowed", len(tag))
	case !tagRE.MatchString(tag):
		return fmt.Sprintf("tag %q must start with a letter, digit or \"_\" and contain only letters, digits, \"_\", \".\" and \"-\"", tag)
	}
	return ""
}

// nameRule checks [domain/]path.
func nameRule(n string) string {
	if len(n) > 255 {
		return fmt.Sprintf("the name is %d characters long; at most 255 are allowed", len(n))
	}
	domain, path := "", n
	if first, after, ok := strings.Cut(n, "/"); ok &&
		(first == "localhost" || strings.ContainsAny(first, ".:") || strings.HasPrefix(first, "[")) {
		domain, path = first, after
	}
	if domain != "" && !hostRE.MatchString(domain) {
		return fmt.Sprintf("registry %q must be a host name or [IPv6 address], with an optional :port", domain)
	}
	if domain == "" && imageIDRE.MatchString(n) {
		return "a 64-character hex string is an image ID, not a reference; name the image (and pin it with @sha256:...)"
	}
	if lower := strings.ToLower(path); lower != path && componentsOK(lower) {
		fixed := lower
		if domain != "" {
			fixed = domain + "/" + lower
		}
		return fmt.Sprintf("repository name must be lowercase: %q (try %q)", n, fixed)
	}
	for _, c := range strings.Split(path, "/") {
		if rule := componentRule(c); rule != "" {
			return rule
		}
	}
	return ""
}

func componentsOK(path string) bool {
	for _, c := range strings.Split(path, "/") {
		if !componentRE.MatchString(c) {
			return false
		}
	}
	return true
}

func componentRule(c string) string {
	if componentRE.MatchString(c) {
		return ""
	}
	if c == "" {
		return "the repository path has an empty component (a doubled, leading or trailing \"/\")"
	}
	for _, r := range c {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '.', r == '_', r == '-':
		default:
			return fmt.Sprintf("repository path component %q contains %q; only a-z, 0-9, \".\", \"_\" and \"-\" are allowed", c, r)
		}
	}
	if strings.ToLower(c) != c {
		return fmt.Sprintf("repository name must be lowercase: path component %q", c)
	}
	return fmt.Sprintf("repository path component %q: a separator (\".\", \"_\", \"__\" or a run of \"-\") must stand between lowercase letters or digits", c)
}
