// Package lock reads, validates and writes uptix.lock, the JSON file that
// maps each dependency key to its metadata and pinned lock.
//
// Reading reports every problem with a file:line:col position. Writing is
// deterministic (keys sorted at every level, two-space indent, final
// newline), keeps the bytes of entries that did not change, keeps fields
// it does not know, and replaces the file atomically under a file lock.
package lock

import (
	"encoding/json"
	"strings"
)

// Prefixes of the keys of GitHub dependencies.
const (
	BranchPrefix  = "$GITHUB_BRANCH$:"
	ReleasePrefix = "$GITHUB_RELEASE$:"
)

// Dependency types as metadata.dep_type spells them.
const (
	TypeDocker        = "docker"
	TypeGitHubBranch  = "github-branch"
	TypeGitHubRelease = "github-release"
)

// File is the content of a lock file: entries by dependency key.
type File struct {
	Entries map[string]*Entry
}

// New returns an empty lock.
func New() *File { return &File{Entries: map[string]*Entry{}} }

// Keys returns the entry keys in sorted order.
func (f *File) Keys() []string { return sortedKeys(f.Entries) }

// Entry is one dependency: its metadata and its lock. Exactly one of
// Docker and GitHub is set, except for an image entry in the oldest form
// (a bare digest), which has neither and a non-empty Stale.
type Entry struct {
	Metadata Metadata
	Docker   *Docker
	GitHub   *GitHub

	// Digest is the bare "sha256:…" digest an entry of the oldest form
	// held; such an entry is Stale.
	Digest string

	// Stale is non-empty when the entry was read in a form that cannot be
	// used as it is and must be resolved again; it says why.
	Stale string

	// Extra holds the entry's fields other than metadata and lock.
	Extra map[string]json.RawMessage

	// raw is the entry's canonical encoding as read; Marshal writes it
	// back unchanged so an untouched entry keeps its bytes. Entries built
	// in code, or read in a form that is upgraded on write, have none.
	raw []byte
}

// Metadata describes a dependency for people; the Nix module ignores it.
type Metadata struct {
	Name            string `json:"name,omitempty"`
	SelectedVersion string `json:"selected_version,omitempty"`
	ResolvedVersion string `json:"resolved_version,omitempty"`
	Timestamp       string `json:"timestamp,omitempty"`
	DepType         string `json:"dep_type,omitempty"`
	Description     string `json:"description,omitempty"`

	// Extra holds fields this version does not know.
	Extra map[string]json.RawMessage `json:"-"`
}

// Docker is the lock of a container image.
type Docker struct {
	// ImageDigest is what the reference resolved to: an index digest for
	// a multi-platform image.
	ImageDigest string
	// SHA256 is the SRI hash of pullImage's tarball for Platform.
	SHA256 string
	// Platform is the primary platform, "os/arch[/variant]".
	Platform string
	// Platforms lists every locked platform (the primary one included)
	// when there is more than one, or when the one platform's manifest
	// must be pinned because a build from ImageDigest would choose
	// another (see resolve.PlatformResult.NeedsManifestPin); otherwise
	// it is empty. Marshal writes it when it is not empty.
	Platforms map[string]PlatformLock

	Extra map[string]json.RawMessage
}

// PlatformLock is the pair the Nix module needs for one platform.
type PlatformLock struct {
	ImageDigest string // the platform's manifest digest
	SHA256      string // SRI hash of the tarball for that platform

	Extra map[string]json.RawMessage
}

// GitHub is the lock of a GitHub branch or release, in the shape the
// earlier uptix wrote.
type GitHub struct {
	Owner           string
	Repo            string
	Rev             string
	SHA256          string // Nix base-32
	FetchSubmodules bool
	DeepClone       bool
	LeaveDotGit     bool

	Extra map[string]json.RawMessage
}

// Locked returns the platforms the entry holds hashes for, sorted, and
// their pairs. An entry with a single platform gives the top-level pair.
func (d *Docker) Locked() map[string]PlatformLock {
	if d == nil {
		return nil
	}
	if len(d.Platforms) > 0 {
		return d.Platforms
	}
	if d.Platform == "" {
		return nil
	}
	return map[string]PlatformLock{d.Platform: {ImageDigest: d.ImageDigest, SHA256: d.SHA256}}
}

// Changed reports whether e was built or modified in code rather than
// read from a file in canonical form: such an entry is re-encoded when
// written.
func (e *Entry) Changed() bool { return e.raw == nil }

// Touch marks e as modified, so that Marshal encodes it from its fields
// rather than writing back the bytes it was read from.
func (e *Entry) Touch() { e.raw = nil }

// Kind returns the entry's dependency type from its key: TypeDocker,
// TypeGitHubBranch or TypeGitHubRelease.
func Kind(key string) string {
	switch {
	case strings.HasPrefix(key, BranchPrefix):
		return TypeGitHubBranch
	case strings.HasPrefix(key, ReleasePrefix):
		return TypeGitHubRelease
	}
	return TypeDocker
}
