package main

import (
	"context"
	"fmt"
	"testing"

	"github.com/uptix-dev/uptix/internal/testreg"
	"github.com/uptix-dev/uptix/lock"
)

// benchImage is an image of two layers of about 1 MiB each, half of it
// random, so that hashing it costs what a small real image costs.
func benchImage(seed uint64) *testreg.Image {
	var ls []testreg.Layer
	for i := range 2 {
		ls = append(ls, testreg.MustLayer(testreg.Tar(seed*10+uint64(i), 16, 64<<10, 50), testreg.Gzip, false))
	}
	return testreg.MustImage(testreg.ImageSpec{Layers: ls, Config: testreg.ConfigSpec{
		Labels: map[string]string{"org.opencontainers.image.version": fmt.Sprintf("1.%d.0", seed)},
	}})
}

// benchSetup pushes n images, locks them, then pushes new content for
// the first changed of them; it returns the registry, the wanted keys
// and the lock as it was before the change.
func benchSetup(b *testing.B, n, changed int) (*testreg.Registry, []wantedDep, *lock.File) {
	reg := testreg.Start(b)
	var want []wantedDep
	for i := range n {
		repo := fmt.Sprintf("team/svc%02d", i)
		reg.MustPushImage(b, repo, "stable", benchImage(uint64(i+1)))
		want = append(want, wantedDep{key: testRegistryName + "/" + repo + ":stable"})
	}
	locked, outs := newTestUpdater(reg).run(context.Background(), lock.New(), makePlan(lock.New(), want, nil))
	if c := countOutcomes(outs, nil); c[depAdded] != n {
		b.Fatalf("locking: %s", statuses(outs))
	}
	for i := range changed {
		reg.MustPushImage(b, fmt.Sprintf("team/svc%02d", i), "stable", benchImage(uint64(1000+i)))
	}
	return reg, want, locked
}

// benchUpdate runs the update b.N times from the same lock, each time
// with a fresh resolver, and reports the requests per run.
func benchUpdate(b *testing.B, n, changed int) {
	reg, want, locked := benchSetup(b, n, changed)
	ctx := context.Background()
	reg.Reset()
	b.ResetTimer()
	for b.Loop() {
		_, outs := newTestUpdater(reg).run(ctx, locked, makePlan(locked, want, nil))
		if c := countOutcomes(outs, nil); c[depUpdated] != changed || c[depUnchanged] != n-changed {
			b.Fatalf("update: %s", statuses(outs))
		}
	}
	b.StopTimer()
	c := reg.Counts("")
	runs := float64(b.N)
	b.ReportMetric(float64(c.ManifestHEAD)/runs, "manifestHEAD/op")
	b.ReportMetric(float64(c.ManifestGET)/runs, "manifestGET/op")
	b.ReportMetric(float64(c.BlobGET)/runs, "blobGET/op")
	b.ReportMetric(float64(c.BlobRangeGET)/runs, "blobRangeGET/op")
}

// BenchmarkUpdate50Unchanged: 50 locked images, none changed.
func BenchmarkUpdate50Unchanged(b *testing.B) { benchUpdate(b, 50, 0) }

// BenchmarkUpdate50Changed5: 50 locked images, 5 of them changed.
func BenchmarkUpdate50Changed5(b *testing.B) { benchUpdate(b, 50, 5) }

// BenchmarkUpdate50FromEmpty: the same 50 images with an empty lock,
// every one downloaded and hashed (what every run of the earlier uptix
// did), for comparison.
func BenchmarkUpdate50FromEmpty(b *testing.B) {
	reg, want, _ := benchSetup(b, 50, 0)
	ctx := context.Background()
	empty := lock.New()
	reg.Reset()
	b.ResetTimer()
	for b.Loop() {
		_, outs := newTestUpdater(reg).run(ctx, empty, makePlan(empty, want, nil))
		if c := countOutcomes(outs, nil); c[depAdded] != 50 {
			b.Fatalf("update: %s", statuses(outs))
		}
	}
	b.StopTimer()
	c := reg.Counts("")
	b.ReportMetric(float64(c.ManifestHEAD)/float64(b.N), "manifestHEAD/op")
	b.ReportMetric(float64(c.ManifestGET)/float64(b.N), "manifestGET/op")
	b.ReportMetric(float64(c.BlobGET)/float64(b.N), "blobGET/op")
}
