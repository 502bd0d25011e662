package lock

import (
	"fmt"
	"strings"
)

// SourceKey is the parsed key of a GitHub dependency:
// "$GITHUB_BRANCH$:owner/repo:branch$flags" or
// "$GITHUB_RELEASE$:owner/repo$flags", flags being "f", "d", "l" (fetch
// submodules, deep clone, leave .git) in that order, each when set.
type SourceKey struct {
	Type            string // TypeGitHubBranch or TypeGitHubRelease
	Owner, Repo     string
	Branch          string // branches only
	FetchSubmodules bool
	DeepClone       bool
	LeaveDotGit     bool
}

// ParseSourceKey parses a GitHub dependency key. Keys the earliest
// uptix wrote, without the "$flags" suffix, are accepted too.
func ParseSourceKey(key string) (SourceKey, error) {
	var k SourceKey
	rest, ok := strings.CutPrefix(key, BranchPrefix)
	k.Type = TypeGitHubBranch
	if !ok {
		if rest, ok = strings.CutPrefix(key, ReleasePrefix); !ok {
			return k, fmt.Errorf("parsing key %q: not a GitHub key", key)
		}
		k.Type = TypeGitHubRelease
	}
	if i := strings.LastIndexByte(rest, '$'); i >= 0 {
		for _, c := range rest[i+1:] {
			switch c {
			case 'f':
				k.FetchSubmodules = true
			case 'd':
				k.DeepClone = true
			case 'l':
				k.LeaveDotGit = true
			default:
				return k, fmt.Errorf("parsing key %q: unknown flag %q", key, c)
			}
		}
		rest = rest[:i]
	}
	repo := rest
	if k.Type == TypeGitHubBranch {
		var ok bool
		if repo, k.Branch, ok = strings.Cut(rest, ":"); !ok || k.Branch == "" {
			return k, fmt.Errorf("parsing key %q: no branch after owner/repo", key)
		}
	}
	var ok2 bool
	if k.Owner, k.Repo, ok2 = strings.Cut(repo, "/"); !ok2 || k.Owner == "" || k.Repo == "" || strings.Contains(k.Repo, "/") {
		return k, fmt.Errorf("parsing key %q: %q is not owner/repo", key, repo)
	}
	return k, nil
}

// Flags returns the key suffix for the fetch flags.
func (k SourceKey) Flags() string {
	var b strings.Builder
	if k.FetchSubmodules {
		b.WriteByte('f')
	}
	if k.DeepClone {
		b.WriteByte('d')
	}
	if k.LeaveDotGit {
		b.WriteByte('l')
	}
	return b.String()
}

// String returns the key in the current form.
func (k SourceKey) String() string {
	if k.Type == TypeGitHubBranch {
		return BranchPrefix + k.Owner + "/" + k.Repo + ":" + k.Branch + "$" + k.Flags()
	}
	return ReleasePrefix + k.Owner + "/" + k.Repo + "$" + k.Flags()
}

// LegacyKey returns the key the earliest uptix wrote for the same
// dependency (without the "$" suffix), or "" when there is none: only
// keys without flags had that form.
func LegacyKey(key string) string {
	if Kind(key) == TypeDocker || !strings.HasSuffix(key, "$") {
		return ""
	}
	return strings.TrimSuffix(key, "$")
}
