package dockerarchive

import (
	"context"
	"net/http"
	"testing"

	"github.com/uptix-dev/uptix/internal/oracle"
	"github.com/uptix-dev/uptix/internal/testreg"
)

// TestNixAcceptsOurHash builds the pullImage-like fixed-output
// derivation with the hash we computed, for single images and for
// platforms chosen from an index by the build's --override-arch.
func TestNixAcceptsOurHash(t *testing.T) {
	oracle.Require(t, "skopeo", "nix-build")
	ctx := context.Background()
	r := testreg.Start(t)
	store := oracle.NewStore(t)

	ix := testreg.MultiPlatform(21, false)
	ixDigest := r.MustPushIndex(t, "library/multi", "latest", ix)
	dupL := testreg.MustLayer(testreg.Tar(77, 2, 3000, 50), testreg.Gzip, false)
	dup := image(false, dupL, testreg.MustLayer(testreg.EmptyTar(), testreg.Gzip, false), dupL)
	dupDigest := r.MustPushImage(t, "dup", "1", dup)
	oddLayers := layers(31, testreg.GzipMultiMember, true, 2)
	odd := testreg.MustImage(testreg.ImageSpec{OCI: true, Layers: oddLayers, RawConfig: testreg.OddConfig(oddLayers, "amd64")})
	oddDigest := r.MustPushImage(t, "odd", "1", odd)

	for _, tc := range []struct {
		name, repo, final, tag, arch string
		pin                          string // what the build pulls
		ours                         *testreg.Image
	}{
		{"index-amd64", "library/multi", "multi", "latest", "amd64", ixDigest.String(), ix.Entries[0].Image},
		{"index-arm64", "library/multi", "multi", "latest", "arm64", ixDigest.String(), ix.Entries[1].Image},
		{"index-arm", "library/multi", "ghcr.io/o/multi", "v1", "arm", ixDigest.String(), ix.Entries[2].Image},
		{"duplicates", "dup", "localhost:5000/app", "1", "amd64", dupDigest.String(), dup},
		{"odd-config", "odd", "library/odd", "1.0", "amd64", oddDigest.String(), odd},
	} {
		t.Run(tc.name, func(t *testing.T) {
			src := r.Ref(tc.repo, tc.ours.Digest().String())
			h, err := Hash(ctx, remoteImage(t, src, tc.ours.Digest()), tc.final, tc.tag,
				WithRanger(RemoteRanger(mustRepo(t, src), http.DefaultTransport)))
			if err != nil {
				t.Fatal(err)
			}
			res, err := store.FixedOutputBuild(ctx, oracle.PullImage{
				ImageName: r.Host + "/" + tc.repo, ImageDigest: tc.pin,
				FinalName: tc.final, FinalTag: tc.tag, OS: "linux", Arch: tc.arch, Hash: h,
			})
			if err != nil {
				t.Fatal(err)
			}
			if !res.Accepted {
				t.Fatalf("Nix rejected our hash %s: %v\n%s", h, res, res.Log)
			}
		})
	}
}
