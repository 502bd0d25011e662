package resolve

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"os/exec"
	"strings"

	"github.com/nix-community/go-nix/pkg/nixhash"
)

// prefetchGit hashes a git checkout the way fetchgit does, by running
// nix-prefetch-git with the same flags the earlier uptix passed.
func (g *GitHub) prefetchGit(ctx context.Context, owner, repo, rev string, o GitHubOptions) (*nixhash.Hash, error) {
	prog := g.PrefetchGit
	if prog == "" {
		prog = "nix-prefetch-git"
	}
	path, err := exec.LookPath(prog)
	if err != nil {
		return nil, fmt.Errorf("fetchSubmodules, deepClone and leaveDotGit make fetchFromGitHub "+
			"clone with git, and uptix hashes that clone with nix-prefetch-git, which was not found "+
			"(install it, for example with `nix profile install nixpkgs#nix-prefetch-git`): %w", err)
	}

	args := []string{"--quiet"}
	if o.DeepClone {
		args = append(args, "--deepClone")
	} else {
		args = append(args, "--no-deepClone")
	}
	if o.FetchSubmodules {
		args = append(args, "--fetch-submodules")
	}
	// fetchgit's leaveDotGit defaults to deepClone, and the Nix module
	// drops false flags, so deepClone implies leaveDotGit.
	if o.LeaveDotGit || o.DeepClone {
		args = append(args, "--leave-dotGit")
	}
	gitURL := g.archiveBase() + "/" + url.PathEscape(owner) + "/" + url.PathEscape(repo) + ".git"
	args = append(args, "--url", gitURL, "--rev", rev)

	cmd := exec.CommandContext(ctx, path, args...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout = &stdout
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		msg := ghLastLines(stderr.String(), 5)
		if msg != "" {
			err = fmt.Errorf("%w: %s", err, msg)
		}
		return nil, fmt.Errorf("running nix-prefetch-git for %q at %q: %w", gitURL, rev, err)
	}
	h, err := ghParsePrefetchGit(stdout.Bytes())
	if err != nil {
		return nil, fmt.Errorf("reading nix-prefetch-git's output for %q: %w", gitURL, err)
	}
	return h, nil
}

// ghParsePrefetchGit reads nix-prefetch-git's JSON: "hash" (SRI, newer
// versions) or "sha256" (base-32, hexadecimal or SRI).
func ghParsePrefetchGit(out []byte) (*nixhash.Hash, error) {
	var info struct {
		Hash   string `json:"hash"`
		SHA256 string `json:"sha256"`
	}
	// Some versions print progress before the JSON object.
	if i := bytes.IndexByte(out, '{'); i > 0 {
		out = out[i:]
	}
	if err := json.Unmarshal(out, &info); err != nil {
		return nil, err
	}
	s := info.Hash
	if s == "" {
		s = info.SHA256
	}
	if s == "" {
		return nil, errors.New("no hash in its output")
	}
	algo := nixhash.SHA256
	h, err := nixhash.ParseAny(s, &algo)
	if err != nil {
		return nil, fmt.Errorf("parsing hash %q: %w", s, err)
	}
	return &h.Hash, nil
}

func ghLastLines(s string, n int) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}
