package resolve

import (
	"fmt"
	"regexp"
	"strings"
)

// ImageRef is an image reference as a user wrote it, split and
// normalised the way Docker, podman and skopeo read it.
type ImageRef struct {
	// Original is the string exactly as written (the lock key).
	Original string
	// Name is the name part as written: everything before the tag
	// and the digest ("postgres", "localhost:5000/app").
	Name string
	// Registry is the normalised registry host: "docker.io" for Docker
	// Hub (also when written "index.docker.io"), else the host and
	// port as written.
	Registry string
	// Repository is the path inside the registry, with "library/"
	// added for one-element Docker Hub names.
	Repository string
	// Tag is the tag as written, or "" when there is none.
	Tag string
	// Digest is "sha256:<hex>" as written, or "" when there is none.
	Digest string
}

// dockerHub is the normalised name of Docker Hub.
const dockerHub = "docker.io"

// nameTotalMax is the longest name the distribution grammar allows.
const nameTotalMax = 255

var (
	// A path component: lowercase alphanumerics joined by ".", "_",
	// "__" or runs of "-".
	pathComponentRE = regexp.MustCompile(`^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$`)
	tagRE           = regexp.MustCompile(`^[\w][\w.-]{0,127}$`)
	domainCompRE    = regexp.MustCompile(`^(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])$`)
	ipv6RE          = regexp.MustCompile(`^\[[0-9a-fA-F:.]+\]$`)
	portRE          = regexp.MustCompile(`^[0-9]+$`)
	digestRE        = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}$`)
	sha256RE        = regexp.MustCompile(`^sha256:[0-9a-f]{64}$`)
	hex64RE         = regexp.MustCompile(`^[a-f0-9]{64}$`)
)

// ParseImageRef parses and validates an image reference as users write
// it: name[:tag][@digest], name = [domain/]path. Errors name the rule
// the reference breaks.
func ParseImageRef(s string) (ImageRef, error) {
	r, err := parseImageRef(s)
	if err != nil {
		return ImageRef{}, fmt.Errorf("parsing image reference %q: %w", s, err)
	}
	return r, nil
}

func parseImageRef(s string) (ImageRef, error) {
	ref := ImageRef{Original: s}
	if s == "" {
		return ref, fmt.Errorf("the reference is empty")
	}
	if i := strings.Index(s, "://"); i >= 0 {
		return ref, fmt.Errorf("a reference has no URL scheme: write %q without %q", s[i+3:], s[:i+3])
	}
	if strings.TrimSpace(s) != s || strings.ContainsAny(s, " \t\r\n") {
		return ref, fmt.Errorf("a reference contains no white space")
	}

	// Split off the digest.
	rest := s
	if i := strings.Index(rest, "@"); i >= 0 {
		rest, ref.Digest = s[:i], s[i+1:]
		if err := checkDigest(ref.Digest); err != nil {
			return ref, err
		}
	}

	// Split off the tag: after the last ":" that follows the last "/".
	if i := strings.LastIndex(rest, ":"); i >= 0 && i > strings.LastIndex(rest, "/") && !strings.HasSuffix(rest, "]") {
		rest, ref.Tag = rest[:i], rest[i+1:]
		if ref.Tag == "" {
			return ref, fmt.Errorf("a tag must follow the colon (write the name alone for \"latest\")")
		}
		if !tagRE.MatchString(ref.Tag) {
			return ref, fmt.Errorf("tag %q breaks the tag rule: a letter, digit or \"_\", then up to 127 letters, digits, \"_\", \".\" or \"-\"", ref.Tag)
		}
	}
	ref.Name = rest
	if rest == "" {
		return ref, fmt.Errorf("a reference needs a name before the tag or digest")
	}
	if len(rest) > nameTotalMax {
		return ref, fmt.Errorf("the name is %d characters long; at most %d are allowed", len(rest), nameTotalMax)
	}
	if hex64RE.MatchString(rest) {
		return ref, fmt.Errorf("a name cannot be 64 hexadecimal characters (that is an image id, not a reference)")
	}

	// Split the domain from the path.
	domain, path := dockerHub, rest
	if i := strings.Index(rest, "/"); i >= 0 {
		first := rest[:i]
		if first == "localhost" || strings.ContainsAny(first, ".:") || strings.HasPrefix(first, "[") {
			domain, path = first, rest[i+1:]
			if err := checkDomain(domain); err != nil {
				return ref, err
			}
		}
	}
	if err := checkPath(path); err != nil {
		return ref, err
	}
	if domain == "index.docker.io" {
		domain = dockerHub
	}
	if domain == dockerHub && !strings.Contains(path, "/") {
		path = "library/" + path
	}
	ref.Registry, ref.Repository = domain, path
	return ref, nil
}

func checkDigest(d string) error {
	if d == "" {
		return fmt.Errorf("a digest must follow the \"@\"")
	}
	if strings.Contains(d, "@") {
		return fmt.Errorf("a reference has at most one \"@\" digest")
	}
	if !digestRE.MatchString(d) {
		return fmt.Errorf("digest %q breaks the digest rule: algorithm \":\" hexadecimal, as in sha256:<64 hex digits>", d)
	}
	if !sha256RE.MatchString(d) {
		return fmt.Errorf("digest %q is not supported: only sha256 with 64 lowercase hexadecimal digits", d)
	}
	return nil
}

func checkDomain(domain string) error {
	host, port := domain, ""
	if strings.HasPrefix(domain, "[") {
		end := strings.Index(domain, "]")
		if end < 0 {
			return fmt.Errorf("registry %q opens \"[\" without closing it", domain)
		}
		host, port = domain[:end+1], domain[end+1:]
		if port != "" && !strings.HasPrefix(port, ":") {
			return fmt.Errorf("registry %q has text after \"]\" that is not a port", domain)
		}
		if !ipv6RE.MatchString(host) {
			return fmt.Errorf("registry %q is not a valid IPv6 address in brackets", domain)
		}
	} else if i := strings.LastIndex(domain, ":"); i >= 0 {
		host, port = domain[:i], domain[i:]
	}
	if port != "" && !portRE.MatchString(port[1:]) {
		return fmt.Errorf("registry %q: a port is digits only", domain)
	}
	if strings.HasPrefix(host, "[") {
		return nil
	}
	for _, c := range strings.Split(host, ".") {
		if !domainCompRE.MatchString(c) {
			return fmt.Errorf("registry %q breaks the host rule: letters, digits and inner \"-\", joined by \".\"", domain)
		}
	}
	return nil
}

func checkPath(path string) error {
	for _, c := range strings.Split(path, "/") {
		if pathComponentRE.MatchString(c) {
			continue
		}
		if c == "" {
			return fmt.Errorf("the image path %q has an empty component", path)
		}
		if strings.ToLower(c) != c && pathComponentRE.MatchString(strings.ToLower(c)) {
			return fmt.Errorf("the image path must be lowercase: %q has uppercase letters; write %q", path, strings.ToLower(path))
		}
		return fmt.Errorf("path component %q breaks the path rule: lowercase letters and digits, joined by \".\", \"_\", \"__\" or runs of \"-\"", c)
	}
	return nil
}

// String returns the reference as written.
func (r ImageRef) String() string { return r.Original }

// FullName is the normalised name: registry and repository
// ("docker.io/library/postgres").
func (r ImageRef) FullName() string { return r.Registry + "/" + r.Repository }

// Canonical is the normalised reference: registry, repository, tag
// (default "latest" when there is no digest) and digest.
func (r ImageRef) Canonical() string {
	s := r.FullName()
	switch {
	case r.Tag != "":
		s += ":" + r.Tag
	case r.Digest == "":
		s += ":latest"
	}
	if r.Digest != "" {
		s += "@" + r.Digest
	}
	return s
}

// identifier is what a registry is asked for: the digest when there is
// one (the digest decides; a tag next to it is a label), else the tag.
func (r ImageRef) identifier() string {
	if r.Digest != "" {
		return r.Digest
	}
	if r.Tag != "" {
		return r.Tag
	}
	return "latest"
}

// FinalNameTag returns the finalImageName and finalImageTag that
// pullImage writes into the archive so that `image = ref` names what
// the tarball is tagged as: the name part as written, and the tag as
// written or "latest". A reference with a digest and no tag gets the tag
// DigestTag(digest); never is a digest put in the tag.
func FinalNameTag(ref ImageRef) (name, tag string) {
	switch {
	case ref.Tag != "":
		return ref.Name, ref.Tag
	case ref.Digest != "":
		return ref.Name, DigestTag(ref.Digest)
	default:
		return ref.Name, "latest"
	}
}

// DigestTag is the tag chosen for a reference that has a digest and no
// tag: the algorithm, "-" and the first 12 hexadecimal digits of the
// digest ("sha256-37f3d2ad8ee5"). A tarball cannot be tagged with a
// digest, and podman finds a loaded image by name and tag, not by the
// registry's digest, so users write `image = "alpine:sha256-37f3d2ad8ee5"`.
// The Nix module computes the same tag (testdata/references.json).
func DigestTag(digest string) string {
	algo, hex, _ := strings.Cut(digest, ":")
	if len(hex) > 12 {
		hex = hex[:12]
	}
	return algo + "-" + hex
}

// LoadedName is what `image =` must say for the archive pullImage
// builds from ref to be used without a pull: the reference as written
// when it has no digest, else the final name and tag. Podman (4.3,
// checked here with `podman load` and `podman create --pull=never`)
// does not find a loaded image by the registry's digest, neither for
// "alpine@sha256:…" nor for "alpine:3.19@sha256:…", while
// "alpine:sha256-<12 hex>" and "alpine:3.19" work.
func LoadedName(ref ImageRef) string {
	if ref.Digest == "" {
		return ref.Original
	}
	name, tag := FinalNameTag(ref)
	return name + ":" + tag
}
