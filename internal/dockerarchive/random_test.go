package dockerarchive

import (
	"bytes"
	"context"
	"fmt"
	"math/rand/v2"
	"net/http"
	"os"
	"path/filepath"
	"testing"

	"github.com/uptix-dev/uptix/internal/oracle"
	"github.com/uptix-dev/uptix/internal/testreg"
)

// TestRandomImagesAgainstSkopeo builds images from seeded random
// choices (layer count, compressions, repeats, empty layers, sizes
// across the 512-byte padding, Docker or OCI, final names) and compares
// our bytes and hash with skopeo's.
func TestRandomImagesAgainstSkopeo(t *testing.T) {
	oracle.Require(t, "skopeo")
	r := testreg.Start(t)
	ctx := context.Background()
	dir := t.TempDir()
	names := []string{"nginx", "library/redis", "ghcr.io/a/b", "localhost:5000/x", "quay.io/o/p/q", "docker.io/u/v", "127.0.0.1:9/z"}
	for seed := uint64(1); seed <= 12; seed++ {
		t.Run(fmt.Sprint(seed), func(t *testing.T) {
			rng := rand.New(rand.NewPCG(seed, 77))
			oci := rng.IntN(2) == 0
			comps := []testreg.Compression{testreg.Gzip, testreg.GzipStdlib, testreg.GzipMultiMember, testreg.Uncompressed, testreg.PlainLabelledGzip, testreg.Xz}
			var ls []testreg.Layer
			for i := range 1 + rng.IntN(6) {
				switch {
				case i > 0 && rng.IntN(4) == 0:
					ls = append(ls, ls[rng.IntN(len(ls))]) // a repeat
				case rng.IntN(6) == 0:
					ls = append(ls, testreg.MustLayer(testreg.EmptyTar(), testreg.Gzip, oci))
				default:
					size := 1 + rng.IntN(3000)
					tarball := testreg.Tar(seed*100+uint64(i), 1+rng.IntN(3), size, rng.IntN(101))
					ls = append(ls, testreg.MustLayer(tarball, comps[rng.IntN(len(comps))], oci))
				}
			}
			im := testreg.MustImage(testreg.ImageSpec{OCI: oci, Layers: ls, Config: testreg.ConfigSpec{
				Labels: map[string]string{"seed": fmt.Sprint(seed), "x": "<&>"}}})
			repo := fmt.Sprintf("rand/%d", seed)
			d := r.MustPushImage(t, repo, "t", im)
			src := r.Ref(repo, d.String())
			name := names[rng.IntN(len(names))]
			tag := fmt.Sprintf("v%d", rng.IntN(100))

			path := filepath.Join(dir, fmt.Sprint(seed)+".tar")
			if err := oracle.SkopeoCopy(ctx, src, path, name+":"+tag, "linux", "amd64", ""); err != nil {
				t.Fatal(err)
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			img := remoteImage(t, src, d)
			var got bytes.Buffer
			if err := Write(ctx, &got, img, name, tag); err != nil {
				t.Fatal(err)
			}
			compareArchives(t, got.Bytes(), want)
			h, err := Hash(ctx, img, name, tag, WithVerifiedBlobs(), WithRanger(RemoteRanger(mustRepo(t, src), http.DefaultTransport)))
			if err != nil {
				t.Fatal(err)
			}
			if h != sri(want) {
				t.Errorf("Hash = %s, want %s", h, sri(want))
			}
		})
	}
}
