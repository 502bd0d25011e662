package resolve

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/uptix-dev/uptix/internal/oracle"
	"github.com/uptix-dev/uptix/internal/testreg"
)

// BenchmarkResolveImageLarge resolves and hashes a 256 MiB image (four
// gzip layers, half random content) served on 127.0.0.1, through the
// whole Resolver (retrying transport, timeouts, platform choice), and
// reports skopeo copy + nix hash file on the same image for comparison:
//
//	go test -run '^$' -bench ResolveImageLarge -benchtime 3x ./resolve
func BenchmarkResolveImageLarge(b *testing.B) {
	reg := testreg.Start(b)
	var ls []testreg.Layer
	var size int64
	for i := range 4 {
		l := testreg.MustLayer(testreg.Tar(uint64(1000+i), 64, 1<<20, 50), testreg.Gzip, false)
		ls = append(ls, l)
		size += int64(len(l.Tar))
	}
	img := testreg.MustImage(testreg.ImageSpec{Layers: ls})
	d := reg.MustPushImage(b, "big", "v1", img)
	ref := reg.Ref("big", "v1")
	ctx := context.Background()

	var sri string
	b.SetBytes(size)
	b.ResetTimer()
	for range b.N {
		r := &Resolver{}
		res, err := r.ResolveImage(ctx, ref, nil)
		if err != nil {
			b.Fatal(err)
		}
		sri = res.Platforms[0].SHA256
		r.CloseIdleConnections()
	}
	b.StopTimer()

	oracle.Require(b, "skopeo", "nix")
	start := time.Now()
	archive := filepath.Join(b.TempDir(), "big.tar")
	if err := oracle.SkopeoCopy(ctx, reg.Ref("big", d.String()), archive, reg.Host+"/big:v1", "linux", "amd64", ""); err != nil {
		b.Fatal(err)
	}
	want, err := oracle.NixHashFile(ctx, archive)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportMetric(time.Since(start).Seconds(), "skopeo+nix-s")
	if sri != want {
		b.Errorf("ResolveImage hash %s, skopeo + nix hash file %s", sri, want)
	}
}
