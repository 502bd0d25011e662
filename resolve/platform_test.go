package resolve

import (
	"fmt"
	"strings"
	"testing"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/types"
)

// entry builds an index entry; plat "" means no platform, "os/arch[/v]"
// otherwise; zstd adds the zstd annotation.
func entry(n int, plat string, zstd bool) v1.Descriptor {
	d := v1.Descriptor{
		MediaType: types.OCIManifestSchema1,
		Digest:    v1.Hash{Algorithm: "sha256", Hex: fmt.Sprintf("%064x", n)},
	}
	if plat != "" {
		parts := strings.Split(plat, "/")
		d.Platform = &v1.Platform{OS: parts[0], Architecture: parts[1]}
		if len(parts) == 3 {
			d.Platform.Variant = parts[2]
		}
	}
	if zstd {
		d.Annotations = map[string]string{zstdAnnotation: "true"}
	}
	return d
}

func TestChoosePlatform(t *testing.T) {
	p := func(s string) Platform {
		pl, err := ParsePlatform(s)
		if err != nil {
			t.Fatal(err)
		}
		return pl
	}
	cases := []struct {
		name    string
		docker  bool // Docker manifest list instead of OCI index
		entries []v1.Descriptor
		want    Platform
		chosen  int // index of the expected entry; -1: an error
	}{
		{"exact amd64", false, []v1.Descriptor{entry(1, "linux/arm64", false), entry(2, "linux/amd64", false)}, p("linux/amd64"), 1},
		{"first of equals", false, []v1.Descriptor{entry(1, "linux/amd64", false), entry(2, "linux/amd64", false)}, p("linux/amd64"), 0},
		{"zstd preferred among equals", false, []v1.Descriptor{entry(1, "linux/amd64", false), entry(2, "linux/amd64", true)}, p("linux/amd64"), 1},
		{"zstd does not beat a better variant", false, []v1.Descriptor{entry(1, "linux/arm64/v8", true), entry(2, "linux/arm64", false)}, p("linux/arm64"), 1},
		{"arm64 empty variant before v8", false, []v1.Descriptor{entry(1, "linux/arm64/v8", false), entry(2, "linux/arm64", false)}, p("linux/arm64"), 1},
		{"arm64 v8 when no empty variant", false, []v1.Descriptor{entry(1, "linux/amd64", false), entry(2, "linux/arm64/v8", false)}, p("linux/arm64"), 1},
		{"arm64 never other variants", false, []v1.Descriptor{entry(1, "linux/arm64/v9", false)}, p("linux/arm64"), -1},
		{"arm order v8 v7 v6", false, []v1.Descriptor{entry(1, "linux/arm/v6", false), entry(2, "linux/arm/v7", false)}, p("linux/arm"), 1},
		{"arm empty variant first", false, []v1.Descriptor{entry(1, "linux/arm/v7", false), entry(2, "linux/arm", false)}, p("linux/arm"), 1},
		{"arm/v6 asked: v6 then v5", false, []v1.Descriptor{entry(1, "linux/arm/v7", false), entry(2, "linux/arm/v5", false), entry(3, "linux/arm/v6", false)}, p("linux/arm/v6"), 2},
		{"arm/v6 asked: v5 before empty", false, []v1.Descriptor{entry(1, "linux/arm", false), entry(2, "linux/arm/v5", false)}, p("linux/arm/v6"), 1},
		{"arm/v6 asked: never v7", false, []v1.Descriptor{entry(1, "linux/arm/v7", false)}, p("linux/arm/v6"), -1},
		{"os must match", false, []v1.Descriptor{entry(1, "windows/amd64", false)}, p("linux/amd64"), -1},
		{"no-platform entry as last resort", false, []v1.Descriptor{entry(1, "linux/arm64", false), entry(2, "", false)}, p("linux/amd64"), 1},
		{"matching entry beats no-platform entry", false, []v1.Descriptor{entry(1, "", false), entry(2, "linux/amd64", false)}, p("linux/amd64"), 1},
		{"no-platform entry beats nothing even for arm", false, []v1.Descriptor{entry(1, "", false)}, p("linux/arm/v7"), 0},
		{"docker list: no-platform entry never", true, []v1.Descriptor{entry(1, "", false)}, p("linux/amd64"), -1},
		{"attestation never", false, []v1.Descriptor{entry(1, "unknown/unknown", false)}, p("linux/amd64"), -1},
		{"attestation skipped for the real entry", false, []v1.Descriptor{entry(1, "unknown/unknown", false), entry(2, "linux/amd64", false)}, p("linux/amd64"), 1},
		{"empty platform object is not a wildcard", false, []v1.Descriptor{{MediaType: types.OCIManifestSchema1, Platform: &v1.Platform{}}}, p("linux/amd64"), -1},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			// os.version and os.features are ignored.
			for i := range c.entries {
				if pl := c.entries[i].Platform; pl != nil && pl.OS == "linux" {
					pl.OSVersion, pl.OSFeatures = "10.0", []string{"x"}
				}
			}
			im := &v1.IndexManifest{SchemaVersion: 2, MediaType: types.OCIImageIndex, Manifests: c.entries}
			if c.docker {
				im.MediaType = types.DockerManifestList
			}
			got, err := choosePlatform(im, c.want)
			if c.chosen < 0 {
				if err == nil {
					t.Fatalf("chose %v, want an error", got.Digest)
				}
				if !strings.Contains(err.Error(), "no image for platform "+c.want.String()) {
					t.Errorf("error %q does not name the platform", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if want := c.entries[c.chosen].Digest; got.Digest != want {
				t.Errorf("chose %s, want entry %d (%s)", got.Digest.Hex[60:], c.chosen, want.Hex[60:])
			}
		})
	}
}

func TestParsePlatform(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"linux/amd64", "linux/amd64"},
		{"linux/arm/v7", "linux/arm/v7"},
	} {
		p, err := ParsePlatform(c.in)
		if err != nil || p.String() != c.want {
			t.Errorf("ParsePlatform(%q) = %v, %v", c.in, p, err)
		}
	}
	for _, bad := range []string{"linux", "linux/", "Linux/amd64", "a/b/c/d", ""} {
		if _, err := ParsePlatform(bad); err == nil {
			t.Errorf("ParsePlatform(%q) succeeded", bad)
		}
	}
}
