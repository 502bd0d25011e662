package testreg_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/google/go-containerregistry/pkg/authn"
	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"github.com/google/go-containerregistry/pkg/v1/remote/transport"

	"github.com/uptix-dev/uptix/internal/testreg"
)

func TestPushAndFetch(t *testing.T) {
	r := testreg.Start(t)
	im := testreg.Simple(1, 2, testreg.Gzip, false)
	d := r.MustPushImage(t, "library/app", "1.0", im)

	ref, err := name.ParseReference(r.Ref("library/app", "1.0"))
	if err != nil {
		t.Fatal(err)
	}
	desc, err := remote.Head(ref)
	if err != nil {
		t.Fatal(err)
	}
	if desc.Digest != d {
		t.Errorf("HEAD digest = %s, want %s", desc.Digest, d)
	}
	c := r.Counts("library/app")
	if c.ManifestHEAD != 1 || c.ManifestGET != 0 || c.BlobGET != 0 {
		t.Errorf("counts after HEAD = %+v, want one manifest HEAD only", c)
	}

	img, err := remote.Image(ref)
	if err != nil {
		t.Fatal(err)
	}
	layers, _ := img.Layers()
	if len(layers) != 2 {
		t.Fatalf("got %d layers, want 2", len(layers))
	}
	for i, l := range layers {
		rc, err := l.Uncompressed()
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(rc)
		rc.Close()
		if !bytes.Equal(b, im.Layers[i].Tar) {
			t.Errorf("layer %d content differs", i)
		}
	}
	cf, err := img.ConfigFile()
	if err != nil {
		t.Fatal(err)
	}
	if got := cf.Config.Labels["org.opencontainers.image.version"]; got != "1.1.0" {
		t.Errorf("version label = %q", got)
	}
	if c := r.Counts("library/app"); c.BlobGET != 3 {
		t.Errorf("blob GETs = %d, want 3 (config + 2 layers)", c.BlobGET)
	}
	if c := r.Counts("other/repo"); c != (testreg.Counts{}) {
		t.Errorf("counts for another repo = %+v", c)
	}
}

func TestDeterministic(t *testing.T) {
	a := testreg.MultiPlatform(3, true)
	b := testreg.MultiPlatform(3, true)
	if a.Digest() != b.Digest() {
		t.Errorf("same seed gave %s and %s", a.Digest(), b.Digest())
	}
	if c := testreg.MultiPlatform(4, true); c.Digest() == a.Digest() {
		t.Error("different seeds gave the same index")
	}
	for _, c := range []testreg.Compression{testreg.Gzip, testreg.GzipMultiMember, testreg.Zstd, testreg.Xz} {
		l1 := testreg.MustLayer(testreg.Tar(9, 2, 5000, 50), c, true)
		l2 := testreg.MustLayer(testreg.Tar(9, 2, 5000, 50), c, true)
		if l1.Digest() != l2.Digest() {
			t.Errorf("%v: blobs differ between runs", c)
		}
	}
}

func TestIndex(t *testing.T) {
	r := testreg.Start(t)
	ix := testreg.MultiPlatform(1, true)
	d := r.MustPushIndex(t, "multi", "latest", ix)
	ref, _ := name.ParseReference(r.Ref("multi", "latest"))
	idx, err := remote.Index(ref)
	if err != nil {
		t.Fatal(err)
	}
	m, err := idx.IndexManifest()
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := idx.Digest(); got != d {
		t.Errorf("index digest %s, want %s", got, d)
	}
	var plats []string
	for _, e := range m.Manifests {
		if e.Platform == nil {
			plats = append(plats, "none")
			continue
		}
		plats = append(plats, e.Platform.String())
	}
	want := "linux/amd64 linux/arm64/v8 linux/arm/v7 linux/arm/v6 none unknown/unknown"
	if got := strings.Join(plats, " "); got != want {
		t.Errorf("platforms = %q, want %q", got, want)
	}
	img, err := idx.Image(m.Manifests[2].Digest)
	if err != nil {
		t.Fatal(err)
	}
	cf, err := img.ConfigFile()
	if err != nil {
		t.Fatal(err)
	}
	if cf.Architecture != "arm" || cf.Variant != "v7" {
		t.Errorf("arm/v7 entry's config says %s/%s", cf.Architecture, cf.Variant)
	}
}

func TestFaults(t *testing.T) {
	r := testreg.Start(t)
	im := testreg.Simple(2, 1, testreg.Gzip, true)
	r.MustPushImage(t, "f", "t", im)
	blobURL := r.URL + "/v2/f/blobs/" + im.Layers[0].Digest().String()

	r.Inject(testreg.Fault{Kind: testreg.TooMany, Count: 1, RetryAfter: 2 * time.Second, Match: testreg.Blobs("f")})
	res := get(t, blobURL)
	if res.StatusCode != 429 || res.Header.Get("Retry-After") != "2" {
		t.Errorf("first GET: %d Retry-After %q, want 429 and 2", res.StatusCode, res.Header.Get("Retry-After"))
	}
	if res := get(t, blobURL); res.StatusCode != 200 {
		t.Errorf("second GET: %d, want 200", res.StatusCode)
	}

	r.Inject(testreg.Fault{Kind: testreg.Truncate, Count: 1, Match: testreg.Blobs("")})
	res = get(t, blobURL)
	if _, err := io.ReadAll(res.Body); !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Errorf("truncated body read: %v, want unexpected EOF", err)
	}

	r.Inject(testreg.Fault{Kind: testreg.Corrupt, Count: 1, Match: testreg.Blobs("")})
	res = get(t, blobURL)
	b, err := io.ReadAll(res.Body)
	if err != nil || len(b) != len(im.Layers[0].Blob) || bytes.Equal(b, im.Layers[0].Blob) {
		t.Errorf("corrupt body: err %v, len %d, equal %v", err, len(b), bytes.Equal(b, im.Layers[0].Blob))
	}

	r.Inject(testreg.Fault{Kind: testreg.ServerError, Count: 1})
	if res := get(t, blobURL); res.StatusCode != 500 {
		t.Errorf("server error fault: %d", res.StatusCode)
	}
	if res := get(t, blobURL); res.StatusCode != 200 {
		t.Errorf("after faults: %d", res.StatusCode)
	}
}

func TestAuth(t *testing.T) {
	r := testreg.Start(t)
	r.MustPushImage(t, "private/app", "v1", testreg.Simple(5, 1, testreg.Uncompressed, false))
	r.RequireAuth("alice", "s3cret")
	ref, _ := name.ParseReference(r.Ref("private/app", "v1"))

	_, err := remote.Head(ref)
	var terr *transport.Error
	if !errors.As(err, &terr) || terr.StatusCode != http.StatusUnauthorized {
		t.Fatalf("anonymous HEAD: %v, want 401", err)
	}
	auth := remote.WithAuth(&authn.Basic{Username: "alice", Password: "s3cret"})
	if _, err := remote.Head(ref, auth); err != nil {
		t.Fatalf("HEAD with credentials: %v", err)
	}
}

func TestServe(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	ready := make(chan *testreg.Registry, 1)
	go func() {
		done <- testreg.Serve(ctx, "127.0.0.1:0", func(r *testreg.Registry) error {
			_, err := r.PushImage("library/nginx", "1.25", testreg.Simple(7, 1, testreg.Gzip, false))
			ready <- r
			return err
		})
	}()
	r := <-ready
	ref, _ := name.ParseReference(r.Ref("library/nginx", "1.25"))
	if _, err := remote.Head(ref); err != nil {
		t.Fatal(err)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}

func get(t *testing.T, url string) *http.Response {
	t.Helper()
	res, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { res.Body.Close() })
	return res
}

func TestStall(t *testing.T) {
	r := testreg.Start(t)
	im := testreg.Simple(3, 1, testreg.Gzip, true)
	r.MustPushImage(t, "s", "t", im)
	r.Inject(testreg.Fault{Kind: testreg.Stall, Count: 1, Match: testreg.Blobs("s")})
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, r.URL+"/v2/s/blobs/"+im.Layers[0].Digest().String(), nil)
	start := time.Now()
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err == nil || len(b) != len(im.Layers[0].Blob)/2 {
		t.Errorf("stalled read: %d bytes, %v; want half the blob and an error", len(b), err)
	}
	if d := time.Since(start); d < 250*time.Millisecond || d > 5*time.Second {
		t.Errorf("stall lasted %v, want about the 300ms timeout", d)
	}
}
