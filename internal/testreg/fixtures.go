package testreg

import (
	"bytes"
	"encoding/json"
	"fmt"
	"time"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/types"
)

// Layer is a fixture layer: its uncompressed tar and the blob stored in
// the registry.
type Layer struct {
	Tar       []byte
	Blob      []byte
	MediaType types.MediaType
	// Annotations and URLs go into the layer's descriptor.
	Annotations map[string]string
	URLs        []string
}

// DiffID is the SHA-256 of the uncompressed tar.
func (l Layer) DiffID() v1.Hash { return sha(l.Tar) }

// Digest is the SHA-256 of the blob.
func (l Layer) Digest() v1.Hash { return sha(l.Blob) }

func sha(b []byte) v1.Hash {
	h, _, _ := v1.SHA256(bytes.NewReader(b))
	return h
}

// NewLayer compresses tarball as c and labels it for OCI or Docker
// schema 2 manifests.
func NewLayer(tarball []byte, c Compression, oci bool) (Layer, error) {
	blob, err := Compress(tarball, c)
	if err != nil {
		return Layer{}, err
	}
	l := Layer{Tar: tarball, Blob: blob}
	switch {
	case c == Uncompressed && oci:
		l.MediaType = types.OCIUncompressedLayer
	case c == Uncompressed:
		l.MediaType = types.DockerUncompressedLayer
	case c == Zstd:
		l.MediaType = types.OCILayerZStd
	case oci:
		l.MediaType = types.OCILayer
	default:
		l.MediaType = types.DockerLayer
	}
	return l, nil
}

// MustLayer is NewLayer for compressions that cannot fail.
func MustLayer(tarball []byte, c Compression, oci bool) Layer {
	l, err := NewLayer(tarball, c, oci)
	if err != nil {
		panic(fmt.Sprintf("building fixture layer: %v", err))
	}
	return l
}

// Image is a fixture image: its config, layers and manifest bytes.
type Image struct {
	OCI      bool
	Config   []byte
	Layers   []Layer
	Manifest []byte
	// ConfigMediaType overrides the config descriptor's media type.
	ConfigMediaType types.MediaType
	// ManifestMediaType overrides the manifest's media type.
	ManifestMediaType types.MediaType
}

// MediaType is the manifest's media type.
func (im *Image) MediaType() types.MediaType {
	switch {
	case im.ManifestMediaType != "":
		return im.ManifestMediaType
	case im.OCI:
		return types.OCIManifestSchema1
	}
	return types.DockerManifestSchema2
}

// Digest is the manifest digest.
func (im *Image) Digest() v1.Hash { return sha(im.Manifest) }

// ConfigSpec says what goes into a generated config.
type ConfigSpec struct {
	OS, Arch, Variant string
	Labels            map[string]string
	Created           time.Time // zero: Epoch
	Env               []string
	Cmd               []string
}

// ImageSpec describes a generated image.
type ImageSpec struct {
	OCI    bool
	Config ConfigSpec
	Layers []Layer
	// RawConfig, when set, is used as the config verbatim (no diff_ids
	// are filled in).
	RawConfig []byte
	// DiffIDs, when set, replace the config's diff_ids (to make them
	// disagree with the layers).
	DiffIDs []v1.Hash
}

// NewImage builds the config and manifest for spec.
func NewImage(spec ImageSpec) (*Image, error) {
	im := &Image{OCI: spec.OCI, Layers: spec.Layers, Config: spec.RawConfig}
	if im.Config == nil {
		cfg, err := configJSON(spec)
		if err != nil {
			return nil, err
		}
		im.Config = cfg
	}
	if err := im.Seal(); err != nil {
		return nil, err
	}
	return im, nil
}

// MustImage is NewImage that panics on error.
func MustImage(spec ImageSpec) *Image {
	im, err := NewImage(spec)
	if err != nil {
		panic(fmt.Sprintf("building fixture image: %v", err))
	}
	return im
}

func configJSON(spec ImageSpec) ([]byte, error) {
	c := spec.Config
	if c.OS == "" {
		c.OS = "linux"
	}
	if c.Arch == "" {
		c.Arch = "amd64"
	}
	if c.Created.IsZero() {
		c.Created = Epoch
	}
	if c.Env == nil {
		c.Env = []string{"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"}
	}
	if c.Cmd == nil {
		c.Cmd = []string{"/bin/sh"}
	}
	cf := v1.ConfigFile{
		Architecture: c.Arch,
		OS:           c.OS,
		Variant:      c.Variant,
		Created:      v1.Time{Time: c.Created},
		Config:       v1.Config{Env: c.Env, Cmd: c.Cmd, Labels: c.Labels},
		RootFS:       v1.RootFS{Type: "layers"},
	}
	for _, l := range spec.Layers {
		cf.RootFS.DiffIDs = append(cf.RootFS.DiffIDs, l.DiffID())
		cf.History = append(cf.History, v1.History{Created: v1.Time{Time: c.Created}, CreatedBy: "fixture"})
	}
	if spec.DiffIDs != nil {
		cf.RootFS.DiffIDs = spec.DiffIDs
	}
	return json.Marshal(cf)
}

// Seal (re)computes the manifest from the config and layers.
func (im *Image) Seal() error {
	cmt := types.DockerConfigJSON
	if im.OCI {
		cmt = types.OCIConfigJSON
	}
	if im.ConfigMediaType != "" {
		cmt = im.ConfigMediaType
	}
	m := v1.Manifest{
		SchemaVersion: 2,
		MediaType:     im.MediaType(),
		Config:        v1.Descriptor{MediaType: cmt, Size: int64(len(im.Config)), Digest: sha(im.Config)},
	}
	for _, l := range im.Layers {
		m.Layers = append(m.Layers, v1.Descriptor{
			MediaType:   l.MediaType,
			Size:        int64(len(l.Blob)),
			Digest:      l.Digest(),
			Annotations: l.Annotations,
			URLs:        l.URLs,
		})
	}
	b, err := json.Marshal(m)
	if err != nil {
		return err
	}
	im.Manifest = b
	return nil
}

// Simple is a single-platform image of n gzip layers (small files).
func Simple(seed uint64, n int, c Compression, oci bool) *Image {
	var ls []Layer
	for i := range n {
		ls = append(ls, MustLayer(Tar(seed*10+uint64(i), 3, 2000+int(seed%7)*100, 50), c, oci))
	}
	return MustImage(ImageSpec{OCI: oci, Layers: ls, Config: ConfigSpec{
		Labels: map[string]string{"org.opencontainers.image.version": fmt.Sprintf("1.%d.0", seed)},
	}})
}

// IndexEntry is one entry of a fixture index.
type IndexEntry struct {
	Image       *Image
	Platform    *v1.Platform // nil: no platform in the descriptor
	Annotations map[string]string
}

// Index is a fixture manifest list or OCI index.
type Index struct {
	OCI      bool
	Entries  []IndexEntry
	Manifest []byte
}

// MediaType is the index's media type.
func (ix *Index) MediaType() types.MediaType {
	if ix.OCI {
		return types.OCIImageIndex
	}
	return types.DockerManifestList
}

// Digest is the index digest.
func (ix *Index) Digest() v1.Hash { return sha(ix.Manifest) }

// NewIndex builds an index over entries.
func NewIndex(oci bool, entries ...IndexEntry) *Index {
	ix := &Index{OCI: oci, Entries: entries}
	m := v1.IndexManifest{SchemaVersion: 2, MediaType: ix.MediaType()}
	for _, e := range entries {
		m.Manifests = append(m.Manifests, v1.Descriptor{
			MediaType:   e.Image.MediaType(),
			Size:        int64(len(e.Image.Manifest)),
			Digest:      e.Image.Digest(),
			Platform:    e.Platform,
			Annotations: e.Annotations,
		})
	}
	b, err := json.Marshal(m)
	if err != nil {
		panic(fmt.Sprintf("marshalling fixture index: %v", err))
	}
	ix.Manifest = b
	return ix
}

// PlatformImage is a small image whose config names os/arch/variant.
func PlatformImage(seed uint64, os, arch, variant string, oci bool) *Image {
	ls := []Layer{
		MustLayer(Tar(seed*10, 2, 1500, 50), Gzip, oci),
		MustLayer(Tar(seed*10+1, 1, 700, 50), Gzip, oci),
	}
	return MustImage(ImageSpec{OCI: oci, Layers: ls, Config: ConfigSpec{
		OS: os, Arch: arch, Variant: variant,
		Labels:  map[string]string{"org.opencontainers.image.version": "2.0." + arch + variant},
		Created: Epoch.Add(time.Duration(seed) * time.Hour),
	}})
}

// Attestation is a buildkit-style attestation manifest for subject.
func Attestation(seed uint64, subject v1.Hash) *Image {
	stmt := fmt.Appendf(nil, `{"_type":"https://in-toto.io/Statement/v0.1","subject":[{"digest":{"sha256":%q}}],"seed":%d}`, subject.Hex, seed)
	l := Layer{Tar: stmt, Blob: stmt, MediaType: "application/vnd.in-toto+json",
		Annotations: map[string]string{"in-toto.io/predicate-type": "https://slsa.dev/provenance/v0.2"}}
	cfg := []byte(`{"architecture":"unknown","os":"unknown","config":{},"rootfs":{"type":"layers","diff_ids":["` + l.DiffID().String() + `"]}}`)
	return MustImage(ImageSpec{OCI: true, Layers: []Layer{l}, RawConfig: cfg})
}

// MultiPlatform is an index with linux/amd64, linux/arm64/v8,
// linux/arm/v7, linux/arm/v6, an entry without a platform (an image for
// linux/s390x) and an attestation entry unknown/unknown for the amd64
// image.
func MultiPlatform(seed uint64, oci bool) *Index {
	amd := PlatformImage(seed*100+1, "linux", "amd64", "", oci)
	arm64 := PlatformImage(seed*100+2, "linux", "arm64", "v8", oci)
	arm7 := PlatformImage(seed*100+3, "linux", "arm", "v7", oci)
	arm6 := PlatformImage(seed*100+4, "linux", "arm", "v6", oci)
	none := PlatformImage(seed*100+5, "linux", "s390x", "", oci)
	att := Attestation(seed, amd.Digest())
	return NewIndex(oci,
		IndexEntry{Image: amd, Platform: &v1.Platform{OS: "linux", Architecture: "amd64"}},
		IndexEntry{Image: arm64, Platform: &v1.Platform{OS: "linux", Architecture: "arm64", Variant: "v8"}},
		IndexEntry{Image: arm7, Platform: &v1.Platform{OS: "linux", Architecture: "arm", Variant: "v7"}},
		IndexEntry{Image: arm6, Platform: &v1.Platform{OS: "linux", Architecture: "arm", Variant: "v6"}},
		IndexEntry{Image: none},
		IndexEntry{Image: att, Platform: &v1.Platform{OS: "unknown", Architecture: "unknown"},
			Annotations: map[string]string{
				"vnd.docker.reference.digest": amd.Digest().String(),
				"vnd.docker.reference.type":   "attestation-manifest",
			}},
	)
}

// OddConfig returns a config with unsorted keys, indentation, unicode
// (raw and escaped), characters JSON encoders escape (<, >, &, U+2028),
// numbers written as 1.0e2 and -0.50, a container_config and a
// docker_version, for the given layers.
func OddConfig(layers []Layer, arch string) []byte {
	var ids bytes.Buffer
	for i, l := range layers {
		if i > 0 {
			ids.WriteString(", ")
		}
		fmt.Fprintf(&ids, "%q", l.DiffID().String())
	}
	return fmt.Appendf(nil, `{
  "os": "linux",
  "config": {
    "Labels": {"z.last": "<b>&amp;</b> \u2028 ü \u00e9 \/", "a.first": "日本語", "x.sep": "a%sb%sc", "org.opencontainers.image.version": "3.1.4-odd"},
    "Env": ["A=1", "B=<&>"],
    "Healthcheck": {"Interval": 1.0e2, "Retries": -0.50, "Test": ["CMD", "true"]},
    "Cmd": ["sh", "-c", "echo \"hi\"\ttab"]
  },
  "architecture": %q,
  "docker_version": "24.0.7",
  "container_config": {"Cmd": ["/bin/sh", "-c", "#(nop) ADD file:x in /"], "Image": ""},
  "container": "0123abcd",
  "created": "2023-01-02T03:04:05.123456789+01:00",
  "rootfs": {"type": "layers", "diff_ids": [%s]},
  "history": [{"created_by": "odd"}]
}
`, "\u2028", "\u2029", arch, ids.String())
}

// PushImage pushes im's blobs and manifest to repo, tagged tag when tag
// is not empty, and returns the manifest digest.
func (r *Registry) PushImage(repo, tag string, im *Image) (v1.Hash, error) {
	for _, l := range im.Layers {
		if _, err := r.PutBlob(repo, l.Blob); err != nil {
			return v1.Hash{}, err
		}
	}
	if _, err := r.PutBlob(repo, im.Config); err != nil {
		return v1.Hash{}, err
	}
	return r.putManifest(repo, tag, string(im.MediaType()), im.Manifest)
}

// PushIndex pushes every entry's image, then the index.
func (r *Registry) PushIndex(repo, tag string, ix *Index) (v1.Hash, error) {
	for _, e := range ix.Entries {
		if _, err := r.PushImage(repo, "", e.Image); err != nil {
			return v1.Hash{}, err
		}
	}
	return r.putManifest(repo, tag, string(ix.MediaType()), ix.Manifest)
}

func (r *Registry) putManifest(repo, tag, mt string, raw []byte) (v1.Hash, error) {
	d := sha(raw)
	if err := r.PutManifest(repo, d.String(), mt, raw); err != nil {
		return v1.Hash{}, err
	}
	if tag != "" {
		if err := r.PutManifest(repo, tag, mt, raw); err != nil {
			return v1.Hash{}, err
		}
	}
	return d, nil
}

// MustPushImage is PushImage that fails the test on error.
func (r *Registry) MustPushImage(t interface{ Fatalf(string, ...any) }, repo, tag string, im *Image) v1.Hash {
	d, err := r.PushImage(repo, tag, im)
	if err != nil {
		t.Fatalf("pushing %s:%s: %v", repo, tag, err)
	}
	return d
}

// MustPushIndex is PushIndex that fails the test on error.
func (r *Registry) MustPushIndex(t interface{ Fatalf(string, ...any) }, repo, tag string, ix *Index) v1.Hash {
	d, err := r.PushIndex(repo, tag, ix)
	if err != nil {
		t.Fatalf("pushing %s:%s: %v", repo, tag, err)
	}
	return d
}
