package dockerarchive

import (
	"fmt"
	"regexp"
	"strings"
)

// The grammar of distribution's reference package, for names and tags.
var (
	domainRE    = regexp.MustCompile(`^(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*|\[[a-fA-F0-9:]+\])(?::[0-9]+)?$`)
	componentRE = regexp.MustCompile(`^[a-z0-9]+(?:(?:[._]|__|[-]+)[a-z0-9]+)*$`)
	tagRE       = regexp.MustCompile(`^[\w][\w.-]{0,127}$`)
	hex64RE     = regexp.MustCompile(`^[a-f0-9]{64}$`)
)

// NormalizeName returns the fully qualified repository name skopeo
// writes into RepoTags and repositories: "nginx" becomes
// "docker.io/library/nginx", "library/foo" becomes
// "docker.io/library/foo", "ghcr.io/x/y" stays as it is.
func NormalizeName(name string) (string, error) {
	if hex64RE.MatchString(name) {
		return "", fmt.Errorf("normalizing image name %q: 64-byte hexadecimal strings cannot be names", name)
	}
	domain, rest := "docker.io", name
	if i := strings.IndexByte(name, '/'); i >= 0 {
		first := name[:i]
		if strings.ContainsAny(first, ".:") || first == "localhost" || strings.ToLower(first) != first {
			domain, rest = first, name[i+1:]
		}
	}
	if domain == "index.docker.io" {
		domain = "docker.io"
	}
	if domain == "docker.io" && !strings.Contains(rest, "/") {
		rest = "library/" + rest
	}
	if strings.ToLower(rest) != rest {
		return "", fmt.Errorf("normalizing image name %q: repository name must be lowercase", name)
	}
	if !domainRE.MatchString(domain) {
		return "", fmt.Errorf("normalizing image name %q: invalid registry %q", name, domain)
	}
	for _, c := range strings.Split(rest, "/") {
		if !componentRE.MatchString(c) {
			return "", fmt.Errorf("normalizing image name %q: invalid path component %q", name, c)
		}
	}
	full := domain + "/" + rest
	if len(full) > 255 {
		return "", fmt.Errorf("normalizing image name %q: name longer than 255 characters", name)
	}
	return full, nil
}

func checkTag(tag string) error {
	if !tagRE.MatchString(tag) {
		return fmt.Errorf("checking image tag %q: not a valid tag", tag)
	}
	return nil
}
