package dockerarchive

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-containerregistry/pkg/authn"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"github.com/google/go-containerregistry/pkg/v1/types"

	"github.com/uptix-dev/uptix/internal/testreg"
)

func TestNormalizeName(t *testing.T) {
	for in, want := range map[string]string{
		"nginx":                "docker.io/library/nginx",
		"library/foo":          "docker.io/library/foo",
		"foo/bar":              "docker.io/foo/bar",
		"docker.io/nginx":      "docker.io/library/nginx",
		"index.docker.io/x/y":  "docker.io/x/y",
		"ghcr.io/x/y":          "ghcr.io/x/y",
		"localhost:5000/app":   "localhost:5000/app",
		"localhost/app":        "localhost/app",
		"127.0.0.1:5000/a/b/c": "127.0.0.1:5000/a/b/c",
		"koenkk/zigbee2mqtt":   "docker.io/koenkk/zigbee2mqtt",
		"my_org/a.b-c__d":      "docker.io/my_org/a.b-c__d",
	} {
		got, err := NormalizeName(in)
		if err != nil || got != want {
			t.Errorf("NormalizeName(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	hex64 := "abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789"
	for _, in := range []string{"Nginx", "ghcr.io/X/y", "a//b", "", "-a", hex64} {
		if got, err := NormalizeName(in); err == nil {
			t.Errorf("NormalizeName(%q) = %q, want an error", in, got)
		}
	}
}

// TestZstd checks zstd layers, which Debian's skopeo cannot copy,
// against the spec: layer names come from decompressed content, so the
// archive equals that of the same image with gzip layers.
func TestZstd(t *testing.T) {
	r := testreg.Start(t)
	ctx := context.Background()
	var zs, gz []testreg.Layer
	for i := range 3 {
		tarball := testreg.Tar(900+uint64(i), 3, 4000, 50)
		zs = append(zs, testreg.MustLayer(tarball, testreg.Zstd, true))
		gz = append(gz, testreg.MustLayer(tarball, testreg.Gzip, true))
	}
	// Two zstd frames: the first frame's content size is a wrong
	// prediction for the whole layer, so the hash must rewind.
	half := len(gz[2].Tar) / 2
	f1, _ := testreg.Compress(gz[2].Tar[:half], testreg.Zstd)
	f2, _ := testreg.Compress(gz[2].Tar[half:], testreg.Zstd)
	frames := testreg.Layer{Tar: gz[2].Tar, Blob: append(f1, f2...), MediaType: types.OCILayerZStd}
	mixed := []testreg.Layer{zs[0], gz[1], frames}
	cfg := testreg.OddConfig(gz, "amd64")
	want := archiveOf(t, ctx, r, "gz", testreg.MustImage(testreg.ImageSpec{OCI: true, Layers: gz, RawConfig: cfg}))
	for name, ls := range map[string][]testreg.Layer{"zstd": zs, "mixed": mixed} {
		img := testreg.MustImage(testreg.ImageSpec{OCI: true, Layers: ls, RawConfig: cfg})
		got := archiveOf(t, ctx, r, name, img)
		compareArchives(t, got, want)
		h, err := Hash(ctx, remoteImage(t, r.Ref(name, "x"), img.Digest()), "app", "1",
			WithRanger(RemoteRanger(mustRepo(t, r.Ref(name, "x")), http.DefaultTransport)))
		if err != nil {
			t.Fatal(err)
		}
		if h != sri(want) {
			t.Errorf("%s: Hash = %s, want %s", name, h, sri(want))
		}
	}
	if zstdFrameSize(zs[0].Blob[:32]) != int64(len(zs[0].Tar)) {
		t.Errorf("zstd frame size = %d, want %d", zstdFrameSize(zs[0].Blob[:32]), len(zs[0].Tar))
	}
}

func archiveOf(t *testing.T, ctx context.Context, r *testreg.Registry, repo string, im *testreg.Image) []byte {
	t.Helper()
	d := r.MustPushImage(t, repo, "x", im)
	var buf bytes.Buffer
	if err := Write(ctx, &buf, remoteImage(t, r.Ref(repo, "x"), d), "app", "1"); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// TestSingleRead checks that with a Ranger every layer blob is read once
// (plus one small ranged read per gzip layer), and that without one each
// compressed layer is read twice.
func TestSingleRead(t *testing.T) {
	r := testreg.Start(t)
	ctx := context.Background()
	ls := []testreg.Layer{
		testreg.MustLayer(testreg.Tar(1, 2, 9000, 50), testreg.Gzip, false),
		testreg.MustLayer(testreg.Tar(2, 2, 9000, 50), testreg.Uncompressed, false),
		testreg.MustLayer(testreg.Tar(3, 2, 9000, 50), testreg.GzipStdlib, false),
	}
	im := testreg.MustImage(testreg.ImageSpec{Layers: ls})
	d := r.MustPushImage(t, "once", "x", im)
	src := r.Ref("once", d.String())

	var progress atomic.Int64
	r.Reset()
	img := remoteImage(t, src, d)
	h1, err := Hash(ctx, img, "once", "x", WithRanger(RemoteRanger(mustRepo(t, src), http.DefaultTransport)),
		WithProgress(func(n int64) { progress.Add(n) }))
	if err != nil {
		t.Fatal(err)
	}
	c := r.Counts("once")
	// config + 3 layers + 2 ranged reads of gzip trailers
	if c.BlobGET != 6 || c.BlobRangeGET != 2 {
		t.Errorf("with a ranger: %d blob GETs (%d ranged), want 6 (2 ranged)", c.BlobGET, c.BlobRangeGET)
	}
	var total int64
	for _, l := range ls {
		total += int64(len(l.Blob))
	}
	if progress.Load() != total {
		t.Errorf("progress counted %d bytes, want %d", progress.Load(), total)
	}

	r.Reset()
	h2, err := Hash(ctx, remoteImage(t, src, d), "once", "x")
	if err != nil {
		t.Fatal(err)
	}
	if c := r.Counts("once"); c.BlobGET != 6 || c.BlobRangeGET != 0 {
		t.Errorf("without a ranger: %d blob GETs (%d ranged), want 6 (config, plain layer once, gzip layers twice)", c.BlobGET, c.BlobRangeGET)
	}
	if h1 != h2 {
		t.Errorf("hashes differ: %s and %s", h1, h2)
	}
}

// TestFaults checks that damaged blobs give clear errors, not hangs.
func TestFaults(t *testing.T) {
	r := testreg.Start(t)
	im := testreg.Simple(4, 2, testreg.Gzip, false)
	d := r.MustPushImage(t, "faulty", "x", im)
	src := r.Ref("faulty", d.String())
	for _, tc := range []struct {
		kind testreg.FaultKind
		want string
	}{
		{testreg.Truncate, "unexpected EOF"},
		{testreg.Corrupt, "checksum"},
	} {
		r.ClearFaults()
		r.Inject(testreg.Fault{Kind: tc.kind, Match: func(rq testreg.Request) bool {
			return rq.Kind == testreg.KindBlob && rq.Ref == im.Layers[1].Digest().String()
		}})
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		_, err := Hash(ctx, remoteImage(t, src, d), "faulty", "x", WithVerifiedBlobs(),
			WithRanger(RemoteRanger(mustRepo(t, src), http.DefaultTransport)))
		cancel()
		t.Logf("fault %d: %v", tc.kind, err)
		if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), "layer 1") {
			t.Errorf("fault %d: error %v, want one naming layer 1 and %q", tc.kind, err, tc.want)
		}
	}
	r.ClearFaults()

	// A v1.Image whose layer bytes do not match their digest is caught
	// by our own check too.
	bad := &fakeImage{im: im, damage: true}
	_, err := Hash(context.Background(), bad, "x", "y")
	t.Logf("damaged in-memory layer: %v", err)
	if !errors.Is(err, ErrDigest) {
		t.Errorf("damaged in-memory layer: %v, want ErrDigest", err)
	}
	if h, err := Hash(context.Background(), &fakeImage{im: im}, "x", "y"); err != nil || !strings.HasPrefix(h, "sha256-") {
		t.Errorf("in-memory image: %q, %v", h, err)
	}

	// A blob that stops half way: the context's deadline ends it, even
	// though the image was opened without a context.
	r.Inject(testreg.Fault{Kind: testreg.Stall, Match: testreg.Blobs("faulty")})
	ctx, cancel := context.WithTimeout(context.Background(), 500*time.Millisecond)
	start := time.Now()
	_, err = Hash(ctx, remoteImage(t, src, d), "faulty", "x")
	cancel()
	if !errors.Is(err, context.DeadlineExceeded) || time.Since(start) > 5*time.Second {
		t.Errorf("stalled blob: %v after %v, want the deadline error promptly", err, time.Since(start))
	}
	r.ClearFaults()

	// A registry that went away.
	r2 := testreg.Start(t)
	d2 := r2.MustPushImage(t, "gone", "x", im)
	img := remoteImage(t, r2.Ref("gone", d2.String()), d2)
	r2.Close()
	ctx, cancel = context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if _, err := Hash(ctx, img, "gone", "x"); err == nil || !strings.Contains(err.Error(), "connect") {
		t.Errorf("registry down: %v, want a connection error", err)
	}
}

// TestRefuse checks the images pullImage cannot build are refused.
func TestRefuse(t *testing.T) {
	im := testreg.Simple(5, 1, testreg.Gzip, true)
	for _, tc := range []struct {
		name  string
		edit  func(*testreg.Image)
		want  error
		words string
	}{
		{"schema1", func(im *testreg.Image) { im.ManifestMediaType = types.DockerManifestSchema1Signed }, ErrSchema1, "schema 1"},
		{"foreign", func(im *testreg.Image) {
			im.Layers[0].MediaType = types.DockerForeignLayer
			im.Layers[0].URLs = []string{"https://example.com/l"}
		}, ErrForeignLayer, "foreign"},
		{"nondistributable", func(im *testreg.Image) { im.Layers[0].MediaType = types.OCIRestrictedLayer }, ErrForeignLayer, "non-distributable"},
		{"encrypted", func(im *testreg.Image) {
			im.Layers[0].MediaType = "application/vnd.oci.image.layer.v1.tar+gzip+encrypted"
		}, ErrEncrypted, "encrypted"},
		{"artifact", func(im *testreg.Image) { im.ConfigMediaType = "application/vnd.cncf.helm.config.v1+json" }, ErrNotImage, "artifact"},
		{"in-toto layer", func(im *testreg.Image) { im.Layers[0].MediaType = "application/vnd.in-toto+json" }, ErrNotImage, "in-toto"},
		{"docker config in OCI", func(im *testreg.Image) { im.ConfigMediaType = types.DockerConfigJSON }, ErrMediaType, "OCI manifest"},
		{"docker layer in OCI", func(im *testreg.Image) { im.Layers[0].MediaType = types.DockerLayer }, ErrMediaType, "Docker media type"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := *im
			c.Layers = append([]testreg.Layer(nil), im.Layers...)
			tc.edit(&c)
			if err := c.Seal(); err != nil {
				t.Fatal(err)
			}
			_, err := Hash(context.Background(), &fakeImage{im: &c}, "x", "y")
			if !errors.Is(err, tc.want) || !strings.Contains(err.Error(), tc.words) {
				t.Errorf("error %v, want %v mentioning %q", err, tc.want, tc.words)
			}
		})
	}
	ix := *im
	ix.ManifestMediaType = types.OCIImageIndex
	if _, err := Hash(context.Background(), &fakeImage{im: &ix}, "x", "y"); !errors.Is(err, ErrNotImage) || !strings.Contains(err.Error(), "index") {
		t.Errorf("an index: %v, want ErrNotImage mentioning the index", err)
	}
	if _, err := Hash(context.Background(), &fakeImage{im: im}, "Bad Name", "y"); err == nil {
		t.Error("an invalid final name was accepted")
	}
	if _, err := Hash(context.Background(), &fakeImage{im: im}, "x", "bad:tag"); err == nil {
		t.Error("an invalid final tag was accepted")
	}
}

// fakeImage serves a testreg.Image from memory, optionally with a
// damaged layer.
type fakeImage struct {
	v1.Image
	im     *testreg.Image
	damage bool
}

func (f *fakeImage) MediaType() (types.MediaType, error) { return f.im.MediaType(), nil }
func (f *fakeImage) RawManifest() ([]byte, error)        { return f.im.Manifest, nil }
func (f *fakeImage) RawConfigFile() ([]byte, error)      { return f.im.Config, nil }
func (f *fakeImage) Manifest() (*v1.Manifest, error) {
	return v1.ParseManifest(bytes.NewReader(f.im.Manifest))
}

func (f *fakeImage) LayerByDigest(h v1.Hash) (v1.Layer, error) {
	for _, l := range f.im.Layers {
		if l.Digest() == h {
			b := l.Blob
			if f.damage {
				b = append([]byte(nil), b...)
				b[len(b)/2] ^= 1
			}
			return &fakeLayer{blob: b}, nil
		}
	}
	return nil, errors.New("no such layer")
}

type fakeLayer struct {
	v1.Layer
	blob []byte
}

func (l *fakeLayer) Compressed() (io.ReadCloser, error) {
	return io.NopCloser(bytes.NewReader(l.blob)), nil
}

// TestAuthRanger hashes an image from a registry that wants basic
// credentials, with ranged reads through the authenticating transport.
func TestAuthRanger(t *testing.T) {
	r := testreg.Start(t)
	ctx := context.Background()
	im := testreg.Simple(8, 3, testreg.Gzip, false)
	d := r.MustPushImage(t, "private/app", "x", im)
	r.RequireAuth("bob", "hunter2")
	repo := mustRepo(t, r.Ref("private/app", "x"))
	auth := &authn.Basic{Username: "bob", Password: "hunter2"}
	img, err := remote.Image(repo.Digest(d.String()), remote.WithAuth(auth))
	if err != nil {
		t.Fatal(err)
	}
	rg, err := NewRemoteRanger(ctx, repo, auth, nil)
	if err != nil {
		t.Fatal(err)
	}
	r.Reset()
	got, err := Hash(ctx, img, "app", "x", WithRanger(rg))
	if err != nil {
		t.Fatal(err)
	}
	c := r.Counts("private/app")
	if c.BlobRangeGET != 3 || c.BlobGET != 3+1+3 {
		t.Errorf("blob GETs %d (ranged %d), want 7 (3 ranged)", c.BlobGET, c.BlobRangeGET)
	}
	for _, rq := range r.Requests() {
		if rq.Range != "" && rq.Status != http.StatusPartialContent {
			t.Errorf("ranged request %s answered %d", rq.Path, rq.Status)
		}
	}
	var buf bytes.Buffer
	if err := Write(ctx, &buf, img, "app", "x"); err != nil {
		t.Fatal(err)
	}
	if want := sri(buf.Bytes()); got != want {
		t.Errorf("Hash = %s, Write's bytes hash to %s", got, want)
	}
	anon, err := NewRemoteRanger(ctx, repo, authn.Anonymous, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := anon.Tail(ctx, im.Layers[0].Digest(), int64(len(im.Layers[0].Blob)), 4); err == nil || !strings.Contains(err.Error(), "401") {
		t.Errorf("anonymous ranged read from a registry that wants credentials: %v, want status 401", err)
	}
}

func TestGzipSize(t *testing.T) {
	for _, tc := range []struct {
		isize      uint32
		compressed int64
		want       int64
	}{
		{100, 123, 100},                   // tiny, incompressible
		{5 << 20, 2 << 20, 5 << 20},       // ordinary
		{1 << 30, 2 << 30, 1<<30 + 1<<32}, // 5 GiB that compressed to 2 GiB
		{100, 5<<32 + 2<<20, 100 + 5<<32}, // 20 GiB of random data
		{1 << 30, 1 << 30, 1 << 30},       // stored as is
	} {
		tail := []byte{byte(tc.isize), byte(tc.isize >> 8), byte(tc.isize >> 16), byte(tc.isize >> 24)}
		d := v1.Descriptor{Digest: v1.Hash{Algorithm: "sha256", Hex: "00"}, Size: tc.compressed}
		a := &archive{ctx: context.Background(), opts: options{ranger: fixedTail(tail)}}
		if got := a.gzipSize(d); got != tc.want {
			t.Errorf("ISIZE %d, compressed %d: predicted %d, want %d", tc.isize, tc.compressed, got, tc.want)
		}
	}
}

type fixedTail []byte

func (f fixedTail) Tail(context.Context, v1.Hash, int64, int) ([]byte, error) { return f, nil }
