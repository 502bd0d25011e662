package resolve

import (
	"context"
	"fmt"
	"time"

	"github.com/nix-community/go-nix/pkg/nixhash"
)

// GitHubOptions are the fetchFromGitHub flags a lock entry records.
// When any is set, fetchFromGitHub clones with git instead of
// downloading the archive, and the hash is the one of that checkout.
type GitHubOptions struct {
	FetchSubmodules bool
	DeepClone       bool
	LeaveDotGit     bool
}

// UsesGit reports whether fetchFromGitHub uses fetchgit for these
// options.
func (o GitHubOptions) UsesGit() bool {
	return o.FetchSubmodules || o.DeepClone || o.LeaveDotGit
}

// Flags returns the lock key suffix: "f", "d", "l" for the flags set,
// in that order.
func (o GitHubOptions) Flags() string {
	s := ""
	if o.FetchSubmodules {
		s += "f"
	}
	if o.DeepClone {
		s += "d"
	}
	if o.LeaveDotGit {
		s += "l"
	}
	return s
}

// Dependency types of GitHub lock entries (metadata dep_type).
const (
	GitHubBranchType  = "github-branch"
	GitHubReleaseType = "github-release"
)

// SourceResult is a resolved and hashed GitHub branch or release.
type SourceResult struct {
	Type    string // GitHubBranchType or GitHubReleaseType
	Owner   string
	Repo    string
	Branch  string // the branch asked for (branches only)
	Options GitHubOptions

	// Rev is what the lock pins: the commit for a branch, the tag for a
	// release.
	Rev string
	// Hash is the NAR SHA-256 fetchFromGitHub checks.
	Hash *nixhash.Hash
	// SHA256 is Hash in Nix base-32, as lock files store it.
	SHA256 string
	// Timestamp is the commit's author date or the release's
	// publication date.
	Timestamp time.Time

	Commit  *GitHubCommit  // branches only
	Release *GitHubRelease // releases only
}

// SRI returns the hash as "sha256-<base64>", or "" when Hash is not
// set.
func (r *SourceResult) SRI() string {
	if r.Hash == nil {
		return ""
	}
	return r.Hash.Format(nixhash.SRI, true)
}

// GitHubLock is the "lock" object of a GitHub lock entry, as the
// earlier uptix wrote it and the Nix module reads it.
type GitHubLock struct {
	Owner           string `json:"owner"`
	Repo            string `json:"repo"`
	Rev             string `json:"rev"`
	SHA256          string `json:"sha256"`
	FetchSubmodules bool   `json:"fetchSubmodules"`
	DeepClone       bool   `json:"deepClone"`
	LeaveDotGit     bool   `json:"leaveDotGit"`
}

// GitHubMetadata is the "metadata" object of a GitHub lock entry.
type GitHubMetadata struct {
	Name            string `json:"name"`
	SelectedVersion string `json:"selected_version,omitempty"`
	ResolvedVersion string `json:"resolved_version,omitempty"`
	Timestamp       string `json:"timestamp,omitempty"`
	DepType         string `json:"dep_type"`
	Description     string `json:"description"`
}

// Lock returns the lock object for the result.
func (r *SourceResult) Lock() GitHubLock {
	return GitHubLock{
		Owner:           r.Owner,
		Repo:            r.Repo,
		Rev:             r.Rev,
		SHA256:          r.SHA256,
		FetchSubmodules: r.Options.FetchSubmodules,
		DeepClone:       r.Options.DeepClone,
		LeaveDotGit:     r.Options.LeaveDotGit,
	}
}

// Key returns the lock key of the result:
// "$GITHUB_BRANCH$:owner/repo:branch$flags" or
// "$GITHUB_RELEASE$:owner/repo$flags".
func (r *SourceResult) Key() string {
	if r.Type == GitHubBranchType {
		return "$GITHUB_BRANCH$:" + r.Owner + "/" + r.Repo + ":" + r.Branch + "$" + r.Options.Flags()
	}
	return "$GITHUB_RELEASE$:" + r.Owner + "/" + r.Repo + "$" + r.Options.Flags()
}

// Metadata returns the metadata object for the result, worded as the
// earlier uptix worded it.
func (r *SourceResult) Metadata() GitHubMetadata {
	name := r.Owner + "/" + r.Repo
	m := GitHubMetadata{Name: name, DepType: r.Type}
	if !r.Timestamp.IsZero() {
		m.Timestamp = r.Timestamp.UTC().Format(time.RFC3339)
	}
	if r.Type == GitHubBranchType {
		m.SelectedVersion = r.Branch
		m.ResolvedVersion = ghShortCommit(r.Rev, r.Commit)
		m.Description = fmt.Sprintf("GitHub branch %s from %s", r.Branch, name)
		return m
	}
	m.SelectedVersion = "latest"
	m.ResolvedVersion = r.Rev
	m.Description = "GitHub release from " + name
	return m
}

// ghShortCommit formats "<7-char sha> (<subject, cut to 50 characters>...)".
func ghShortCommit(rev string, c *GitHubCommit) string {
	short := rev
	if len(short) > 7 {
		short = short[:7]
	}
	subject := ""
	if c != nil {
		subject = c.Subject
	}
	if runes := []rune(subject); len(runes) > 50 {
		subject = string(runes[:50]) + "..."
	}
	return short + " (" + subject + ")"
}

// Branch resolves the head of a branch and computes the hash
// fetchFromGitHub will check for it. At most one opts is used.
func (g *GitHub) Branch(ctx context.Context, owner, repo, branch string, opts ...GitHubOptions) (*SourceResult, error) {
	o := ghFirstOptions(opts)
	res, err := g.branch(ctx, owner, repo, branch, o)
	if err != nil {
		return nil, fmt.Errorf("resolving GitHub branch %q: %w", owner+"/"+repo+":"+branch, err)
	}
	return res, nil
}

func (g *GitHub) branch(ctx context.Context, owner, repo, branch string, o GitHubOptions) (*SourceResult, error) {
	c, err := g.BranchHead(ctx, owner, repo, branch)
	if err != nil {
		return nil, err
	}
	h, err := g.HashRev(ctx, owner, repo, c.SHA, o)
	if err != nil {
		return nil, err
	}
	return &SourceResult{
		Type: GitHubBranchType, Owner: owner, Repo: repo, Branch: branch, Options: o,
		Rev: c.SHA, Hash: h, SHA256: h.Format(nixhash.NixBase32, false),
		Timestamp: c.AuthorDate, Commit: c,
	}, nil
}

// Release resolves the latest published release and computes the hash
// fetchFromGitHub will check for its tag. At most one opts is used.
func (g *GitHub) Release(ctx context.Context, owner, repo string, opts ...GitHubOptions) (*SourceResult, error) {
	o := ghFirstOptions(opts)
	res, err := g.release(ctx, owner, repo, o)
	if err != nil {
		return nil, fmt.Errorf("resolving GitHub release of %q: %w", owner+"/"+repo, err)
	}
	return res, nil
}

func (g *GitHub) release(ctx context.Context, owner, repo string, o GitHubOptions) (*SourceResult, error) {
	rel, err := g.LatestRelease(ctx, owner, repo)
	if err != nil {
		return nil, err
	}
	h, err := g.HashRev(ctx, owner, repo, rel.Tag, o)
	if err != nil {
		return nil, err
	}
	return &SourceResult{
		Type: GitHubReleaseType, Owner: owner, Repo: repo, Options: o,
		Rev: rel.Tag, Hash: h, SHA256: h.Format(nixhash.NixBase32, false),
		Timestamp: rel.Published, Release: rel,
	}, nil
}

// HashRev computes the hash fetchFromGitHub checks for rev: from the
// archive, or with nix-prefetch-git when a git flag is set.
func (g *GitHub) HashRev(ctx context.Context, owner, repo, rev string, o GitHubOptions) (*nixhash.Hash, error) {
	if o.UsesGit() {
		return g.prefetchGit(ctx, owner, repo, rev, o)
	}
	return g.HashArchive(ctx, owner, repo, rev)
}

func ghFirstOptions(opts []GitHubOptions) GitHubOptions {
	if len(opts) == 0 {
		return GitHubOptions{}
	}
	return opts[0]
}
