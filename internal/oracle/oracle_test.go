package oracle_test

import (
	"archive/tar"
	"compress/gzip"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/uptix-dev/uptix/internal/oracle"
	"github.com/uptix-dev/uptix/internal/testreg"
)

// TestPullImageBuild proves the oracles agree with each other: the hash
// `nix hash file` prints for skopeo's archive is accepted by the
// pullImage-like fixed-output build, and a wrong hash is rejected with
// exit code 102 and the right "got:" hash.
func TestPullImageBuild(t *testing.T) {
	oracle.Require(t, "skopeo", "nix", "nix-build")
	ctx := context.Background()
	r := testreg.Start(t)
	d := r.MustPushImage(t, "library/app", "1.0", testreg.Simple(1, 2, testreg.Gzip, false))

	archive := filepath.Join(t.TempDir(), "app.tar")
	src := r.Ref("library/app", d.String())
	if err := oracle.SkopeoCopy(ctx, src, archive, "app:1.0", "linux", "amd64", ""); err != nil {
		t.Fatal(err)
	}
	sri, err := oracle.NixHashFile(ctx, archive)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(sri, "sha256-") || len(sri) != 51 {
		t.Fatalf("nix hash file printed %q", sri)
	}

	s := oracle.NewStore(t)
	p := oracle.PullImage{
		ImageName: r.Host + "/library/app", ImageDigest: d.String(),
		FinalName: "app", FinalTag: "1.0", Hash: sri,
	}
	res, err := s.FixedOutputBuild(ctx, p)
	if err != nil {
		t.Fatal(err)
	}
	if !res.Accepted {
		t.Fatalf("right hash %s: %v\n%s", sri, res, res.Log)
	}
	if got, _ := s.NixHashFile(ctx, res.Path); got != sri {
		t.Errorf("built file hashes to %s, want %s", got, sri)
	}

	p.Hash = "sha256-AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="
	res, err = s.FixedOutputBuild(ctx, p)
	if err != nil {
		t.Fatal(err)
	}
	if res.Accepted || res.ExitCode != 102 || res.Got != sri {
		t.Fatalf("wrong hash: %v, want exit 102 and got %s\n%s", res, sri, res.Log)
	}
}

// TestFetchTarball checks the recursive-mode build against
// `nix hash path` of the same tree unpacked by hand.
func TestFetchTarball(t *testing.T) {
	oracle.Require(t, "nix", "nix-build", "tar")
	ctx := context.Background()
	dir := t.TempDir()
	tgz := filepath.Join(dir, "src.tar.gz")
	f, err := os.Create(tgz)
	if err != nil {
		t.Fatal(err)
	}
	zw := gzip.NewWriter(f)
	tw := tar.NewWriter(zw)
	files := []struct {
		name string
		mode int64
		body string
	}{{"repo-abc/", 0o755, ""}, {"repo-abc/README", 0o644, "hello\n"}, {"repo-abc/run.sh", 0o755, "#!/bin/sh\n"}}
	for _, fl := range files {
		h := &tar.Header{Name: fl.name, Mode: fl.mode, Size: int64(len(fl.body)), Typeflag: tar.TypeReg}
		if strings.HasSuffix(fl.name, "/") {
			h.Typeflag = tar.TypeDir
		}
		tw.WriteHeader(h)
		tw.Write([]byte(fl.body))
	}
	tw.Close()
	zw.Close()
	f.Close()

	want := filepath.Join(dir, "want")
	os.MkdirAll(want, 0o755)
	os.WriteFile(filepath.Join(want, "README"), []byte("hello\n"), 0o644)
	os.WriteFile(filepath.Join(want, "run.sh"), []byte("#!/bin/sh\n"), 0o755)
	sri, err := oracle.NixHashPath(ctx, want)
	if err != nil {
		t.Fatal(err)
	}

	s := oracle.NewStore(t)
	res, err := s.FetchTarball(ctx, tgz, sri)
	if err != nil {
		t.Fatal(err)
	}
	if !res.Accepted {
		t.Fatalf("hash %s: %v\n%s", sri, res, res.Log)
	}
	res, err = s.FetchTarball(ctx, tgz, "sha256-AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=")
	if err != nil {
		t.Fatal(err)
	}
	if res.ExitCode != 102 || res.Got != sri {
		t.Fatalf("wrong hash: %v, want exit 102 and got %s", res, sri)
	}
}

// recorder stands in for a *testing.T to see what Require does.
type recorder struct {
	testing.TB
	fatal, skip string
}

func (r *recorder) Helper()           {}
func (r *recorder) Fatal(args ...any) { r.fatal = fmt.Sprint(args...) }
func (r *recorder) Skip(args ...any)  { r.skip = fmt.Sprint(args...) }

func TestRequire(t *testing.T) {
	t.Setenv("CI", "")
	rec := &recorder{}
	oracle.Require(rec, "no-such-tool-uptix", "sh")
	if rec.fatal != "" || !strings.Contains(rec.skip, "no-such-tool-uptix") || strings.Contains(rec.skip, "sh,") {
		t.Errorf("locally: fatal %q, skip %q; want a skip naming only the missing tool", rec.fatal, rec.skip)
	}

	t.Setenv("CI", "true")
	rec = &recorder{}
	oracle.Require(rec, "no-such-tool-uptix")
	if rec.skip != "" || !strings.Contains(rec.fatal, "no-such-tool-uptix") {
		t.Errorf("with CI=true: fatal %q, skip %q; want a failure", rec.fatal, rec.skip)
	}

	rec = &recorder{}
	oracle.Require(rec, "sh")
	if rec.skip != "" || rec.fatal != "" {
		t.Errorf("present tool: fatal %q, skip %q", rec.fatal, rec.skip)
	}
}
