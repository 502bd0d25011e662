package dockerarchive

import (
	"archive/tar"
	"bytes"
	"compress/bzip2"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"github.com/google/go-containerregistry/pkg/v1/types"

	"github.com/uptix-dev/uptix/internal/oracle"
	"github.com/uptix-dev/uptix/internal/testreg"
)

// fixture is an image pushed to the test registry plus what to ask
// skopeo for.
type fixture struct {
	name       string
	push       func(t *testing.T, r *testreg.Registry) (src string, ours v1.Hash)
	final      string // name:tag
	arch       string
	variant    string
	skopeoFail bool // Debian's skopeo 1.9.3 cannot copy it
}

func pushImage(repo string, im *testreg.Image) func(*testing.T, *testreg.Registry) (string, v1.Hash) {
	return func(t *testing.T, r *testreg.Registry) (string, v1.Hash) {
		d := r.MustPushImage(t, repo, "t", im)
		return r.Ref(repo, d.String()), d
	}
}

func layers(seed uint64, c testreg.Compression, oci bool, n int) []testreg.Layer {
	var ls []testreg.Layer
	for i := range n {
		ls = append(ls, testreg.MustLayer(testreg.Tar(seed+uint64(i), 3, 3000+int(i)*777, 60), c, oci))
	}
	return ls
}

func image(oci bool, ls ...testreg.Layer) *testreg.Image {
	return testreg.MustImage(testreg.ImageSpec{OCI: oci, Layers: ls, Config: testreg.ConfigSpec{
		Labels: map[string]string{"org.opencontainers.image.version": "1.2.3"}}})
}

// bzip2Layer is a layer compressed by the bzip2 program (kept in
// testdata: Go has no bzip2 compressor and bzip2 may be missing).
func bzip2Layer() testreg.Layer {
	blob, err := os.ReadFile("testdata/layer.tar.bz2")
	if err != nil {
		panic(err)
	}
	tarball, err := io.ReadAll(bzip2.NewReader(bytes.NewReader(blob)))
	if err != nil {
		panic(err)
	}
	return testreg.Layer{Tar: tarball, Blob: blob, MediaType: types.DockerLayer}
}

// edited applies edit to im and recomputes its manifest.
func edited(im *testreg.Image, edit func(*testreg.Image)) *testreg.Image {
	if edit != nil {
		edit(im)
	}
	if err := im.Seal(); err != nil {
		panic(err)
	}
	return im
}

// trailing appends zero bytes after the gzip stream (some tools pad).
func trailing(l testreg.Layer) testreg.Layer {
	l.Blob = append(append([]byte(nil), l.Blob...), make([]byte, 100)...)
	return l
}

func fixtures() []fixture {
	base := testreg.Tar(500, 4, 5000, 50)
	dupA := testreg.MustLayer(base, testreg.Gzip, false)
	dupPlain := testreg.MustLayer(base, testreg.Uncompressed, false)
	empty := testreg.MustLayer(testreg.EmptyTar(), testreg.GzipStdlib, false)
	other := layers(600, testreg.Gzip, false, 1)[0]

	oddLayers := layers(700, testreg.Gzip, false, 2)
	odd := testreg.MustImage(testreg.ImageSpec{Layers: oddLayers, RawConfig: testreg.OddConfig(oddLayers, "amd64")})

	wrongIDs := layers(800, testreg.Gzip, true, 2)
	wrong := testreg.MustImage(testreg.ImageSpec{OCI: true, Layers: wrongIDs,
		DiffIDs: []v1.Hash{wrongIDs[1].DiffID(), wrongIDs[0].DiffID()}})
	short := testreg.MustImage(testreg.ImageSpec{OCI: true, Layers: layers(850, testreg.Gzip, true, 3),
		DiffIDs: []v1.Hash{}})

	ix := testreg.MultiPlatform(9, true)
	dl := testreg.MultiPlatform(10, false)
	pushIndex := func(repo string, ix *testreg.Index, entry int) func(*testing.T, *testreg.Registry) (string, v1.Hash) {
		return func(t *testing.T, r *testreg.Registry) (string, v1.Hash) {
			d := r.MustPushIndex(t, repo, "latest", ix)
			return r.Ref(repo, d.String()), ix.Entries[entry].Image.Digest()
		}
	}

	return []fixture{
		{name: "docker-gzip", push: pushImage("library/nginx", image(false, layers(1, testreg.Gzip, false, 3)...)), final: "nginx:latest"},
		{name: "oci-gzip", push: pushImage("foo", image(true, layers(10, testreg.Gzip, true, 2)...)), final: "library/foo:1.0"},
		{name: "oci-uncompressed", push: pushImage("x/y", image(true, layers(20, testreg.Uncompressed, true, 2)...)), final: "ghcr.io/x/y:v2"},
		{name: "docker-uncompressed", push: pushImage("a/b", image(false, layers(25, testreg.Uncompressed, false, 1)...)), final: "localhost:5000/app:dev"},
		{name: "gzip-stdlib", push: pushImage("std", image(false, layers(30, testreg.GzipStdlib, false, 2)...)), final: "docker.io/nginx:1.25"},
		{name: "duplicates-and-empty", push: pushImage("dup", image(false, dupA, empty, other, dupA, empty, dupPlain)), final: "dup:1"},
		{name: "plain-labelled-gzip", push: pushImage("mislabelled", image(false, layers(40, testreg.PlainLabelledGzip, false, 2)...)), final: "index.docker.io/library/mis:x"},
		{name: "multi-member-gzip", push: pushImage("multi", image(true, layers(50, testreg.GzipMultiMember, true, 2)...)), final: "quay.io/org/multi:2"},
		{name: "xz", push: pushImage("xz", image(false, layers(60, testreg.Xz, false, 1)...)), final: "xz:latest"},
		{name: "bzip2", push: pushImage("bz", image(false, bzip2Layer())), final: "bz:latest"},
		{name: "odd-config", push: pushImage("odd", odd), final: "odd:odd"},
		{name: "diff-ids-wrong", push: pushImage("wrong", wrong), final: "wrong:1"},
		{name: "diff-ids-missing", push: pushImage("short", short), final: "short:1"},
		{name: "no-layers", push: pushImage("none", image(false)), final: "none:1"},
		{name: "empty-blob", push: pushImage("emptyblob", image(true, testreg.Layer{MediaType: types.OCIUncompressedLayer}, layers(75, testreg.Gzip, true, 1)[0])), final: "eb:1"},
		{name: "gzip-trailing-zeros", push: pushImage("trail", image(false, trailing(layers(80, testreg.GzipStdlib, false, 1)[0]))), final: "trail:1", skopeoFail: true},
		{name: "docker-manifest-oci-config", push: pushImage("mix1", edited(image(false, layers(85, testreg.Gzip, false, 1)...),
			func(im *testreg.Image) { im.ConfigMediaType = types.OCIConfigJSON })), final: "mix:1"},
		{name: "docker-manifest-oci-layers", push: pushImage("mix2", edited(image(false, layers(86, testreg.Gzip, true, 1)...),
			nil)), final: "mix:2", skopeoFail: true},
		{name: "oci-manifest-docker-config", push: pushImage("mix3", edited(image(true, layers(87, testreg.Gzip, true, 1)...),
			func(im *testreg.Image) { im.ConfigMediaType = types.DockerConfigJSON })), final: "mix:3", skopeoFail: true},
		{name: "oci-manifest-docker-layers", push: pushImage("mix4", edited(image(true, layers(88, testreg.Gzip, false, 1)...),
			nil)), final: "mix:4", skopeoFail: true},
		{name: "single-layer", push: pushImage("one", image(true, layers(70, testreg.Gzip, true, 1)...)), final: "one:1"},
		{name: "index-amd64", push: pushIndex("multi/oci", ix, 0), final: "multi/oci:latest", arch: "amd64"},
		{name: "index-arm64", push: pushIndex("multi/oci", ix, 1), final: "multi/oci:latest", arch: "arm64"},
		{name: "index-armv7", push: pushIndex("multi/oci", ix, 2), final: "multi/oci:latest", arch: "arm", variant: "v7"},
		{name: "index-armv6", push: pushIndex("multi/oci", ix, 3), final: "multi/oci:latest", arch: "arm", variant: "v6"},
		{name: "index-arm-default", push: pushIndex("multi/oci", ix, 2), final: "multi/oci:latest", arch: "arm"},
		{name: "list-arm64", push: pushIndex("multi/docker", dl, 1), final: "ghcr.io/m/d:latest", arch: "arm64"},
	}
}

// TestAgainstSkopeo compares our archive, byte for byte, with the one
// Debian's skopeo writes for every fixture it can copy.
func TestAgainstSkopeo(t *testing.T) {
	oracle.Require(t, "skopeo")
	r := testreg.Start(t)
	ctx := context.Background()
	dir := t.TempDir()
	for _, f := range fixtures() {
		t.Run(f.name, func(t *testing.T) {
			src, ours := f.push(t, r)
			arch := f.arch
			if arch == "" {
				arch = "amd64"
			}
			path := filepath.Join(dir, f.name+".tar")
			err := oracle.SkopeoCopy(ctx, src, path, f.final, "linux", arch, f.variant)
			nameTag := strings.LastIndex(f.final, ":")
			img := remoteImage(t, src, ours)
			if f.skopeoFail {
				// skopeo refuses it, and so must we (a hash for an
				// archive Nix can never build is useless).
				if err == nil {
					t.Fatal("skopeo copied it")
				}
				h, ourErr := Hash(ctx, img, f.final[:nameTag], f.final[nameTag+1:])
				if ourErr == nil {
					t.Fatalf("skopeo failed (%v) but we hashed it as %s", err, h)
				}
				t.Logf("skopeo: %v\nours: %v", err, ourErr)
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			var got bytes.Buffer
			if err := Write(ctx, &got, img, f.final[:nameTag], f.final[nameTag+1:]); err != nil {
				t.Fatal(err)
			}
			compareArchives(t, got.Bytes(), want)

			wantSRI := sri(want)
			for _, o := range [][]Option{
				{WithRanger(RemoteRanger(mustRepo(t, src), http.DefaultTransport))},
				nil,
				{withoutPrediction()},
			} {
				h, err := Hash(ctx, img, f.final[:nameTag], f.final[nameTag+1:], o...)
				if err != nil {
					t.Fatal(err)
				}
				if h != wantSRI {
					t.Errorf("Hash with %d options = %s, want %s", len(o), h, wantSRI)
				}
			}
		})
	}
}

// remoteImage opens manifest d in the repository of src.
func remoteImage(t *testing.T, src string, d v1.Hash) v1.Image {
	t.Helper()
	img, err := remote.Image(mustRepo(t, src).Digest(d.String()))
	if err != nil {
		t.Fatal(err)
	}
	return img
}

func mustRepo(t *testing.T, ref string) name.Repository {
	t.Helper()
	rf, err := name.ParseReference(ref)
	if err != nil {
		t.Fatal(err)
	}
	return rf.Context()
}

func sri(b []byte) string {
	sum := sha256.Sum256(b)
	return "sha256-" + base64.StdEncoding.EncodeToString(sum[:])
}

// compareArchives fails with the first differing offset and the tar
// entries of both sides.
func compareArchives(t *testing.T, got, want []byte) {
	t.Helper()
	if bytes.Equal(got, want) {
		return
	}
	off := 0
	for off < len(got) && off < len(want) && got[off] == want[off] {
		off++
	}
	lo, hi := max(0, off-32), off+32
	t.Errorf("archives differ at offset %d (ours %d bytes, skopeo %d bytes)\nours:   %q\nskopeo: %q\nours:\n%s\nskopeo:\n%s",
		off, len(got), len(want), got[lo:min(hi, len(got))], want[lo:min(hi, len(want))], listTar(got), listTar(want))
}

func listTar(b []byte) string {
	var sb strings.Builder
	tr := tar.NewReader(bytes.NewReader(b))
	for {
		h, err := tr.Next()
		if err != nil {
			if !errors.Is(err, io.EOF) {
				fmt.Fprintf(&sb, "  error: %v\n", err)
			}
			break
		}
		content := ""
		if h.Size < 400 && !strings.HasSuffix(h.Name, ".tar") {
			c, _ := io.ReadAll(tr)
			content = string(c)
		}
		fmt.Fprintf(&sb, "  %c %o %d %s %s %s\n", h.Typeflag, h.Mode, h.Size, h.Name, h.Linkname, content)
	}
	return sb.String()
}
