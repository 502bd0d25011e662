package modules_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
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
	t.Parallel()
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

// TestUpdateThenBuild runs the real `uptix update` on a configuration
// that uses images from a registry on 127.0.0.1, then follows the
// module's own advice: an arm64 host first fails with the command to
// run, that command is run as printed, and afterwards real fixed-output
// builds accept the hashes for both hosts.
func TestUpdateThenBuild(t *testing.T) {
	t.Parallel()
	oracle.Require(t, "nix-build", "nix-instantiate", "nix", "skopeo", "go")
	store := oracle.NewStore(t)
	reg := testreg.Start(t)
	reg.MustPushImage(t, "fixtures/simple", "1.0", testreg.Simple(5, 2, testreg.Gzip, false))
	reg.MustPushIndex(t, "fixtures/multi", "v1", testreg.MultiPlatform(6, false))
	simple, multi := reg.Ref("fixtures/simple", "1.0"), reg.Ref("fixtures/multi", "v1")

	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	tmp := t.TempDir()
	bin := filepath.Join(tmp, "uptix")
	build := exec.CommandContext(ctx, "go", "build", "-o", bin, "./cmd/uptix")
	build.Dir = repoDir(t)
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("building uptix: %v\n%s", err, out)
	}
	writeConfig := func(dir string, refs ...string) {
		t.Helper()
		var b strings.Builder
		b.WriteString("{ uptix, ... }:\n{\n  virtualisation.oci-containers.containers = {\n")
		for i, ref := range refs {
			fmt.Fprintf(&b, "    c%d = {\n      imageFile = uptix.dockerImage %s;\n      image = %s;\n    };\n", i, nixStr(ref), nixStr(ref))
		}
		b.WriteString("  };\n}\n")
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, "containers.nix"), []byte(b.String()), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	config := filepath.Join(tmp, "config")
	writeConfig(config, simple, multi)
	// A Raspberry Pi 1 class host alone: its one platform has a variant.
	piConfig := filepath.Join(tmp, "pi")
	writeConfig(piConfig, multi)
	uptixIn := func(dir string, args ...string) {
		t.Helper()
		cmd := exec.CommandContext(ctx, bin, args...)
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "HOME="+tmp, "DOCKER_CONFIG="+filepath.Join(tmp, "docker"), "NO_COLOR=1")
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("uptix %s: %v\n%s", strings.Join(args, " "), err, out)
		}
	}
	uptix := func(args ...string) { t.Helper(); uptixIn(config, args...) }
	uptix("update", "--platform", "linux/amd64")
	uptixIn(piConfig, "update", "--platform", "linux/arm/v6")
	lockPath := filepath.Join(config, "uptix.lock")
	piLock := filepath.Join(piConfig, "uptix.lock")

	moduleArgsFrom := func(lockPath, system, ref string) (json.RawMessage, error) {
		expr := fmt.Sprintf(`((import %s { lockFile = %s; pkgs = %s; }).dockerImage %s).args`,
			nixPath(moduleDir(t)), nixPath(lockPath), stubPkgs(system, stubs[1].expr), nixStr(ref))
		return evalNix(t, store, expr)
	}
	_, err := moduleArgsFrom(lockPath, "aarch64-linux", multi)
	hint := fmt.Sprintf("uptix update --dependency '%s' --platform linux/arm64", multi)
	if err == nil || !strings.HasSuffix(err.Error(), "; run: "+hint) {
		t.Fatalf("arm64 host before locking arm64: error %v, want one ending in %q", err, hint)
	}
	uptix("update", "--dependency", multi, "--platform", "linux/arm64")

	for _, b := range []struct{ lock, system, ref string }{
		{lockPath, "x86_64-linux", simple},
		{lockPath, "x86_64-linux", multi},
		{lockPath, "aarch64-linux", multi},
		// From the index digest alone skopeo would take the v7 image.
		{piLock, "armv6l-linux", multi},
	} {
		out, err := moduleArgsFrom(b.lock, b.system, b.ref)
		if err != nil {
			t.Fatalf("%s %s: %v", b.system, b.ref, err)
		}
		var args struct {
			ImageName, ImageDigest, SHA256, FinalImageName, FinalImageTag, OS, Arch string
		}
		if err := json.Unmarshal(out, &args); err != nil {
			t.Fatal(err)
		}
		res, err := store.FixedOutputBuild(ctx, oracle.PullImage{
			ImageName: args.ImageName, ImageDigest: args.ImageDigest,
			FinalName: args.FinalImageName, FinalTag: args.FinalImageTag,
			OS: args.OS, Arch: args.Arch, Hash: args.SHA256,
		})
		if res == nil {
			t.Fatalf("%s %s: %v", b.system, b.ref, err)
		}
		if !res.Accepted {
			lockData, _ := os.ReadFile(b.lock)
			t.Errorf("%s %s: Nix rejected the hash uptix update wrote, with arguments %s: %s\nlock:\n%s", b.system, b.ref, out, res, lockData)
		}
	}
}
