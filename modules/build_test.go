package modules_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/uptix-dev/uptix/internal/oracle"
	"github.com/uptix-dev/uptix/internal/testreg"
	"github.com/uptix-dev/uptix/lock"
	"github.com/uptix-dev/uptix/resolve"
)

// TestFixedOutputBuild closes the loop: images on a registry on
// 127.0.0.1 are resolved and hashed by the Go side and written to a lock
// file as `uptix update` writes it; the module evaluates each reference
// for an amd64 and an arm64 host; and a real fixed-output build running
// nixpkgs' pullImage copy command with exactly those arguments must
// accept the hash.
func TestFixedOutputBuild(t *testing.T) {
	oracle.Require(t, "nix-build", "nix-instantiate", "nix", "skopeo")
	store := oracle.NewStore(t)
	reg := testreg.Start(t)
	simple := reg.MustPushImage(t, "fixtures/simple", "1.0", testreg.Simple(3, 2, testreg.Gzip, false))
	reg.MustPushIndex(t, "fixtures/multi", "v1", testreg.MultiPlatform(4, true))
	reg.MustPushIndex(t, "fixtures/multi", "armv6", testreg.MultiPlatform(4, true))

	refs := []string{
		reg.Ref("fixtures/simple", "1.0"),
		reg.Host + "/fixtures/simple@" + simple.String(),
		reg.Ref("fixtures/multi", "v1"),
		reg.Ref("fixtures/multi", "armv6"),
	}
	platforms := map[string][]resolve.Platform{
		refs[0]: {{OS: "linux", Architecture: "amd64"}},
		refs[1]: {{OS: "linux", Architecture: "amd64"}},
		refs[2]: {{OS: "linux", Architecture: "amd64"}, {OS: "linux", Architecture: "arm64"}, {OS: "linux", Architecture: "arm", Variant: "v7"}},
		// Two platforms, so the lock names the v6 manifest itself: with the
		// index digest alone, pullImage (which passes no variant) would
		// make skopeo take the v7 image.
		refs[3]: {{OS: "linux", Architecture: "arm", Variant: "v6"}, {OS: "linux", Architecture: "amd64"}},
	}

	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	var r resolve.Resolver
	f := lock.New()
	for _, ref := range refs {
		res, err := r.ResolveImage(ctx, ref, platforms[ref])
		if err != nil {
			t.Fatal(err)
		}
		d := &lock.Docker{
			ImageDigest: res.Digest,
			SHA256:      res.Platforms[0].SHA256,
			Platform:    res.Platforms[0].Platform.String(),
		}
		if len(res.Platforms) > 1 {
			d.Platforms = map[string]lock.PlatformLock{}
			for _, p := range res.Platforms {
				d.Platforms[p.Platform.String()] = lock.PlatformLock{ImageDigest: p.ManifestDigest, SHA256: p.SHA256}
			}
		}
		f.Entries[ref] = &lock.Entry{
			Metadata: lock.Metadata{Name: res.Name, SelectedVersion: res.Tag, DepType: lock.TypeDocker},
			Docker:   d,
		}
	}
	lockPath := filepath.Join(t.TempDir(), "uptix.lock")
	if err := os.WriteFile(lockPath, f.Marshal(), 0o644); err != nil {
		t.Fatal(err)
	}

	type build struct {
		system, ref string
	}
	builds := []build{
		{"x86_64-linux", refs[0]},
		{"x86_64-linux", refs[1]},
		{"x86_64-linux", refs[2]},
		{"aarch64-linux", refs[2]},
		{"armv7l-linux", refs[2]},
		{"armv6l-linux", refs[3]},
	}
	for _, b := range builds {
		expr := fmt.Sprintf(`(import %s { lockFile = %s; pkgs = %s; }).dockerImage %s`,
			nixPath(moduleDir(t)), nixPath(lockPath), stubPkgs(b.system, stubs[1].expr), nixStr(b.ref))
		out, err := evalNix(t, store, "("+expr+").args")
		if err != nil {
			t.Fatalf("%s %s: %v", b.system, b.ref, err)
		}
		var args struct {
			ImageName, ImageDigest, SHA256, FinalImageName, FinalImageTag, OS, Arch string
			TLSVerify                                                               *bool
		}
		if err := json.Unmarshal(out, &args); err != nil {
			t.Fatal(err)
		}
		// The registry speaks plain HTTP, as the oracle's copy assumes.
		if args.TLSVerify == nil || *args.TLSVerify {
			t.Errorf("%s %s: tlsVerify not false for a 127.0.0.1 registry: %s", b.system, b.ref, out)
		}
		if strings.Contains(b.ref, "@") && !strings.HasPrefix(args.FinalImageTag, "sha256-") {
			t.Errorf("%s %s: finalImageTag %q", b.system, b.ref, args.FinalImageTag)
		}
		res, err := store.FixedOutputBuild(ctx, oracle.PullImage{
			ImageName: args.ImageName, ImageDigest: args.ImageDigest,
			FinalName: args.FinalImageName, FinalTag: args.FinalImageTag,
			OS: args.OS, Arch: args.Arch, Hash: args.SHA256,
		})
		if err != nil && res == nil {
			t.Fatalf("%s %s: %v", b.system, b.ref, err)
		}
		if !res.Accepted {
			t.Errorf("%s %s: Nix rejected the locked hash %s with arguments %s: %s", b.system, b.ref, args.SHA256, out, res)
		}
		if b.ref != refs[0] {
			continue
		}
		// Control: the tag is part of the tarball, so another tag with the
		// same hash must be rejected.
		res, err = store.FixedOutputBuild(ctx, oracle.PullImage{
			ImageName: args.ImageName, ImageDigest: args.ImageDigest,
			FinalName: args.FinalImageName, FinalTag: args.FinalImageTag + "-other",
			OS: args.OS, Arch: args.Arch, Hash: args.SHA256,
		})
		if res == nil || res.Accepted || res.Got == "" {
			t.Errorf("%s %s: a build tagged %s-other gave %v, %v; want a hash mismatch", b.system, b.ref, args.FinalImageTag, res, err)
		}
	}
}
