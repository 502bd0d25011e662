// Package demo stands up, on 127.0.0.1, everything the bundled example
// configuration fetches from: one registry per upstream registry it names,
// each holding small sample images (amd64 and arm64) under the example's
// names, and a stand-in for the GitHub API and archive endpoints. The
// demo command and the end-to-end test point uptix at them through
// registry mirrors and GITHUB_API_URL / GITHUB_SERVER_URL, so that names,
// tags and lock keys stay those of the original references.
package demo

import (
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"net"
	"net/http"
	"sort"
	"strings"
	"time"

	v1 "github.com/google/go-containerregistry/pkg/v1"

	"github.com/uptix-dev/uptix/discover"
	"github.com/uptix-dev/uptix/internal/testreg"
	"github.com/uptix-dev/uptix/resolve"
)

// Env is a running set of stand-ins.
type Env struct {
	// Mirrors maps each upstream registry ("docker.io", "ghcr.io",
	// "registry.example.com:5000") to the 127.0.0.1 host standing in
	// for it.
	Mirrors map[string]string
	// Images maps each reference pushed to its images' manifest
	// digests by platform ("linux/amd64", "linux/arm64").
	Images map[string]map[string]string
	// Indexes maps each reference pushed to its index digest.
	Indexes map[string]string
	// GitHubAPI and GitHubServer are the stand-in's base URLs, for
	// GITHUB_API_URL and GITHUB_SERVER_URL.
	GitHubAPI, GitHubServer string
	// Repos is what the GitHub stand-in serves, by "owner/repo".
	Repos map[string]*Repo

	registries map[string]*testreg.Registry
	github     *http.Server
}

// Start discovers the uptix calls under dir and stands up what they
// fetch. Close the Env when done.
func Start(ctx context.Context, dir string) (*Env, error) {
	res, err := discover.Dir(ctx, dir, nil)
	if err != nil {
		return nil, fmt.Errorf("discovering the example's dependencies: %w", err)
	}
	if len(res.Errors) > 0 {
		return nil, fmt.Errorf("parsing the example: %v", res.Errors[0])
	}
	env := &Env{
		Mirrors:    map[string]string{},
		Images:     map[string]map[string]string{},
		Indexes:    map[string]string{},
		Repos:      map[string]*Repo{},
		registries: map[string]*testreg.Registry{},
	}
	for _, c := range res.Calls {
		for _, t := range c.Targets {
			switch {
			case t.Image != "":
				err = env.pushImage(t.Image)
			case t.GitHub != nil:
				env.addRepo(t.GitHub.Owner, t.GitHub.Repo)
			}
			if err != nil {
				env.Close()
				return nil, err
			}
		}
	}
	if err := env.serveGitHub(); err != nil {
		env.Close()
		return nil, err
	}
	return env, nil
}

// MirrorFlags returns the `--mirror REGISTRY=HOST` flags for uptix update.
func (e *Env) MirrorFlags() []string {
	var flags []string
	for _, reg := range sortedKeys(e.Mirrors) {
		flags = append(flags, "--mirror", reg+"="+e.Mirrors[reg])
	}
	return flags
}

// Environ returns the environment variables that point uptix's GitHub
// client at the stand-in.
func (e *Env) Environ() []string {
	return []string{"GITHUB_API_URL=" + e.GitHubAPI, "GITHUB_SERVER_URL=" + e.GitHubServer}
}

// Close stops every stand-in.
func (e *Env) Close() {
	for _, r := range e.registries {
		r.Close()
	}
	if e.github != nil {
		e.github.Close()
	}
}

// pushImage pushes a two-platform index under ref's repository and tag
// to the registry standing in for ref's registry.
func (e *Env) pushImage(ref string) error {
	if _, done := e.Indexes[ref]; done {
		return nil
	}
	r, err := resolve.ParseImageRef(ref)
	if err != nil {
		return fmt.Errorf("pushing sample image %q: %w", ref, err)
	}
	reg, err := e.registry(r.Registry)
	if err != nil {
		return err
	}
	tag := r.Tag
	if tag == "" {
		tag = "latest"
	}
	seed := seedOf(ref)
	entries := make([]testreg.IndexEntry, 0, 2)
	digests := map[string]string{}
	for i, p := range []v1.Platform{
		{OS: "linux", Architecture: "amd64"},
		{OS: "linux", Architecture: "arm64", Variant: "v8"},
	} {
		im, err := sampleImage(seed+uint64(i), p, versionOf(tag))
		if err != nil {
			return fmt.Errorf("making sample image %q: %w", ref, err)
		}
		entries = append(entries, testreg.IndexEntry{Image: im, Platform: &p})
		digests[p.OS+"/"+p.Architecture] = im.Digest().String()
	}
	d, err := reg.PushIndex(r.Repository, tag, testreg.NewIndex(true, entries...))
	if err != nil {
		return fmt.Errorf("pushing sample image %q: %w", ref, err)
	}
	e.Images[ref] = digests
	e.Indexes[ref] = d.String()
	return nil
}

func (e *Env) registry(host string) (*testreg.Registry, error) {
	if r, ok := e.registries[host]; ok {
		return r, nil
	}
	r, err := testreg.Listen("127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("starting a registry for %q: %w", host, err)
	}
	e.registries[host] = r
	e.Mirrors[host] = r.Host
	return r, nil
}

// sampleImage is a small image of two layers whose config carries a
// version label and a creation time.
func sampleImage(seed uint64, p v1.Platform, version string) (*testreg.Image, error) {
	var layers []testreg.Layer
	for i := range 2 {
		l, err := testreg.NewLayer(testreg.Tar(seed*7+uint64(i), 3, 2048, 60), testreg.Gzip, true)
		if err != nil {
			return nil, err
		}
		layers = append(layers, l)
	}
	return testreg.NewImage(testreg.ImageSpec{OCI: true, Layers: layers, Config: testreg.ConfigSpec{
		OS: p.OS, Arch: p.Architecture, Variant: p.Variant,
		Labels:  map[string]string{"org.opencontainers.image.version": version},
		Created: time.Date(2024, 11, 20, 8, 0, 0, 0, time.UTC).Add(time.Duration(seed%240) * time.Hour),
		Cmd:     []string{"/bin/sample"},
	}})
}

// versionOf is the version label a sample image carries: its tag, or a
// made-up release for moving tags.
func versionOf(tag string) string {
	if tag == "latest" {
		return "2.0.1"
	}
	return strings.TrimPrefix(tag, "v")
}

func seedOf(s string) uint64 {
	h := fnv.New64a()
	h.Write([]byte(s))
	return h.Sum64() % 1_000_000
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

func listen() (net.Listener, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, errors.New("listening on 127.0.0.1: " + err.Error())
	}
	return l, nil
}
