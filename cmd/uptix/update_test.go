package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/uptix-dev/uptix/internal/testreg"
	"github.com/uptix-dev/uptix/lock"
	"github.com/uptix-dev/uptix/resolve"
)

var updateGolden = flag.Bool("update-golden", false, "rewrite testdata/update/*.lock")

// testRegistryName is the registry tests write in references; the
// resolver reaches it through a mirror, the test registry, so that
// references, and the archive hashes that contain them, do not depend
// on the test registry's port.
const testRegistryName = "registry.test:5000"

// newTestUpdater returns an updater with a fresh resolver (no cache
// from an earlier run) that finds testRegistryName at reg and gives up
// quickly on failing requests.
func newTestUpdater(reg *testreg.Registry, platforms ...string) *updater {
	mirrors := map[string]string{}
	if reg != nil {
		mirrors[testRegistryName] = reg.Host
	}
	u := &updater{
		images: &resolve.Resolver{
			Mirrors: mirrors,
			Retry:   resolve.RetryPolicy{MaxAttempts: 2, BaseDelay: time.Millisecond, MaxDelay: time.Millisecond},
			Timeout: 10 * time.Second,
		},
		sources:  &fakeSources{},
		jobs:     4,
		progress: &lineProgress{w: discardWriter{}},
	}
	for _, s := range platforms {
		p, err := resolve.ParsePlatform(s)
		if err != nil {
			panic(err)
		}
		u.platforms = append(u.platforms, p)
	}
	return u
}

// pushApps pushes n small images app0…app(n-1):v1 and returns what a
// discovery of calls using them would give.
func pushApps(t *testing.T, reg *testreg.Registry, n int, seed uint64) []wantedDep {
	var want []wantedDep
	for i := range n {
		repo := fmt.Sprintf("team/app%d", i)
		reg.MustPushImage(t, repo, "v1", testreg.Simple(seed+uint64(i), 2, testreg.Gzip, false))
		want = append(want, wantedDep{key: testRegistryName + "/" + repo + ":v1", where: fmt.Sprintf("hosts/a.nix:%d:5", i+1)})
	}
	return want
}

func statuses(outs []depOutcome) string {
	var b strings.Builder
	for _, o := range outs {
		fmt.Fprintf(&b, "%s %s", o.status, o.key)
		if o.err != nil {
			fmt.Fprintf(&b, " (%v)", o.err)
		}
		b.WriteByte('\n')
	}
	return b.String()
}

// checkGolden compares a lock with testdata/update/name.
func checkGolden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", "update", name)
	if *updateGolden {
		os.MkdirAll(filepath.Dir(path), 0o777)
		if err := os.WriteFile(path, got, 0o666); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update-golden to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("lock differs from %s:\n%s", path, got)
	}
}

// TestUpdateUnchangedNoBlobs locks three images, then updates again: the
// second run keeps every entry byte for byte after one HEAD request per
// image, and downloads no blob.
func TestUpdateUnchangedNoBlobs(t *testing.T) {
	reg := testreg.Start(t)
	want := pushApps(t, reg, 3, 1)
	ctx := context.Background()

	first, outs := newTestUpdater(reg).run(ctx, lock.New(), makePlan(lock.New(), want, nil))
	if got := statuses(outs); strings.Count(got, "added ") != 3 {
		t.Fatalf("first run:\n%s", got)
	}
	data := first.Marshal()
	checkGolden(t, "three-apps.lock", data)
	if c := reg.Counts(""); c.BlobGET == 0 {
		t.Errorf("first run fetched no blob: %+v", c)
	}

	reg.Reset()
	old, err := lock.Parse("uptix.lock", data)
	if err != nil {
		t.Fatal(err)
	}
	second, outs := newTestUpdater(reg).run(ctx, old, makePlan(old, want, nil))
	if got := statuses(outs); strings.Count(got, "unchanged ") != 3 {
		t.Errorf("second run:\n%s", got)
	}
	if !bytes.Equal(second.Marshal(), data) {
		t.Errorf("second run changed the lock:\n%s", second.Marshal())
	}
	c := reg.Counts("")
	if c.BlobGET != 0 || c.BlobHEAD != 0 || c.ManifestGET != 0 || c.ManifestHEAD != 3 {
		t.Errorf("second run requests: %+v; want 3 manifest HEADs and nothing else", c)
	}
}

// TestUpdateChangedOnly: of two locked images one is pushed anew; only
// it is downloaded and its entry changes.
func TestUpdateChangedOnly(t *testing.T) {
	reg := testreg.Start(t)
	want := pushApps(t, reg, 2, 1)
	ctx := context.Background()
	first, _ := newTestUpdater(reg).run(ctx, lock.New(), makePlan(lock.New(), want, nil))

	reg.MustPushImage(t, "team/app1", "v1", testreg.Simple(99, 2, testreg.Gzip, false))
	reg.Reset()
	second, outs := newTestUpdater(reg).run(ctx, first, makePlan(first, want, nil))
	wantStatus := fmt.Sprintf("unchanged %s\nupdated %s\n", want[0].key, want[1].key)
	if got := statuses(outs); got != wantStatus {
		t.Errorf("statuses:\n%s\nwant:\n%s", got, wantStatus)
	}
	if c := reg.Counts("team/app0"); c.BlobGET != 0 {
		t.Errorf("the unchanged image's blobs were fetched: %+v", c)
	}
	if c := reg.Counts("team/app1"); c.BlobGET == 0 {
		t.Errorf("the changed image's blobs were not fetched: %+v", c)
	}
	a, b := first.Entries[want[1].key], second.Entries[want[1].key]
	if a.Docker.ImageDigest == b.Docker.ImageDigest || a.Docker.SHA256 == b.Docker.SHA256 {
		t.Errorf("changed image kept its digest or hash: %+v", b.Docker)
	}
	if !bytes.Equal(first.Entries[want[0].key].Bytes(), second.Entries[want[0].key].Bytes()) {
		t.Error("unchanged entry's bytes changed")
	}
}

// TestUpdatePartialFailure: one image changed and one cannot be
// resolved; the failed one keeps its old entry, the other is updated.
func TestUpdatePartialFailure(t *testing.T) {
	reg := testreg.Start(t)
	want := pushApps(t, reg, 2, 1)
	ctx := context.Background()
	first, _ := newTestUpdater(reg).run(ctx, lock.New(), makePlan(lock.New(), want, nil))

	reg.MustPushImage(t, "team/app0", "v1", testreg.Simple(50, 2, testreg.Gzip, false))
	reg.MustPushImage(t, "team/app1", "v1", testreg.Simple(51, 2, testreg.Gzip, false))
	reg.Inject(testreg.Fault{Kind: testreg.ServerError, Match: testreg.Manifests("team/app1")})
	second, outs := newTestUpdater(reg).run(ctx, first, makePlan(first, want, nil))

	if outs[0].status != depUpdated || outs[1].status != depFailed || outs[1].err == nil {
		t.Fatalf("statuses:\n%s", statuses(outs))
	}
	if !strings.Contains(outs[1].err.Error(), "500") && !strings.Contains(outs[1].err.Error(), "server error") {
		t.Errorf("failure reason does not say what the registry answered: %v", outs[1].err)
	}
	if second.Entries[want[1].key] != first.Entries[want[1].key] {
		t.Error("the failed dependency's entry was not kept")
	}
	if second.Entries[want[0].key].Docker.ImageDigest == first.Entries[want[0].key].Docker.ImageDigest {
		t.Error("the other dependency was not updated")
	}
	var b bytes.Buffer
	printSummary(&b, outs, nil)
	if !strings.Contains(b.String(), "0 unchanged, 1 updated, 0 added, 0 removed, 1 failed\n") ||
		!strings.Contains(b.String(), "failed  "+want[1].key+": ") {
		t.Errorf("summary:\n%s", b.String())
	}
}

// TestUpdatePlatforms adds a platform to a multi-platform image's entry
// and keeps it on the next run without --platform.
func TestUpdatePlatforms(t *testing.T) {
	reg := testreg.Start(t)
	reg.MustPushIndex(t, "team/multi", "2", testreg.MultiPlatform(7, true))
	want := []wantedDep{{key: testRegistryName + "/team/multi:2"}}
	ctx := context.Background()

	first, _ := newTestUpdater(reg).run(ctx, lock.New(), makePlan(lock.New(), want, nil))
	d := first.Entries[want[0].key].Docker
	if d.Platform != "linux/amd64" || len(d.Platforms) != 0 {
		t.Fatalf("first run: %+v", d)
	}

	// linux/arm64/v8 is linux/arm64: one key, the one the Nix module
	// looks up first.
	second, outs := newTestUpdater(reg, "linux/arm64/v8").run(ctx, first, makePlan(first, want, nil))
	if outs[0].status != depUpdated || outs[0].note != "platform linux/arm64 added" {
		t.Errorf("adding a platform: %s note %q", statuses(outs), outs[0].note)
	}
	d2 := second.Entries[want[0].key].Docker
	if d2.Platform != "linux/amd64" || d2.SHA256 != d.SHA256 || d2.ImageDigest != d.ImageDigest ||
		len(d2.Platforms) != 2 || d2.Platforms["linux/amd64"].SHA256 != d.SHA256 ||
		d2.Platforms["linux/arm64"].SHA256 == "" || d2.Platforms["linux/arm64"].SHA256 == d.SHA256 {
		t.Errorf("second run: %+v", d2)
	}
	checkGolden(t, "multi-platform.lock", second.Marshal())

	reg.Reset()
	_, outs = newTestUpdater(reg).run(ctx, second, makePlan(second, want, nil))
	if outs[0].status != depUnchanged {
		t.Errorf("third run: %s", statuses(outs))
	}
	if c := reg.Counts(""); c.BlobGET != 0 || c.ManifestGET != 0 {
		t.Errorf("third run requests: %+v", c)
	}
}

// TestUpdateStaleAndRemoved: an entry in the earliest form is resolved
// again; an entry no call wants is removed; --dependency leaves the
// others alone and removes nothing.
func TestUpdateStaleAndRemoved(t *testing.T) {
	reg := testreg.Start(t)
	want := pushApps(t, reg, 2, 1)
	gone := testRegistryName + "/team/gone:v1"
	src := fmt.Sprintf(`{
  %q: "sha256:%064x",
  %q: "sha256:%064x"
}
`, want[0].key, 1, gone, 2)
	old, err := lock.Parse("uptix.lock", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()

	only, err := selectDeps(want, []string{want[1].key})
	if err != nil {
		t.Fatal(err)
	}
	next, outs := newTestUpdater(reg).run(ctx, old, makePlan(old, want, only))
	if got, w := statuses(outs), "added "+want[1].key+"\n"; got != w {
		t.Errorf("--dependency: %s, want %s", got, w)
	}
	if next.Entries[gone] == nil || next.Entries[want[0].key] != old.Entries[want[0].key] {
		t.Error("--dependency touched other entries")
	}

	next, outs = newTestUpdater(reg).run(ctx, old, makePlan(old, want, nil))
	wantStatus := fmt.Sprintf("updated %s\nadded %s\nremoved %s\n", want[0].key, want[1].key, gone)
	if got := statuses(outs); got != wantStatus {
		t.Errorf("statuses:\n%s\nwant:\n%s", got, wantStatus)
	}
	if outs[0].note != "upgraded from the earlier uptix's form" {
		t.Errorf("note %q", outs[0].note)
	}
	if next.Entries[gone] != nil || next.Entries[want[0].key].Stale != "" || next.Entries[want[0].key].Docker == nil {
		t.Errorf("after update: %q", next.Marshal())
	}
}

func TestSelectDeps(t *testing.T) {
	want := []wantedDep{
		{key: "postgres:15"},
		{key: "$GITHUB_BRANCH$:NixOS/nixpkgs:main$"},
		{key: "$GITHUB_BRANCH$:NixOS/nixpkgs:staging$f"},
		{key: "$GITHUB_RELEASE$:NixOS/nixpkgs$"},
	}
	tests := []struct {
		pats []string
		want string
	}{
		{[]string{"postgres:15"}, "postgres:15"},
		{[]string{"NixOS/nixpkgs"}, "$GITHUB_BRANCH$:NixOS/nixpkgs:main$ $GITHUB_BRANCH$:NixOS/nixpkgs:staging$f $GITHUB_RELEASE$:NixOS/nixpkgs$"},
		{[]string{"NixOS/nixpkgs:staging", "postgres:15"}, "$GITHUB_BRANCH$:NixOS/nixpkgs:staging$f postgres:15"},
	}
	for _, tt := range tests {
		got, err := selectDeps(want, tt.pats)
		if err != nil || strings.Join(sortedKeys(got), " ") != tt.want {
			t.Errorf("selectDeps(%q) = %v, %v; want %s", tt.pats, sortedKeys(got), err, tt.want)
		}
	}
	if _, err := selectDeps(want, []string{"postgres:16", "NixOS/nix"}); err == nil ||
		!strings.Contains(err.Error(), `"NixOS/nix", "postgres:16"`) {
		t.Errorf("unknown patterns: %v", err)
	}
}

// fakeSources is a GitHub with one repository, example/tool, whose
// branch main is at head and whose latest release is tag; it counts
// the archives it hashes.
type fakeSources struct {
	head, tag string
	hashed    int
}

func (f *fakeSources) BranchHead(ctx context.Context, owner, repo, branch string) (*resolve.GitHubCommit, error) {
	if owner+"/"+repo != "example/tool" || branch != "main" {
		return nil, fmt.Errorf("resolving branch %q of %s/%s: %w", branch, owner, repo, resolve.ErrGitHubNotFound)
	}
	return &resolve.GitHubCommit{SHA: f.head, Subject: "Subject of " + f.head[:7], AuthorDate: time.Date(2024, 9, 2, 8, 12, 44, 0, time.UTC)}, nil
}

func (f *fakeSources) LatestRelease(ctx context.Context, owner, repo string) (*resolve.GitHubRelease, error) {
	if owner+"/"+repo != "example/tool" {
		return nil, fmt.Errorf("resolving the latest release of %s/%s: %w", owner, repo, resolve.ErrGitHubNotFound)
	}
	return &resolve.GitHubRelease{Tag: f.tag, Published: time.Date(2024, 6, 20, 17, 5, 0, 0, time.UTC)}, nil
}

func (f *fakeSources) hash(s string) string {
	f.hashed++
	return strings.Repeat(s[len(s)-1:], 52)
}

func (f *fakeSources) Branch(ctx context.Context, owner, repo, branch string, opts ...resolve.GitHubOptions) (*resolve.SourceResult, error) {
	c, err := f.BranchHead(ctx, owner, repo, branch)
	if err != nil {
		return nil, err
	}
	return &resolve.SourceResult{
		Type: resolve.GitHubBranchType, Owner: owner, Repo: repo, Branch: branch, Options: opts[0],
		Rev: c.SHA, SHA256: f.hash(c.SHA), Timestamp: c.AuthorDate, Commit: c,
	}, nil
}

func (f *fakeSources) Release(ctx context.Context, owner, repo string, opts ...resolve.GitHubOptions) (*resolve.SourceResult, error) {
	r, err := f.LatestRelease(ctx, owner, repo)
	if err != nil {
		return nil, err
	}
	return &resolve.SourceResult{
		Type: resolve.GitHubReleaseType, Owner: owner, Repo: repo, Options: opts[0],
		Rev: r.Tag, SHA256: f.hash(r.Tag), Timestamp: r.Published, Release: r,
	}, nil
}

// TestUpdateGitHub: a branch whose head has not moved keeps its entry
// without hashing; one that moved is hashed again; an entry in the
// earliest form under the old key is upgraded without hashing.
func TestUpdateGitHub(t *testing.T) {
	branch := "$GITHUB_BRANCH$:example/tool:main$"
	release := "$GITHUB_RELEASE$:example/tool$"
	missing := "$GITHUB_RELEASE$:example/nothing$"
	want := []wantedDep{{key: branch}, {key: release}, {key: missing}}
	fs := &fakeSources{head: strings.Repeat("a", 40), tag: "v1.0.0"}
	u := newTestUpdater(nil)
	u.sources = fs
	ctx := context.Background()

	first, outs := u.run(ctx, lock.New(), makePlan(lock.New(), want, nil))
	if got := statuses(outs); !strings.HasPrefix(got, "added "+branch+"\nfailed "+missing+" (") {
		t.Fatalf("first run:\n%s", got)
	}
	if fs.hashed != 2 {
		t.Errorf("hashed %d archives, want 2", fs.hashed)
	}
	if outs[2].status != depAdded || !errors.Is(outs[1].err, resolve.ErrGitHubNotFound) {
		t.Errorf("missing release: %v", outs[1].err)
	}
	checkGolden(t, "github.lock", first.Marshal())

	fs.head, fs.hashed = strings.Repeat("b", 40), 0
	second, outs := u.run(ctx, first, makePlan(first, want, nil))
	if got := statuses(outs); !strings.HasPrefix(got, "updated "+branch+"\nfailed "+missing+" (") || !strings.HasSuffix(got, "unchanged "+release+"\n") || fs.hashed != 1 {
		t.Errorf("second run (hashed %d):\n%s", fs.hashed, got)
	}
	if r := second.Entries[branch].Metadata.ResolvedVersion; r != "bbbbbbb (Subject of bbbbbbb)" {
		t.Errorf("resolved_version %q", r)
	}

	// The earliest form: no metadata, no flags, a key without "$".
	old, err := lock.Parse("uptix.lock", []byte(`{
  "$GITHUB_RELEASE$:example/tool": {
    "owner": "example",
    "repo": "tool",
    "rev": "v1.0.0",
    "sha256": "0000000000000000000000000000000000000000000000000000"
  }
}`))
	if err != nil {
		t.Fatal(err)
	}
	fs.hashed = 0
	third, outs := u.run(ctx, old, makePlan(old, want[1:2], nil))
	if got := statuses(outs); got != "updated "+release+"\n" || fs.hashed != 0 {
		t.Errorf("upgrading (hashed %d): %s", fs.hashed, got)
	}
	e := third.Entries[release]
	if len(third.Entries) != 1 || e.GitHub.SHA256 != strings.Repeat("0", 52) || e.Metadata.DepType != "github-release" {
		t.Errorf("upgraded lock:\n%s", third.Marshal())
	}
}

// TestUpdatePinnedVariant locks only linux/arm/v6 of an index that also
// has linux/arm/v7: a build from the index digest without a variant
// would take v7, so the entry lists its one platform under "platforms"
// with the v6 manifest digest.
func TestUpdatePinnedVariant(t *testing.T) {
	reg := testreg.Start(t)
	ix := testreg.MultiPlatform(7, true)
	reg.MustPushIndex(t, "team/multi", "2", ix)
	want := []wantedDep{{key: testRegistryName + "/team/multi:2"}}
	next, outs := newTestUpdater(reg, "linux/arm/v6").run(context.Background(), lock.New(), makePlan(lock.New(), want, nil))
	if outs[0].status != depAdded {
		t.Fatalf("%s", statuses(outs))
	}
	d := next.Entries[want[0].key].Docker
	pl, ok := d.Platforms["linux/arm/v6"]
	if d.Platform != "linux/arm/v6" || d.ImageDigest != ix.Digest().String() || len(d.Platforms) != 1 || !ok ||
		pl.ImageDigest == d.ImageDigest || pl.SHA256 != d.SHA256 {
		t.Errorf("entry:\n%s", next.Entries[want[0].key].Bytes())
	}
	if _, err := lock.Parse("uptix.lock", next.Marshal()); err != nil {
		t.Errorf("reading the lock back: %v", err)
	}
}

// TestUpdateFleetPlatforms: an image added to a lock whose images are
// locked for two platforms is locked for both, without --platform.
func TestUpdateFleetPlatforms(t *testing.T) {
	reg := testreg.Start(t)
	reg.MustPushIndex(t, "team/multi", "2", testreg.MultiPlatform(7, true))
	reg.MustPushIndex(t, "team/other", "1", testreg.MultiPlatform(8, true))
	first := []wantedDep{{key: testRegistryName + "/team/multi:2"}}
	ctx := context.Background()
	locked, _ := newTestUpdater(reg, "linux/amd64", "linux/arm64/v8").run(ctx, lock.New(), makePlan(lock.New(), first, nil))

	both := append(first, wantedDep{key: testRegistryName + "/team/other:1"})
	next, outs := newTestUpdater(reg).run(ctx, locked, makePlan(locked, both, nil))
	if got := statuses(outs); got != "unchanged "+both[0].key+"\nadded "+both[1].key+"\n" {
		t.Fatalf("statuses:\n%s", got)
	}
	d := next.Entries[both[1].key].Docker
	if got := strings.Join(sortedKeys(d.Locked()), " "); d.Platform != "linux/amd64" || got != "linux/amd64 linux/arm64" {
		t.Errorf("new entry: primary %s, platforms %s", d.Platform, got)
	}
	if got := fleetPlatforms(next); strings.Join(got, " ") != "linux/amd64 linux/arm64" {
		t.Errorf("fleetPlatforms = %q", got)
	}
}

// TestUpdateArm64V8Renamed: an entry an earlier version locked for
// linux/arm64/v8 (and also linux/arm64, twice the same image) is
// locked again under the one key linux/arm64, with the same hash, and
// the fleet counts the platform once.
func TestUpdateArm64V8Renamed(t *testing.T) {
	reg := testreg.Start(t)
	reg.MustPushIndex(t, "team/multi", "2", testreg.MultiPlatform(7, true))
	want := []wantedDep{{key: testRegistryName + "/team/multi:2"}}
	ctx := context.Background()
	locked, _ := newTestUpdater(reg, "linux/amd64", "linux/arm64").run(ctx, lock.New(), makePlan(lock.New(), want, nil))
	d := locked.Entries[want[0].key].Docker
	arm := d.Platforms["linux/arm64"]

	// The form earlier versions wrote: a v8 key beside the plain one.
	old := lock.New()
	e := *locked.Entries[want[0].key]
	dd := *d
	dd.Platforms = map[string]lock.PlatformLock{"linux/amd64": d.Platforms["linux/amd64"], "linux/arm64/v8": arm}
	e.Docker = &dd
	e.Touch()
	old.Entries[want[0].key] = &e
	if got := fleetPlatforms(old); strings.Join(got, " ") != "linux/amd64 linux/arm64" {
		t.Errorf("fleetPlatforms = %q", got)
	}

	next, outs := newTestUpdater(reg).run(ctx, old, makePlan(old, want, nil))
	if outs[0].status != depUpdated || outs[0].note != "platform linux/arm64/v8 now linux/arm64" {
		t.Errorf("%s note %q", statuses(outs), outs[0].note)
	}
	got := next.Entries[want[0].key].Docker
	if keys := strings.Join(sortedKeys(got.Platforms), " "); keys != "linux/amd64 linux/arm64" ||
		got.Platforms["linux/arm64"].SHA256 != arm.SHA256 {
		t.Errorf("entry:\n%s", next.Entries[want[0].key].Bytes())
	}
}

// TestPlatformWarning: an image whose config names another platform
// than the one it is locked for gives a warning, not a failure.
func TestPlatformWarning(t *testing.T) {
	reg := testreg.Start(t)
	// A single-manifest amd64 image, asked for arm64 too.
	reg.MustPushImage(t, "team/app", "v1", testreg.Simple(1, 2, testreg.Gzip, false))
	want := []wantedDep{{key: testRegistryName + "/team/app:v1"}}
	next, outs := newTestUpdater(reg, "linux/amd64", "linux/arm64").run(context.Background(), lock.New(), makePlan(lock.New(), want, nil))
	if outs[0].status != depAdded {
		t.Fatalf("%s: %v", statuses(outs), outs[0].err)
	}
	wantW := "the image locked for linux/arm64 is built for linux/amd64; hosts of linux/arm64 would get linux/amd64 binaries"
	if len(outs[0].warnings) != 1 || outs[0].warnings[0] != wantW {
		t.Errorf("warnings = %q", outs[0].warnings)
	}
	if len(next.Entries[want[0].key].Docker.Locked()) != 2 {
		t.Errorf("entry:\n%s", next.Entries[want[0].key].Bytes())
	}
	var b strings.Builder
	printWarnings(&b, outs)
	if b.String() != "uptix update: warning: "+want[0].key+": "+wantW+"\n" {
		t.Errorf("printWarnings:\n%s", b.String())
	}
}
