package resolve

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/google/go-containerregistry/pkg/authn"
	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"github.com/google/go-containerregistry/pkg/v1/remote/transport"
)

// Resolver looks images up in registries and hashes them. The zero
// value is ready to use; a Resolver is safe for concurrent use and its
// fields must not change once it is in use.
type Resolver struct {
	// Keychain supplies credentials per registry; nil means
	// authn.DefaultKeychain (the docker config and its credential
	// helpers).
	Keychain authn.Keychain
	// Insecure lists registries ("host" or "host:port") that may be
	// reached over plain HTTP or TLS without verification. localhost,
	// 127.0.0.1 and [::1] always may.
	Insecure []string
	// Mirrors maps a registry ("docker.io", "ghcr.io") to a mirror
	// location ("mirror.example.com:5000" or with a path prefix, as in
	// podman's registries.conf). Look-ups and downloads go to the
	// mirror first, then to the registry itself; names, tags and hashes
	// stay those of the reference.
	Mirrors map[string]string
	// Retry bounds retries after 429, 5xx and network errors.
	Retry RetryPolicy
	// Timeout cuts off a request that waits this long for an answer or
	// whose download stalls this long (default 60s; negative: never).
	Timeout time.Duration
	// Transport is the base HTTP transport (default: one like
	// http.DefaultTransport).
	Transport http.RoundTripper
	// Progress, when set, is called with the number of compressed bytes
	// downloaded for ref (as written) since the previous call.
	Progress func(ref string, n int64)
	// UserAgent is sent with every request (default "uptix").
	UserAgent string

	once sync.Once
	rt   *registryTransport
	// puller keeps one authenticated transport per repository, so that
	// look-ups of one repository ping and fetch tokens once.
	pullerOnce sync.Once
	puller     *remote.Puller
	rangers    sync.Map // repository -> authenticated http.RoundTripper
	mu         sync.Mutex
	cache      map[string]*hashEntry
}

// ImageResult is what an image reference resolved to.
type ImageResult struct {
	// Ref is the reference as written.
	Ref string
	// Registry is the normalised registry host ("docker.io").
	Registry string
	// Name is the reference without tag and digest, as written.
	Name string
	// Tag is the tag as written, "latest" when the reference has
	// neither tag nor digest, "" for a digest-only reference.
	Tag string
	// Digest is what the reference resolved to: the index digest for
	// a multi-platform image, else the manifest digest.
	Digest string
	// FinalName and FinalTag are what the archive is tagged as.
	FinalName, FinalTag string
	// Platforms holds one result per platform asked for, in order;
	// the first is the primary one.
	Platforms []PlatformResult
	// Version is a version a person can read: the OCI version label,
	// else the creation date (YYYY-MM-DD), else the digest.
	Version string
	// Created is the image's creation time (zero when unknown).
	Created time.Time
}

// PlatformResult is one platform's manifest and archive hash.
type PlatformResult struct {
	Platform Platform
	// ManifestDigest is the digest of this platform's image manifest.
	ManifestDigest string
	// SHA256 is the SRI hash of pullImage's tarball for this platform.
	SHA256 string
	// ImagePlatform is what the chosen image's config says it is built
	// for; it can differ from Platform for a single-platform image,
	// which skopeo copies whatever platform is asked for.
	ImagePlatform Platform
	// NeedsManifestPin is set when a build from the index digest with
	// only os and arch (pullImage passes no variant) would choose
	// another manifest than the one hashed for Platform's variant: the
	// lock must then give this platform's ManifestDigest to pullImage.
	NeedsManifestPin bool
}

// versionLabel is the OCI annotation/label with a readable version.
const versionLabel = "org.opencontainers.image.version"

// defaultTimeout is the per-request timeout when none is set.
const defaultTimeout = 60 * time.Second

// HeadDigest returns the digest ref points to now, asking the registry
// with a HEAD request (which Docker Hub does not count against its pull
// limit). A reference with a digest needs no request. Only when the
// registry does not answer HEAD properly does it GET the manifest.
func (r *Resolver) HeadDigest(ctx context.Context, s string) (string, error) {
	ref, err := ParseImageRef(s)
	if err != nil {
		return "", err
	}
	if ref.Digest != "" {
		return ref.Digest, nil
	}
	var d string
	err = r.eachSource(ref, func(repo name.Repository) error {
		tag := repo.Tag(ref.identifier())
		desc, err := remote.Head(tag, r.remoteOptions(ctx)...)
		if err == nil {
			d = desc.Digest.String()
			return nil
		}
		if !headUnsupported(err) {
			return err
		}
		got, err := remote.Get(tag, r.remoteOptions(ctx)...)
		if err != nil {
			return err
		}
		d = got.Digest.String()
		return nil
	})
	if err != nil {
		return "", fmt.Errorf("resolving image %q: %w", s, err)
	}
	return d, nil
}

// headUnsupported reports whether a HEAD failed because the registry
// does not answer HEAD for manifests the way the spec says.
func headUnsupported(err error) bool {
	var te *transport.Error
	if errors.As(err, &te) {
		return te.StatusCode == http.StatusMethodNotAllowed || te.StatusCode == http.StatusNotImplemented
	}
	return strings.Contains(err.Error(), "response did not include")
}

// ResolveImage resolves ref and computes, per platform (default
// linux/amd64), the hash of the tarball pullImage builds.
func (r *Resolver) ResolveImage(ctx context.Context, s string, platforms []Platform) (*ImageResult, error) {
	ref, err := ParseImageRef(s)
	if err != nil {
		return nil, err
	}
	res, err := r.resolveImage(ctx, ref, dedupPlatforms(platforms))
	if err != nil {
		return nil, fmt.Errorf("resolving image %q: %w", s, err)
	}
	return res, nil
}

func dedupPlatforms(ps []Platform) []Platform {
	if len(ps) == 0 {
		return []Platform{DefaultPlatform}
	}
	var out []Platform
	for _, p := range ps {
		if indexOfPlatform(out, p) < 0 {
			out = append(out, p)
		}
	}
	return out
}

func indexOfPlatform(ps []Platform, p Platform) int {
	for i, q := range ps {
		if q == p {
			return i
		}
	}
	return -1
}

func (r *Resolver) resolveImage(ctx context.Context, ref ImageRef, platforms []Platform) (*ImageResult, error) {
	finalName, finalTag := FinalNameTag(ref)
	res := &ImageResult{
		Ref:       ref.Original,
		Registry:  ref.Registry,
		Name:      ref.Name,
		Tag:       ref.Tag,
		FinalName: finalName,
		FinalTag:  finalTag,
	}
	if ref.Tag == "" && ref.Digest == "" {
		res.Tag = "latest"
	}

	// Look the reference up (mirror first, when there is one).
	var desc *remote.Descriptor
	var repo name.Repository
	err := r.eachSource(ref, func(rp name.Repository) error {
		d, err := remote.Get(referenceIn(rp, ref), r.remoteOptions(ctx)...)
		if err != nil {
			return err
		}
		desc, repo = d, rp
		return nil
	})
	if err != nil {
		return nil, err
	}
	// Later failures name the host the image comes from.
	src := ref.Registry
	if repo.RegistryStr() != name.DefaultRegistry || ref.Registry != dockerHub {
		src = repo.RegistryStr()
	}
	res.Digest = desc.Digest.String()

	// Find each platform's image.
	images := make([]v1.Image, len(platforms))
	var primary *imageConfig
	for i, p := range platforms {
		img, d, err := r.platformImage(ctx, src, repo, desc, p)
		if err != nil {
			return nil, err
		}
		images[i] = img
		pr := PlatformResult{Platform: p, ManifestDigest: d.String()}
		cfg, err := readConfig(img)
		if err != nil {
			return nil, fmt.Errorf("reading the image config for %s: %w", p, describe(err, src))
		}
		if i == 0 {
			primary = cfg
		}
		pr.ImagePlatform = Platform{OS: cfg.OS, Architecture: cfg.Architecture, Variant: cfg.Variant}
		if p.Variant != "" && desc.MediaType.IsIndex() {
			pr.NeedsManifestPin = r.indexChoice(desc, Platform{OS: p.OS, Architecture: p.Architecture}) != pr.ManifestDigest
		}
		res.Platforms = append(res.Platforms, pr)
	}

	// Metadata comes from the primary platform's config.
	res.Created = primary.created()
	res.Version = readableVersion(primary, res.Digest)

	// Hash each platform's archive.
	for i := range res.Platforms {
		pr := &res.Platforms[i]
		sri, err := r.cachedHash(ctx, ref, repo, pr.ManifestDigest, images[i], finalName, finalTag)
		if err != nil {
			return nil, fmt.Errorf("hashing the archive for %s: %w", pr.Platform, describe(err, src))
		}
		pr.SHA256 = sri
	}
	return res, nil
}

// indexChoice is the manifest digest an index gives for p, or "".
func (r *Resolver) indexChoice(desc *remote.Descriptor, p Platform) string {
	idx, err := desc.ImageIndex()
	if err != nil {
		return ""
	}
	im, err := idx.IndexManifest()
	if err != nil {
		return ""
	}
	d, err := choosePlatform(im, p)
	if err != nil {
		return ""
	}
	return d.Digest.String()
}

// referenceIn names ref's tag or digest inside repository rp.
func referenceIn(rp name.Repository, ref ImageRef) name.Reference {
	if ref.Digest != "" {
		return rp.Digest(ref.Digest)
	}
	return rp.Tag(ref.identifier())
}

// platformImage returns the image for p and its manifest digest.
func (r *Resolver) platformImage(ctx context.Context, src string, repo name.Repository, desc *remote.Descriptor, p Platform) (v1.Image, v1.Hash, error) {
	mt := desc.MediaType
	switch {
	case mt.IsSchema1():
		return nil, v1.Hash{}, fmt.Errorf("the image uses the old Docker schema 1 manifest, which pullImage cannot build; republish it with a current tool")
	case mt.IsImage():
		img, err := desc.Image()
		if err != nil {
			return nil, v1.Hash{}, describe(err, src)
		}
		if err := checkImage(img); err != nil {
			return nil, v1.Hash{}, err
		}
		return img, desc.Digest, nil
	case mt.IsIndex():
	default:
		return nil, v1.Hash{}, fmt.Errorf("the reference names a %q, not an image", mt)
	}

	idx, err := desc.ImageIndex()
	if err != nil {
		return nil, v1.Hash{}, describe(err, src)
	}
	im, err := idx.IndexManifest()
	if err != nil {
		return nil, v1.Hash{}, describe(err, src)
	}
	child, err := choosePlatform(im, p)
	if err != nil {
		return nil, v1.Hash{}, err
	}
	switch {
	case child.MediaType.IsImage():
	case child.MediaType.IsIndex():
		return nil, v1.Hash{}, fmt.Errorf("the index entry for %s is itself an index, which pullImage cannot build", p)
	default:
		return nil, v1.Hash{}, fmt.Errorf("the index entry for %s is a %q, not an image", p, child.MediaType)
	}
	img, err := remote.Image(repo.Digest(child.Digest.String()), r.remoteOptions(ctx)...)
	if err != nil {
		return nil, v1.Hash{}, fmt.Errorf("fetching the manifest for %s: %w", p, describe(err, src))
	}
	if err := checkImage(img); err != nil {
		return nil, v1.Hash{}, fmt.Errorf("checking the image for %s: %w", p, err)
	}
	return img, child.Digest, nil
}

// checkImage refuses what pullImage cannot build: artifacts that are
// not images, foreign (non-distributable) and encrypted layers.
func checkImage(img v1.Image) error {
	m, err := img.Manifest()
	if err != nil {
		return err
	}
	if !m.Config.MediaType.IsConfig() {
		return fmt.Errorf("the manifest describes an artifact (config %q), not a container image", m.Config.MediaType)
	}
	if m.ArtifactType != "" {
		return fmt.Errorf("the manifest describes an artifact of type %q, not a container image", m.ArtifactType)
	}
	for i, l := range m.Layers {
		switch {
		case !l.MediaType.IsDistributable():
			return fmt.Errorf("layer %d (%s) is a foreign, non-distributable layer, which pullImage cannot fetch", i+1, l.Digest)
		case strings.Contains(string(l.MediaType), "encrypted"):
			return fmt.Errorf("layer %d (%s) is encrypted (%q), which pullImage cannot unpack", i+1, l.Digest, l.MediaType)
		case len(l.URLs) > 0:
			return fmt.Errorf("layer %d (%s) must be fetched from elsewhere (urls), which pullImage does not do", i+1, l.Digest)
		}
	}
	return nil
}

// imageConfig is the part of an image config uptix reads. It is
// decoded loosely: configs with fields go-containerregistry's
// ConfigFile rejects (numbers like 1.0e2 for durations) still resolve,
// as skopeo copies them unchanged.
type imageConfig struct {
	OS           string `json:"os"`
	Architecture string `json:"architecture"`
	Variant      string `json:"variant"`
	Created      string `json:"created"`
	Config       struct {
		Labels map[string]string `json:"Labels"`
	} `json:"config"`
}

// readConfig fetches (and verifies) the config blob and decodes it.
func readConfig(img v1.Image) (*imageConfig, error) {
	raw, err := img.RawConfigFile()
	if err != nil {
		return nil, err
	}
	var c imageConfig
	if err := json.Unmarshal(raw, &c); err != nil {
		return nil, fmt.Errorf("decoding the image config: %w", err)
	}
	return &c, nil
}

// created is the creation time, zero when absent or unreadable.
func (c *imageConfig) created() time.Time {
	t, err := time.Parse(time.RFC3339Nano, c.Created)
	if err != nil {
		return time.Time{}
	}
	return t.UTC()
}

// readableVersion picks the version label, else the creation date,
// else the digest.
func readableVersion(cfg *imageConfig, digest string) string {
	if v := strings.TrimSpace(cfg.Config.Labels[versionLabel]); v != "" {
		return v
	}
	if t := cfg.created(); !t.IsZero() && t.Year() > 1970 {
		return t.Format("2006-01-02")
	}
	return digest
}

// hashEntry is one archive hash, computed once.
type hashEntry struct {
	done chan struct{}
	sri  string
	err  error
}

// cachedHash hashes img's archive once per manifest digest and final
// name: different spellings of one image share the work. The final
// name is keyed in its normalised form, which is what the archive holds.
func (r *Resolver) cachedHash(ctx context.Context, ref ImageRef, repo name.Repository, manifestDigest string, img v1.Image, finalName, finalTag string) (string, error) {
	norm := finalName
	if fr, err := ParseImageRef(finalName); err == nil {
		norm = fr.FullName()
	}
	key := manifestDigest + " " + norm + ":" + finalTag

	r.mu.Lock()
	if r.cache == nil {
		r.cache = map[string]*hashEntry{}
	}
	e, ok := r.cache[key]
	if !ok {
		e = &hashEntry{done: make(chan struct{})}
		r.cache[key] = e
	}
	r.mu.Unlock()

	if ok {
		select {
		case <-e.done:
			return e.sri, e.err
		case <-ctx.Done():
			return "", ctx.Err()
		}
	}
	e.sri, e.err = r.hashArchive(ctx, ref, repo, img, finalName, finalTag)
	if e.err != nil {
		// A failure is not remembered: a later call tries again.
		r.mu.Lock()
		delete(r.cache, key)
		r.mu.Unlock()
	}
	close(e.done)
	return e.sri, e.err
}

// eachSource runs try against the mirror of ref's registry, if any,
// and then the registry itself, until one succeeds.
func (r *Resolver) eachSource(ref ImageRef, try func(name.Repository) error) error {
	var mirrorErr error
	if loc, ok := r.Mirrors[ref.Registry]; ok && loc != "" {
		loc = strings.TrimSuffix(loc, "/")
		host := loc
		if i := strings.Index(loc, "/"); i >= 0 {
			host = loc[:i]
		}
		repo, err := name.NewRepository(loc+"/"+ref.Repository, r.nameOptions(host)...)
		if err != nil {
			mirrorErr = fmt.Errorf("mirror %q: %w", loc, err)
		} else if err := try(repo); err != nil {
			mirrorErr = fmt.Errorf("mirror %q: %w", loc, describe(err, host))
		} else {
			return nil
		}
	}
	repo, err := name.NewRepository(ref.FullName(), r.nameOptions(ref.Registry)...)
	if err != nil {
		return err
	}
	if err := try(repo); err != nil {
		err = describe(err, ref.Registry)
		if mirrorErr != nil {
			return fmt.Errorf("%w (after %v)", err, mirrorErr)
		}
		return err
	}
	return nil
}

func (r *Resolver) nameOptions(host string) []name.Option {
	if r.insecure(host) {
		return []name.Option{name.Insecure}
	}
	return nil
}

// insecure reports whether host (as in a URL, with port) may use plain
// HTTP: loopback names always, else only when listed.
func (r *Resolver) insecure(host string) bool {
	h := host
	if i := strings.LastIndex(h, ":"); i >= 0 && !strings.HasSuffix(h, "]") {
		h = h[:i]
	}
	switch h {
	case "localhost", "127.0.0.1", "[::1]", "::1":
		return true
	}
	for _, s := range r.Insecure {
		if s == host || s == h {
			return true
		}
	}
	return false
}

// CloseIdleConnections closes the connections the Resolver keeps open
// for reuse.
func (r *Resolver) CloseIdleConnections() {
	type closer interface{ CloseIdleConnections() }
	for _, t := range []http.RoundTripper{r.transport().verified, r.transport().unverified} {
		if c, ok := t.(closer); ok {
			c.CloseIdleConnections()
		}
	}
}

func (r *Resolver) transport() *registryTransport {
	r.once.Do(func() {
		timeout := r.Timeout
		if timeout == 0 {
			timeout = defaultTimeout
		}
		r.rt = newRegistryTransport(r.Transport, r.insecure, r.Retry, timeout)
	})
	return r.rt
}

func (r *Resolver) keychain() authn.Keychain {
	if r.Keychain == nil {
		return authn.DefaultKeychain
	}
	return r.Keychain
}

func (r *Resolver) remoteOptions(ctx context.Context) []remote.Option {
	r.pullerOnce.Do(func() {
		// NewPuller fails only on conflicting options, which these are not;
		// without a puller each call authenticates on its own.
		r.puller, _ = remote.NewPuller(r.baseOptions()...)
	})
	if r.puller == nil {
		return append(r.baseOptions(), remote.WithContext(ctx))
	}
	return []remote.Option{remote.Reuse(r.puller), remote.WithContext(ctx)}
}

func (r *Resolver) baseOptions() []remote.Option {
	ua := r.UserAgent
	if ua == "" {
		ua = "uptix"
	}
	return []remote.Option{
		remote.WithAuthFromKeychain(r.keychain()),
		remote.WithTransport(r.transport()),
		remote.WithUserAgent(ua),
		// Retries happen in registryTransport, which honours
		// Retry-After; one attempt here keeps them from multiplying.
		remote.WithRetryBackoff(remote.Backoff{Steps: 1}),
		remote.WithRetryStatusCodes(),
	}
}
