package resolve

import (
	"fmt"
	"math"
	"strings"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/types"
)

// Platform is an image platform: os/arch[/variant].
type Platform struct {
	OS           string
	Architecture string
	Variant      string
}

// DefaultPlatform is the platform resolved when none is asked for.
var DefaultPlatform = Platform{OS: "linux", Architecture: "amd64"}

// ParsePlatform parses "os/arch" or "os/arch/variant".
func ParsePlatform(s string) (Platform, error) {
	parts := strings.Split(s, "/")
	if len(parts) < 2 || len(parts) > 3 {
		return Platform{}, fmt.Errorf("parsing platform %q: want os/arch or os/arch/variant", s)
	}
	for _, p := range parts {
		if p == "" || strings.ToLower(p) != p || strings.ContainsAny(p, " \t:@") {
			return Platform{}, fmt.Errorf("parsing platform %q: each part is a non-empty lowercase word", s)
		}
	}
	p := Platform{OS: parts[0], Architecture: parts[1]}
	if len(parts) == 3 {
		p.Variant = parts[2]
	}
	return p, nil
}

// String returns "os/arch" or "os/arch/variant".
func (p Platform) String() string {
	s := p.OS + "/" + p.Architecture
	if p.Variant != "" {
		s += "/" + p.Variant
	}
	return s
}

// variantCompat lists, per architecture, the variants a machine of
// the newest variant runs, newest first (containers/image's table).
var variantCompat = map[string][]string{
	"arm":   {"v8", "v7", "v6", "v5"},
	"arm64": {"v8"},
}

// wantedVariants returns the variants skopeo accepts for p, in order
// of preference. Without a variant (what pullImage passes) that is ""
// and then the architecture's compatible variants; with one, that
// variant, the older compatible ones, and last "".
func wantedVariants(p Platform) []string {
	compat := variantCompat[p.Architecture]
	if p.Variant == "" {
		return append([]string{""}, compat...)
	}
	var vs []string
	for i, v := range compat {
		if v == p.Variant {
			vs = append(vs, compat[i:]...)
			break
		}
	}
	if vs == nil {
		vs = []string{p.Variant}
	}
	return append(vs, "")
}

// zstdAnnotation marks an index entry whose layers are zstd-compressed.
const zstdAnnotation = "io.github.containers.compression.zstd"

// choosePlatform picks the manifest for p from an index the way
// skopeo 1.22 does (see docker-archive.md): the entry matching the most
// preferred wanted variant wins; among equals a zstd-annotated entry,
// then the first. OCI index entries without a platform are a last
// resort; Docker manifest lists have no such fallback. os.version and
// os.features are ignored. It returns the chosen descriptor.
func choosePlatform(im *v1.IndexManifest, p Platform) (v1.Descriptor, error) {
	wanted := wantedVariants(p)
	ociIndex := im.MediaType != types.DockerManifestList
	best, bestRank, bestZstd := -1, math.MaxInt, false
	for i, d := range im.Manifests {
		rank := math.MaxInt
		switch {
		case d.Platform == nil:
			if !ociIndex {
				continue
			}
		case d.Platform.OS != p.OS || d.Platform.Architecture != p.Architecture:
			continue
		default:
			rank = indexOf(wanted, d.Platform.Variant)
			if rank < 0 {
				continue
			}
		}
		zstd := d.Annotations[zstdAnnotation] == "true"
		if best < 0 || rank < bestRank || (rank == bestRank && zstd && !bestZstd) {
			best, bestRank, bestZstd = i, rank, zstd
		}
	}
	if best < 0 {
		return v1.Descriptor{}, fmt.Errorf("the index has no image for platform %s (it offers %s)", p, offered(im))
	}
	return im.Manifests[best], nil
}

func indexOf(list []string, s string) int {
	for i, v := range list {
		if v == s {
			return i
		}
	}
	return -1
}

// offered lists the platforms of an index for error messages.
func offered(im *v1.IndexManifest) string {
	var ps []string
	for _, d := range im.Manifests {
		if d.Platform == nil {
			ps = append(ps, "(no platform)")
			continue
		}
		p := Platform{d.Platform.OS, d.Platform.Architecture, d.Platform.Variant}
		ps = append(ps, p.String())
	}
	if len(ps) == 0 {
		return "nothing"
	}
	return strings.Join(ps, ", ")
}
