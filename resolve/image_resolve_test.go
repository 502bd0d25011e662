package resolve

import (
	"context"
	"encoding/json"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/types"

	"github.com/uptix-dev/uptix/internal/oracle"
	"github.com/uptix-dev/uptix/internal/testreg"
)

// skopeoHash is the oracle: skopeo's archive for src tagged nameTag on
// os/arch, hashed by nix.
func skopeoHash(t *testing.T, src, nameTag, arch, variant string) string {
	t.Helper()
	ctx := context.Background()
	archive := filepath.Join(t.TempDir(), "image.tar")
	if err := oracle.SkopeoCopy(ctx, src, archive, nameTag, "linux", arch, variant); err != nil {
		t.Fatal(err)
	}
	sri, err := oracle.NixHashFile(ctx, archive)
	if err != nil {
		t.Fatal(err)
	}
	return sri
}

func TestResolveImageSingle(t *testing.T) {
	reg := testreg.Start(t)
	img := testreg.Simple(7, 3, testreg.Gzip, false)
	d := reg.MustPushImage(t, "team/app", "1.7", img)
	r, _ := newTestResolver(t)
	ref := reg.Ref("team/app", "1.7")

	res, err := r.ResolveImage(context.Background(), ref, nil)
	if err != nil {
		t.Fatal(err)
	}
	if res.Ref != ref || res.Registry != reg.Host || res.Name != reg.Host+"/team/app" || res.Tag != "1.7" ||
		res.FinalName != reg.Host+"/team/app" || res.FinalTag != "1.7" || res.Digest != d.String() {
		t.Errorf("result = %+v", res)
	}
	if res.Version != "1.7.0" || !res.Created.Equal(testreg.Epoch) {
		t.Errorf("version %q created %v; want the label 1.7.0 and %v", res.Version, res.Created, testreg.Epoch)
	}
	if len(res.Platforms) != 1 || res.Platforms[0].Platform != DefaultPlatform || res.Platforms[0].ManifestDigest != d.String() {
		t.Fatalf("platforms = %+v", res.Platforms)
	}

	oracle.Require(t, "skopeo", "nix")
	want := skopeoHash(t, reg.Ref("team/app", d.String()), res.FinalName+":"+res.FinalTag, "amd64", "")
	if got := res.Platforms[0].SHA256; got != want {
		t.Errorf("SHA256 = %s, skopeo + nix hash file say %s", got, want)
	}
}

// multiFixture pushes testreg.MultiPlatform and returns its index and
// the digests of its entries, in order.
func multiFixture(t *testing.T, reg *testreg.Registry, repo, tag string, oci bool) (*testreg.Index, []string) {
	ix := testreg.MultiPlatform(3, oci)
	reg.MustPushIndex(t, repo, tag, ix)
	var ds []string
	for _, e := range ix.Entries {
		ds = append(ds, e.Image.Digest().String())
	}
	return ix, ds
}

func TestResolveImagePlatforms(t *testing.T) {
	reg := testreg.Start(t)
	ix, ds := multiFixture(t, reg, "multi", "v3", true)
	r, _ := newTestResolver(t)
	plats := []Platform{
		{"linux", "arm64", ""},   // the v8 entry
		{"linux", "amd64", ""},   // exact
		{"linux", "arm", ""},     // "", v8, v7: the v7 entry
		{"linux", "arm", "v6"},   // v6 exactly
		{"linux", "s390x", ""},   // no match: the entry without platform
		{"linux", "riscv64", ""}, // likewise
		{"linux", "arm", "v7"},   // v7 exactly
	}
	res, err := r.ResolveImage(context.Background(), reg.Ref("multi", "v3"), plats)
	if err != nil {
		t.Fatal(err)
	}
	if res.Digest != ix.Digest().String() {
		t.Errorf("Digest = %s, want the index digest %s", res.Digest, ix.Digest())
	}
	wantEntry := []int{1, 0, 2, 3, 4, 4, 2}
	// What the chosen configs say, and whether a build from the index
	// digest without variant would pick another manifest.
	wantImage := []string{"linux/arm64/v8", "linux/amd64", "linux/arm/v7", "linux/arm/v6", "linux/s390x", "linux/s390x", "linux/arm/v7"}
	wantPin := []bool{false, false, false, true, false, false, false}
	for i, pr := range res.Platforms {
		if pr.Platform != plats[i] || pr.ManifestDigest != ds[wantEntry[i]] {
			t.Errorf("platform %s: manifest %s, want entry %d (%s)", plats[i], pr.ManifestDigest, wantEntry[i], ds[wantEntry[i]])
		}
		if !strings.HasPrefix(pr.SHA256, "sha256-") || len(pr.SHA256) != 51 {
			t.Errorf("platform %s: SHA256 %q", plats[i], pr.SHA256)
		}
		if pr.ImagePlatform.String() != wantImage[i] || pr.NeedsManifestPin != wantPin[i] {
			t.Errorf("platform %s: image platform %s, pin %v; want %s, %v", plats[i], pr.ImagePlatform, pr.NeedsManifestPin, wantImage[i], wantPin[i])
		}
	}
	// The entry without platform is hashed once for both platforms.
	if res.Platforms[4].SHA256 != res.Platforms[5].SHA256 || res.Platforms[0].SHA256 == res.Platforms[1].SHA256 {
		t.Errorf("hashes: %+v", res.Platforms)
	}
	// Metadata is the primary platform's (arm64), never the attestation's.
	if res.Version != "2.0.arm64v8" {
		t.Errorf("Version = %q, want the arm64 entry's label", res.Version)
	}

	// Default platform: amd64.
	res, err = r.ResolveImage(context.Background(), reg.Ref("multi", "v3"), nil)
	if err != nil {
		t.Fatal(err)
	}
	if res.Platforms[0].ManifestDigest != ds[0] || res.Version != "2.0.amd64" {
		t.Errorf("default platform: %+v", res)
	}

	oracle.Require(t, "skopeo", "nix")
	for i, p := range plats[:4] {
		r2, _ := newTestResolver(t)
		res, err := r2.ResolveImage(context.Background(), reg.Ref("multi", "v3"), []Platform{p})
		if err != nil {
			t.Fatal(err)
		}
		got := res.Platforms[0].SHA256
		want := skopeoHash(t, reg.Ref("multi", ix.Digest().String()), res.FinalName+":"+res.FinalTag, p.Architecture, p.Variant)
		if got != want {
			t.Errorf("platform %d %s: SHA256 %s, skopeo says %s", i, p, got, want)
		}
	}
}

func TestResolveImageDockerList(t *testing.T) {
	reg := testreg.Start(t)
	ix := testreg.NewIndex(false,
		testreg.IndexEntry{Image: testreg.PlatformImage(11, "linux", "arm64", "v8", false), Platform: &v1.Platform{OS: "linux", Architecture: "arm64", Variant: "v8"}},
		testreg.IndexEntry{Image: testreg.PlatformImage(12, "linux", "s390x", "", false)},
	)
	reg.MustPushIndex(t, "list", "v1", ix)
	r, _ := newTestResolver(t)
	res, err := r.ResolveImage(context.Background(), reg.Ref("list", "v1"), []Platform{{"linux", "arm64", ""}})
	if err != nil {
		t.Fatal(err)
	}
	if res.Platforms[0].ManifestDigest != ix.Entries[0].Image.Digest().String() {
		t.Errorf("arm64: %+v", res.Platforms)
	}
	// A Docker list entry without platform is never chosen.
	_, err = r.ResolveImage(context.Background(), reg.Ref("list", "v1"), nil)
	if err == nil || !strings.Contains(err.Error(), "the index has no image for platform linux/amd64 (it offers linux/arm64/v8, (no platform))") {
		t.Errorf("amd64 from a list without it: %v", err)
	}
}

func TestResolveImageZstdPreferred(t *testing.T) {
	reg := testreg.Start(t)
	gz := testreg.PlatformImage(21, "linux", "amd64", "", true)
	var zl []testreg.Layer
	for _, l := range gz.Layers {
		zl = append(zl, testreg.MustLayer(l.Tar, testreg.Zstd, true))
	}
	zs := testreg.MustImage(testreg.ImageSpec{OCI: true, Layers: zl, Config: testreg.ConfigSpec{Labels: map[string]string{versionLabel: "zstd"}}})
	amd := &v1.Platform{OS: "linux", Architecture: "amd64"}
	ix := testreg.NewIndex(true,
		testreg.IndexEntry{Image: gz, Platform: amd},
		testreg.IndexEntry{Image: zs, Platform: amd, Annotations: map[string]string{zstdAnnotation: "true"}},
	)
	reg.MustPushIndex(t, "zs", "v1", ix)
	r, _ := newTestResolver(t)
	res, err := r.ResolveImage(context.Background(), reg.Ref("zs", "v1"), nil)
	if err != nil {
		t.Fatal(err)
	}
	if res.Platforms[0].ManifestDigest != zs.Digest().String() || res.Version != "zstd" {
		t.Errorf("chose %s (version %q), want the zstd entry %s", res.Platforms[0].ManifestDigest, res.Version, zs.Digest())
	}
	// skopeo 1.22 decompresses zstd layers, so the archive equals the
	// one of the same image with gzip layers and the same config (layer
	// files are named by their uncompressed digests). Serve both as
	// Docker Hub's "same:v1" through mirrors so the final names agree;
	// the gzip twin is checked against skopeo.
	zsReg, gzReg := testreg.Start(t), testreg.Start(t)
	zsReg.MustPushImage(t, "library/same", "v1", testreg.MustImage(testreg.ImageSpec{OCI: true, Layers: zl, RawConfig: gz.Config}))
	gzReg.MustPushImage(t, "library/same", "v1", testreg.MustImage(testreg.ImageSpec{OCI: true, Layers: gz.Layers, RawConfig: gz.Config}))
	var sums []string
	for _, m := range []*testreg.Registry{zsReg, gzReg} {
		r := &Resolver{Mirrors: map[string]string{"docker.io": m.Host}}
		t.Cleanup(r.CloseIdleConnections)
		res, err := r.ResolveImage(context.Background(), "same:v1", nil)
		if err != nil {
			t.Fatal(err)
		}
		sums = append(sums, res.Platforms[0].SHA256)
	}
	if sums[0] != sums[1] {
		t.Errorf("zstd image hashes to %s, its gzip twin to %s", sums[0], sums[1])
	}
	oracle.Require(t, "skopeo", "nix")
	if want := skopeoHash(t, gzReg.Ref("library/same", "v1"), "same:v1", "amd64", ""); sums[1] != want {
		t.Errorf("gzip twin hashes to %s, skopeo says %s", sums[1], want)
	}
}

func TestResolveImageRefusals(t *testing.T) {
	reg := testreg.Start(t)
	tarball := testreg.Tar(31, 1, 500, 50)

	// Schema 1.
	s1 := []byte(`{"schemaVersion":1,"name":"old","tag":"v1","architecture":"amd64","fsLayers":[],"history":[]}`)
	if err := reg.PutManifest("old", "v1", string(types.DockerManifestSchema1), s1); err != nil {
		t.Fatal(err)
	}

	// A foreign layer.
	fl := testreg.MustLayer(tarball, testreg.Gzip, false)
	fl.MediaType = types.DockerForeignLayer
	fl.URLs = []string{"https://example.com/layer"}
	reg.MustPushImage(t, "foreign", "v1", testreg.MustImage(testreg.ImageSpec{Layers: []testreg.Layer{fl}}))

	// An encrypted layer.
	el := testreg.MustLayer(tarball, testreg.Gzip, true)
	el.MediaType = "application/vnd.oci.image.layer.v1.tar+gzip+encrypted"
	reg.MustPushImage(t, "crypt", "v1", testreg.MustImage(testreg.ImageSpec{OCI: true, Layers: []testreg.Layer{el}}))

	// An artifact (a Helm chart-like config).
	art := testreg.MustImage(testreg.ImageSpec{OCI: true, Layers: []testreg.Layer{testreg.MustLayer(tarball, testreg.Gzip, true)}})
	art.ConfigMediaType = "application/vnd.cncf.helm.config.v1+json"
	if err := art.Seal(); err != nil {
		t.Fatal(err)
	}
	reg.MustPushImage(t, "chart", "v1", art)

	// An index holding only an attestation.
	amd := testreg.PlatformImage(32, "linux", "amd64", "", true)
	att := testreg.NewIndex(true, testreg.IndexEntry{Image: testreg.Attestation(1, amd.Digest()), Platform: &v1.Platform{OS: "unknown", Architecture: "unknown"}})
	reg.MustPushIndex(t, "attest", "v1", att)

	r, _ := newTestResolver(t)
	for repo, want := range map[string]string{
		"old":     "schema 1",
		"foreign": "foreign, non-distributable layer",
		"crypt":   "is encrypted",
		"chart":   `describes an artifact (config "application/vnd.cncf.helm.config.v1+json")`,
		"attest":  "the index has no image for platform linux/amd64 (it offers unknown/unknown)",
	} {
		ref := reg.Ref(repo, "v1")
		_, err := r.ResolveImage(context.Background(), ref, nil)
		if err == nil || !strings.Contains(err.Error(), want) || !strings.HasPrefix(err.Error(), `resolving image "`+ref+`": `) {
			t.Errorf("%s: error = %v, want %q", repo, err, want)
		}
	}
}

func TestResolveImageMirror(t *testing.T) {
	origin := testreg.Start(t)
	mirror := testreg.Start(t)
	img := testreg.Simple(41, 2, testreg.Gzip, true)
	d := origin.MustPushImage(t, "team/app", "v1", img)
	mirror.MustPushImage(t, "team/app", "v1", img)
	ref := origin.Ref("team/app", "v1")

	direct, _ := newTestResolver(t)
	want, err := direct.ResolveImage(context.Background(), ref, nil)
	if err != nil {
		t.Fatal(err)
	}
	origin.Reset()

	viaMirror := &Resolver{Mirrors: map[string]string{origin.Host: mirror.Host}}
	t.Cleanup(viaMirror.CloseIdleConnections)
	got, err := viaMirror.ResolveImage(context.Background(), ref, nil)
	if err != nil {
		t.Fatal(err)
	}
	if got.Digest != d.String() || got.Platforms[0].SHA256 != want.Platforms[0].SHA256 || got.FinalName != want.FinalName || got.Registry != origin.Host {
		t.Errorf("via mirror %+v\ndirect %+v", got, want)
	}
	if n := len(origin.Requests()); n != 0 {
		t.Errorf("origin received %d requests; all should go to the mirror", n)
	}
	if c := mirror.Counts("team/app"); c.ManifestGET == 0 || c.BlobGET == 0 {
		t.Errorf("mirror requests = %+v", c)
	}

	// A mirror without the image: podman-style fallback to the origin.
	mirror2 := testreg.Start(t)
	fallback := &Resolver{Mirrors: map[string]string{origin.Host: mirror2.Host + "/prefix"}}
	t.Cleanup(fallback.CloseIdleConnections)
	got, err = fallback.ResolveImage(context.Background(), ref, nil)
	if err != nil {
		t.Fatal(err)
	}
	if got.Platforms[0].SHA256 != want.Platforms[0].SHA256 {
		t.Errorf("fallback hash %s, want %s", got.Platforms[0].SHA256, want.Platforms[0].SHA256)
	}
	if rq := mirror2.Requests(); len(rq) == 0 || !strings.Contains(rq[len(rq)-1].Path, "/prefix/team/app/") {
		t.Errorf("mirror with prefix got %+v", rq)
	}
}

// TestDockerHubSpellings resolves Docker Hub names through a mirror on
// 127.0.0.1: different spellings share one look-up target and one hash,
// and the hash is computed once.
func TestDockerHubSpellings(t *testing.T) {
	mirror := testreg.Start(t)
	mirror.MustPushImage(t, "library/postgres", "15", testreg.Simple(51, 2, testreg.Gzip, false))
	isolateHome(t)
	r := &Resolver{Mirrors: map[string]string{"docker.io": mirror.Host}}
	t.Cleanup(r.CloseIdleConnections)
	var sums []string
	for i, ref := range []string{"postgres:15", "docker.io/library/postgres:15", "index.docker.io/library/postgres:15", "docker.io/postgres:15"} {
		mirror.Reset()
		res, err := r.ResolveImage(context.Background(), ref, nil)
		if err != nil {
			t.Fatal(err)
		}
		if res.Registry != "docker.io" || res.Tag != "15" || res.Name != strings.TrimSuffix(ref, ":15") {
			t.Errorf("%s: %+v", ref, res)
		}
		sums = append(sums, res.Platforms[0].SHA256)
		// Only the config is read again (for the metadata).
		if c := mirror.Counts(""); i > 0 && c.BlobGET != 1 {
			t.Errorf("%s: %d blob GETs; the hash should come from the cache", ref, c.BlobGET)
		}
	}
	for _, s := range sums[1:] {
		if s != sums[0] {
			t.Errorf("hashes differ between spellings: %v", sums)
		}
	}
}

func TestResolveImageProgress(t *testing.T) {
	reg := testreg.Start(t)
	img := testreg.Simple(61, 3, testreg.Gzip, true)
	reg.MustPushImage(t, "app", "v1", img)
	var total int64
	for _, l := range img.Layers {
		total += int64(len(l.Blob))
	}
	isolateHome(t)
	var mu sync.Mutex
	got := map[string]int64{}
	r := &Resolver{Progress: func(ref string, n int64) {
		mu.Lock()
		got[ref] += n
		mu.Unlock()
	}}
	t.Cleanup(r.CloseIdleConnections)
	ref := reg.Ref("app", "v1")
	if _, err := r.ResolveImage(context.Background(), ref, nil); err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got[ref] < total {
		t.Errorf("progress = %v, want at least %d bytes for %q", got, total, ref)
	}
}

func TestResolveImageFaults(t *testing.T) {
	reg := testreg.Start(t)
	img := testreg.Simple(71, 2, testreg.Gzip, true)
	reg.MustPushImage(t, "app", "v1", img)
	ref := reg.Ref("app", "v1")
	cfg := testreg.Layer{Blob: img.Config}.Digest().String()
	layer := img.Layers[1].Digest().String()
	blob := func(d string) func(testreg.Request) bool {
		return func(rq testreg.Request) bool { return rq.Kind == testreg.KindBlob && rq.Ref == d }
	}
	for _, c := range []struct {
		name  string
		fault testreg.Fault
		want  string
	}{
		{"truncated config", testreg.Fault{Kind: testreg.Truncate, Match: blob(cfg)}, `reading the image config for linux/amd64: talking to registry "` + reg.Host + `": unexpected EOF`},
		{"corrupt config", testreg.Fault{Kind: testreg.Corrupt, Match: blob(cfg)}, "error verifying sha256 checksum"},
		{"truncated layer", testreg.Fault{Kind: testreg.Truncate, Match: blob(layer)}, "hashing the archive for linux/amd64: "},
		{"corrupt layer", testreg.Fault{Kind: testreg.Corrupt, Match: blob(layer)}, "hashing the archive for linux/amd64: "},
	} {
		reg.ClearFaults()
		reg.Inject(c.fault)
		r, _ := newTestResolver(t)
		done := make(chan error, 1)
		go func() {
			_, err := r.ResolveImage(context.Background(), ref, nil)
			done <- err
		}()
		select {
		case err := <-done:
			if err == nil || !strings.HasPrefix(err.Error(), `resolving image "`+ref+`": `) || !strings.Contains(err.Error(), c.want) {
				t.Errorf("%s: error = %v, want %q", c.name, err, c.want)
			} else {
				t.Logf("%s: %v", c.name, err)
			}
		case <-time.After(20 * time.Second):
			t.Fatalf("%s: no answer after 20s", c.name)
		}
	}
}

// TestNixAcceptsResolvedHashes is the end-to-end oracle: a fixed-output
// derivation running pullImage's skopeo command accepts the hash
// ResolveImage computed, for two fixtures and two platforms, pinned by
// index digest (skopeo chooses the platform) and by manifest digest.
func TestNixAcceptsResolvedHashes(t *testing.T) {
	oracle.Require(t, "skopeo", "nix", "nix-build")
	reg := testreg.Start(t)
	ix, _ := multiFixture(t, reg, "library/multi", "v3", false)
	reg.MustPushImage(t, "library/simple", "1.0", testreg.Simple(81, 2, testreg.Gzip, false))
	r, _ := newTestResolver(t)
	store := oracle.NewStore(t)
	ctx := context.Background()

	type build struct {
		ref  string
		plat Platform
	}
	var builds []build
	for _, p := range []Platform{{"linux", "amd64", ""}, {"linux", "arm64", ""}} {
		builds = append(builds, build{reg.Ref("library/multi", "v3"), p})
	}
	builds = append(builds,
		build{reg.Ref("library/simple", "1.0"), DefaultPlatform},
		build{reg.Host + "/library/multi@" + ix.Digest().String(), Platform{"linux", "arm64", ""}},
	)
	for i, b := range builds {
		res, err := r.ResolveImage(ctx, b.ref, []Platform{b.plat})
		if err != nil {
			t.Fatal(err)
		}
		pr := res.Platforms[0]
		digest := res.Digest
		if i == 1 {
			digest = pr.ManifestDigest // the pinned per-platform form
		}
		ref, _ := ParseImageRef(b.ref)
		out, err := store.FixedOutputBuild(ctx, oracle.PullImage{
			ImageName: ref.FullName(), ImageDigest: digest,
			FinalName: res.FinalName, FinalTag: res.FinalTag,
			OS: b.plat.OS, Arch: b.plat.Architecture, Hash: pr.SHA256,
		})
		if err != nil {
			t.Fatal(err)
		}
		if !out.Accepted {
			t.Errorf("%s on %s: Nix rejected %s: %v", b.ref, b.plat, pr.SHA256, out)
		}
		t.Logf("%s on %s (%s): %s %v", b.ref, b.plat, digest, pr.SHA256, out)
	}
}

// TestResolveOddConfig: a config go-containerregistry's ConfigFile
// cannot decode (1.0e2 for a duration) still resolves, with its
// metadata, and hashes as skopeo writes it.
func TestResolveOddConfig(t *testing.T) {
	reg := testreg.Start(t)
	ls := []testreg.Layer{testreg.MustLayer(testreg.Tar(91, 2, 800, 50), testreg.Gzip, false)}
	img := testreg.MustImage(testreg.ImageSpec{Layers: ls, RawConfig: testreg.OddConfig(ls, "amd64")})
	d := reg.MustPushImage(t, "odd", "v1", img)
	r, _ := newTestResolver(t)
	res, err := r.ResolveImage(context.Background(), reg.Ref("odd", "v1"), nil)
	if err != nil {
		t.Fatal(err)
	}
	wantCreated := time.Date(2023, 1, 2, 2, 4, 5, 123456789, time.UTC)
	if res.Version != "3.1.4-odd" || !res.Created.Equal(wantCreated) || res.Platforms[0].ImagePlatform.String() != "linux/amd64" {
		t.Errorf("version %q, created %v, platform %s", res.Version, res.Created, res.Platforms[0].ImagePlatform)
	}
	oracle.Require(t, "skopeo", "nix")
	if want := skopeoHash(t, reg.Ref("odd", d.String()), res.FinalName+":v1", "amd64", ""); res.Platforms[0].SHA256 != want {
		t.Errorf("SHA256 %s, skopeo says %s", res.Platforms[0].SHA256, want)
	}
}

func TestReadableVersion(t *testing.T) {
	d := "sha256:" + strings.Repeat("1", 64)
	for _, c := range []struct {
		cfg  string
		want string
	}{
		{`{"created":"2024-05-06T07:08:09Z","config":{"Labels":{"org.opencontainers.image.version":" 1.2.3 "}}}`, "1.2.3"},
		{`{"created":"2024-05-06T23:08:09-05:00","config":{"Labels":{"other":"x"}}}`, "2024-05-07"},
		{`{"created":"1970-01-01T00:00:00Z","config":{}}`, d},
		{`{"config":{"Labels":null}}`, d},
		{`{"created":"yesterday"}`, d},
	} {
		var ic imageConfig
		if err := json.Unmarshal([]byte(c.cfg), &ic); err != nil {
			t.Fatal(err)
		}
		if got := readableVersion(&ic, d); got != c.want {
			t.Errorf("readableVersion(%s) = %q, want %q", c.cfg, got, c.want)
		}
	}
}
