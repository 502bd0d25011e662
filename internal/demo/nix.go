package demo

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os/exec"
	"strconv"
	"strings"

	"github.com/nix-community/go-nix/pkg/nixhash"

	"github.com/uptix-dev/uptix/internal/oracle"
	"github.com/uptix-dev/uptix/resolve"
)

// PullArgs are the arguments the uptix Nix module passes to
// dockerTools.pullImage.
type PullArgs struct {
	ImageName      string `json:"imageName"`
	ImageDigest    string `json:"imageDigest"`
	SHA256         string `json:"sha256"`
	FinalImageName string `json:"finalImageName"`
	FinalImageTag  string `json:"finalImageTag"`
	OS             string `json:"os"`
	Arch           string `json:"arch"`
	Variant        string `json:"variant,omitempty"`
}

// ModuleArgs evaluates the uptix module in moduleDir against lockPath,
// with a package set for system whose dockerTools.pullImage returns its
// arguments, and returns what `dockerImage ref` passed.
func ModuleArgs(ctx context.Context, s *oracle.Store, moduleDir, lockPath, system, ref string) (*PullArgs, error) {
	expr := fmt.Sprintf(`(import %s {
  lockFile = %s;
  pkgs = { stdenv.hostPlatform.system = %s; dockerTools.pullImage = args: args; };
}).dockerImage %s`, nixPath(moduleDir), nixPath(lockPath), strconv.Quote(system), strconv.Quote(ref))
	out, err := nixEval(ctx, s, expr)
	if err != nil {
		return nil, fmt.Errorf("evaluating dockerImage %q for %s: %w", ref, system, err)
	}
	var a PullArgs
	if err := json.Unmarshal(out, &a); err != nil {
		return nil, fmt.Errorf("reading pullImage's arguments for %q: %w", ref, err)
	}
	return &a, nil
}

// GitHubArgs evaluates `expr` (a call such as `githubBranch { … }`) on
// the uptix module and returns the fetchFromGitHub arguments.
func GitHubArgs(ctx context.Context, s *oracle.Store, moduleDir, lockPath, call string) (map[string]any, error) {
	expr := fmt.Sprintf(`with (import %s {
  lockFile = %s;
  pkgs = { stdenv.hostPlatform.system = "x86_64-linux"; };
}); %s`, nixPath(moduleDir), nixPath(lockPath), call)
	out, err := nixEval(ctx, s, expr)
	if err != nil {
		return nil, fmt.Errorf("evaluating %s: %w", call, err)
	}
	var m map[string]any
	if err := json.Unmarshal(out, &m); err != nil {
		return nil, fmt.Errorf("reading the result of %s: %w", call, err)
	}
	return m, nil
}

// BuildImage builds the pullImage-like fixed-output derivation with the
// module's arguments, fetching from the stand-in registry that mirrors
// the image's registry, and reports whether Nix accepted the hash.
func (e *Env) BuildImage(ctx context.Context, s *oracle.Store, a *PullArgs) (*oracle.BuildResult, error) {
	r, err := resolve.ParseImageRef(a.ImageName)
	if err != nil {
		return nil, err
	}
	host, ok := e.Mirrors[r.Registry]
	if !ok {
		return nil, fmt.Errorf("no stand-in registry for %q", r.Registry)
	}
	return s.FixedOutputBuild(ctx, oracle.PullImage{
		ImageName:   host + "/" + r.Repository,
		ImageDigest: a.ImageDigest,
		FinalName:   a.FinalImageName,
		FinalTag:    a.FinalImageTag,
		OS:          a.OS,
		Arch:        a.Arch,
		Hash:        a.SHA256,
	})
}

// BuildSource builds a fetchzip-like recursive fixed-output derivation of
// the stand-in's archive for owner/repo at rev, with the lock's hash
// (Nix base-32 or SRI).
func (e *Env) BuildSource(ctx context.Context, s *oracle.Store, owner, repo, rev, hash string) (*oracle.BuildResult, error) {
	algo := nixhash.SHA256
	h, err := nixhash.ParseAny(hash, &algo)
	if err != nil {
		return nil, fmt.Errorf("reading the hash of %s/%s: %w", owner, repo, err)
	}
	url := fmt.Sprintf("%s/%s/%s/archive/%s.tar.gz", e.GitHubServer, owner, repo, rev)
	return s.FetchTarball(ctx, url, h.Format(nixhash.SRI, true))
}

func nixEval(ctx context.Context, s *oracle.Store, expr string) ([]byte, error) {
	cmd := exec.CommandContext(ctx, "nix-instantiate", "--eval", "--strict", "--json", "-E", expr)
	cmd.Env = s.Env
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("%w: %s", err, strings.TrimSpace(stderr.String()))
	}
	return out, nil
}

// nixPath writes an absolute path as a Nix path literal.
func nixPath(p string) string {
	return "(/. + " + strconv.Quote(p) + ")"
}
