package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/uptix-dev/uptix/lock"
	"github.com/uptix-dev/uptix/resolve"
)

// imageResolver is what the update needs from resolve.Resolver.
type imageResolver interface {
	HeadDigest(ctx context.Context, ref string) (string, error)
	ResolveImage(ctx context.Context, ref string, platforms []resolve.Platform) (*resolve.ImageResult, error)
}

// sourceResolver is what the update needs from resolve.GitHub.
type sourceResolver interface {
	BranchHead(ctx context.Context, owner, repo, branch string) (*resolve.GitHubCommit, error)
	LatestRelease(ctx context.Context, owner, repo string) (*resolve.GitHubRelease, error)
	Branch(ctx context.Context, owner, repo, branch string, opts ...resolve.GitHubOptions) (*resolve.SourceResult, error)
	Release(ctx context.Context, owner, repo string, opts ...resolve.GitHubOptions) (*resolve.SourceResult, error)
}

// wanted is one lock key that calls in the Nix files ask for.
type wantedDep struct {
	key     string
	where   string // file:line:col of the first call
	invalid string // why the image reference is not valid, if it is not
}

// depStatus is what happened to one dependency.
type depStatus int

const (
	depUnchanged depStatus = iota
	depUpdated
	depAdded
	depFailed
	depRemoved
	depKept // no call asks for it, but an unresolved call may use it
)

func (s depStatus) String() string {
	return [...]string{"unchanged", "updated", "added", "failed", "removed", "kept"}[s]
}

// depOutcome is the result of one dependency.
type depOutcome struct {
	key    string
	status depStatus
	old    *lock.Entry // nil when added
	new    *lock.Entry // the entry written (old when unchanged or failed)
	note   string      // what changed besides the version, if anything
	err    error
	bytes  int64 // compressed bytes downloaded
	// warnings are about what was locked, e.g. an image built for
	// another platform than the one it is locked for.
	warnings []string
}

// updater resolves dependencies and builds the new lock.
type updater struct {
	images    imageResolver
	sources   sourceResolver
	platforms []resolve.Platform // --platform, in order
	fleet     []string           // platforms the lock holds, for new entries
	jobs      int
	progress  updProgress
	ghKeys    sync.Map // "owner/repo" -> the key being resolved, for progress
}

// sourceKeyOf returns the key of the GitHub dependency of owner/repo
// being resolved.
func (u *updater) sourceKeyOf(owner, repo string) string {
	if k, ok := u.ghKeys.Load(owner + "/" + repo); ok {
		return k.(string)
	}
	return owner + "/" + repo
}

// updatePlan is the work of one update: which entries are kept, which are
// checked and which go.
type updatePlan struct {
	check   []wantedDep       // keys to resolve, sorted
	old     map[string]string // wanted key -> key of its entry in the old lock, if any
	remove  []string          // old keys no call wants, sorted
	kept    []string          // old keys no call wants that stay, sorted
	keptWhy string            // why they stay
	renamed map[string]string // old legacy key -> new key
	where   map[string]string // key -> first call position
	invalid map[string]string // key -> why its reference is invalid
}

// makePlan compares the wanted keys with the lock. When only is not
// nil, only those keys are checked and nothing is removed.
func makePlan(old *lock.File, want []wantedDep, only map[string]bool) *updatePlan {
	p := &updatePlan{
		old: map[string]string{}, renamed: map[string]string{},
		where: map[string]string{}, invalid: map[string]string{},
	}
	wantSet := map[string]bool{}
	for _, w := range want {
		if wantSet[w.key] {
			continue
		}
		wantSet[w.key] = true
		p.where[w.key] = w.where
		if w.invalid != "" {
			p.invalid[w.key] = w.where + ": " + w.invalid
		}
		if _, ok := old.Entries[w.key]; ok {
			p.old[w.key] = w.key
		} else if lk := lock.LegacyKey(w.key); lk != "" {
			if _, ok := old.Entries[lk]; ok {
				p.old[w.key] = lk
				p.renamed[lk] = w.key
			}
		}
		if only == nil || only[w.key] {
			p.check = append(p.check, w)
		}
	}
	sort.Slice(p.check, func(i, j int) bool { return p.check[i].key < p.check[j].key })
	if only == nil {
		for _, k := range old.Keys() {
			if !wantSet[k] && p.renamed[k] == "" {
				p.remove = append(p.remove, k)
			}
		}
	}
	return p
}

// keepAll keeps the entries the plan would remove, saying why.
func (p *updatePlan) keepAll(why string) {
	p.kept = append(p.kept, p.remove...)
	p.remove = nil
	p.keptWhy = why
}

// run resolves every dependency of the plan, jobs at a time, and
// returns the new lock and one outcome per dependency checked or
// removed, sorted by key. A failed dependency keeps its old entry.
func (u *updater) run(ctx context.Context, old *lock.File, p *updatePlan) (*lock.File, []depOutcome) {
	u.fleet = fleetPlatforms(old)
	outs := make([]depOutcome, len(p.check))
	work := make(chan int)
	var wg sync.WaitGroup
	for range max(u.jobs, 1) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range work {
				w := p.check[i]
				var prev *lock.Entry
				if k, ok := p.old[w.key]; ok {
					prev = old.Entries[k]
				}
				if why := p.invalid[w.key]; why != "" {
					outs[i] = depOutcome{key: w.key, status: depFailed, old: prev, new: prev, err: errors.New(why)}
					continue
				}
				outs[i] = u.one(ctx, w.key, prev)
			}
		}()
	}
	for i := range p.check {
		work <- i
	}
	close(work)
	wg.Wait()

	next := lock.New()
	for k, e := range old.Entries {
		next.Entries[k] = e
	}
	for lk, k := range p.renamed {
		if _, checked := next.Entries[k]; !checked {
			next.Entries[k] = next.Entries[lk]
		}
		delete(next.Entries, lk)
	}
	for _, o := range outs {
		if o.new != nil {
			next.Entries[o.key] = o.new
		}
	}
	for _, k := range p.remove {
		outs = append(outs, depOutcome{key: k, status: depRemoved, old: old.Entries[k]})
		delete(next.Entries, k)
	}
	for _, k := range p.kept {
		e := old.Entries[k]
		outs = append(outs, depOutcome{key: k, status: depKept, old: e, new: e, note: p.keptWhy})
	}
	sort.SliceStable(outs, func(i, j int) bool { return outs[i].key < outs[j].key })
	return next, outs
}

// one resolves one dependency, reporting progress.
func (u *updater) one(ctx context.Context, key string, prev *lock.Entry) depOutcome {
	tr := u.progress.start(key)
	var o depOutcome
	if lock.Kind(key) == lock.TypeDocker {
		o = u.image(ctx, key, prev)
	} else {
		o = u.source(ctx, key, prev)
	}
	o.key, o.old = key, prev
	if o.status == depFailed {
		o.new = prev
	}
	if o.status == depUpdated && o.new != nil && prev != nil && bytes.Equal(o.new.Bytes(), prev.Bytes()) {
		o.status, o.new = depUnchanged, prev
	}
	o.bytes = tr.done(o)
	return o
}

// wantedPlatforms returns the platforms an image entry must hold,
// normalised (see normPlatform), the primary one first: those the entry has (linux/amd64 for an entry the
// earlier uptix wrote), for a new entry those the lock holds for other
// images (the fleet's), then those asked for; the default platform when
// there are none.
func (u *updater) wantedPlatforms(prev *lock.Entry) []resolve.Platform {
	var out []resolve.Platform
	seen := map[string]bool{}
	add := func(pl resolve.Platform) {
		if pl = normPlatform(pl); !seen[pl.String()] {
			seen[pl.String()] = true
			out = append(out, pl)
		}
	}
	addStr := func(s string) {
		if pl, err := resolve.ParsePlatform(s); err == nil {
			add(pl)
		}
	}
	switch {
	case prev != nil && prev.Docker != nil && prev.Stale == "":
		addStr(prev.Docker.Platform)
		for _, s := range sortedKeys(prev.Docker.Platforms) {
			addStr(s)
		}
	case prev != nil && prev.Stale != "":
		// The earlier uptix locked every image for linux/amd64, and the
		// Nix module reads its entries so.
		addStr(resolve.DefaultPlatform.String())
		fallthrough
	default:
		for _, s := range u.fleet {
			addStr(s)
		}
	}
	for _, pl := range u.platforms {
		add(pl)
	}
	if len(out) == 0 {
		out = append(out, resolve.DefaultPlatform)
	}
	return out
}

// fleetPlatforms returns the platforms the lock holds for its images
// (linux/amd64 for entries the earlier uptix wrote), the default one
// first, then sorted.
func fleetPlatforms(f *lock.File) []string {
	set := map[string]bool{}
	for _, e := range f.Entries {
		switch {
		case e.Docker != nil && e.Stale == "":
			for p := range e.Docker.Locked() {
				set[normPlatformString(p)] = true
			}
		case e.Docker != nil || e.Digest != "":
			set[resolve.DefaultPlatform.String()] = true
		}
	}
	var out []string
	if set[resolve.DefaultPlatform.String()] {
		out = append(out, resolve.DefaultPlatform.String())
		delete(set, resolve.DefaultPlatform.String())
	}
	return append(out, sortedKeys(set)...)
}

func (u *updater) image(ctx context.Context, ref string, prev *lock.Entry) depOutcome {
	platforms := u.wantedPlatforms(prev)
	if prev != nil && prev.Docker != nil && prev.Stale == "" {
		digest, err := u.images.HeadDigest(ctx, ref)
		if err != nil {
			return depOutcome{status: depFailed, err: err}
		}
		if digest == prev.Docker.ImageDigest && coversPlatforms(prev.Docker.Locked(), platforms) {
			return depOutcome{status: depUnchanged, new: prev}
		}
	}
	res, err := u.images.ResolveImage(ctx, ref, platforms)
	if err != nil {
		return depOutcome{status: depFailed, err: err}
	}
	if len(res.Platforms) == 0 {
		return depOutcome{status: depFailed, err: fmt.Errorf("resolving image %q: no platform resolved", ref)}
	}
	e := imageEntry(ref, res, prev)
	o := depOutcome{status: depAdded, new: e}
	for _, pr := range res.Platforms {
		if w := platformMismatch(pr.Platform, pr.ImagePlatform); w != "" {
			o.warnings = append(o.warnings, w)
		}
	}
	if prev != nil {
		o.status = depUpdated
		o.note = imageNote(prev, e)
	}
	return o
}

// coversPlatforms reports whether locked holds every platform in want.
func coversPlatforms(locked map[string]lock.PlatformLock, want []resolve.Platform) bool {
	for _, p := range want {
		if _, ok := locked[p.String()]; !ok {
			return false
		}
	}
	return true
}

// imageEntry builds the lock entry of a resolved image, keeping the
// fields of prev this version does not know.
func imageEntry(ref string, res *resolve.ImageResult, prev *lock.Entry) *lock.Entry {
	primary := res.Platforms[0]
	e := &lock.Entry{
		Metadata: lock.Metadata{
			Name:            res.Name,
			SelectedVersion: res.Tag,
			ResolvedVersion: res.Version,
			DepType:         lock.TypeDocker,
			Description:     fmt.Sprintf("Docker image %s from %s", ref, res.Registry),
		},
		Docker: &lock.Docker{
			ImageDigest: res.Digest,
			SHA256:      primary.SHA256,
			Platform:    primary.Platform.String(),
		},
	}
	if !res.Created.IsZero() {
		e.Metadata.Timestamp = res.Created.UTC().Format(time.RFC3339)
	}
	// A single platform is listed under "platforms" too when the Nix
	// module must build it from its manifest digest.
	if len(res.Platforms) > 1 || primary.NeedsManifestPin {
		e.Docker.Platforms = map[string]lock.PlatformLock{}
		for _, p := range res.Platforms {
			e.Docker.Platforms[p.Platform.String()] = lock.PlatformLock{ImageDigest: p.ManifestDigest, SHA256: p.SHA256}
		}
	}
	if prev != nil {
		e.Extra, e.Metadata.Extra = prev.Extra, prev.Metadata.Extra
		if prev.Docker != nil {
			e.Docker.Extra = prev.Docker.Extra
			for p, pl := range e.Docker.Platforms {
				pl.Extra = prev.Docker.Platforms[p].Extra
				e.Docker.Platforms[p] = pl
			}
		}
	}
	return e
}

// imageNote says what changed in an image entry besides its version.
func imageNote(prev, e *lock.Entry) string {
	switch {
	case prev.Stale != "":
		return "upgraded from the earlier uptix's form"
	case prev.Docker == nil:
		return ""
	case prev.Docker.ImageDigest == e.Docker.ImageDigest:
		// Platforms locked under another name (linux/arm64/v8) are
		// renamed, not added.
		renamed := map[string]string{}
		for p := range prev.Docker.Locked() {
			if n := normPlatformString(p); n != p {
				renamed[n] = p
			}
		}
		var addedP, renamedP []string
		for p := range e.Docker.Locked() {
			if _, ok := prev.Docker.Locked()[p]; ok {
				continue
			}
			if was, ok := renamed[p]; ok {
				renamedP = append(renamedP, was+" now "+p)
			} else {
				addedP = append(addedP, p)
			}
		}
		sort.Strings(addedP)
		sort.Strings(renamedP)
		var notes []string
		if len(addedP) > 0 {
			notes = append(notes, fmt.Sprintf("platform %s added", commaList(addedP)))
		}
		if len(renamedP) > 0 {
			notes = append(notes, "platform "+commaList(renamedP))
		}
		return strings.Join(notes, "; ")
	}
	return ""
}

func (u *updater) source(ctx context.Context, key string, prev *lock.Entry) depOutcome {
	sk, err := lock.ParseSourceKey(key)
	if err != nil {
		return depOutcome{status: depFailed, err: err}
	}
	u.ghKeys.Store(sk.Owner+"/"+sk.Repo, key)
	opts := resolve.GitHubOptions{FetchSubmodules: sk.FetchSubmodules, DeepClone: sk.DeepClone, LeaveDotGit: sk.LeaveDotGit}
	var pg *lock.GitHub
	if prev != nil && prev.GitHub != nil && prev.Stale == "" &&
		prev.GitHub.FetchSubmodules == opts.FetchSubmodules &&
		prev.GitHub.DeepClone == opts.DeepClone && prev.GitHub.LeaveDotGit == opts.LeaveDotGit {
		pg = prev.GitHub
	}

	// Look the head up first: when it has not moved, the hash is kept
	// and nothing is downloaded.
	var same *resolve.SourceResult
	if sk.Type == lock.TypeGitHubBranch {
		head, err := u.sources.BranchHead(ctx, sk.Owner, sk.Repo, sk.Branch)
		if err != nil {
			return depOutcome{status: depFailed, err: err}
		}
		if pg != nil && pg.Rev == head.SHA {
			same = &resolve.SourceResult{
				Type: resolve.GitHubBranchType, Branch: sk.Branch, Rev: head.SHA,
				Timestamp: head.AuthorDate, Commit: head,
			}
		}
	} else {
		rel, err := u.sources.LatestRelease(ctx, sk.Owner, sk.Repo)
		if err != nil {
			return depOutcome{status: depFailed, err: err}
		}
		if pg != nil && pg.Rev == rel.Tag {
			same = &resolve.SourceResult{
				Type: resolve.GitHubReleaseType, Rev: rel.Tag,
				Timestamp: rel.Published, Release: rel,
			}
		}
	}
	if same != nil {
		if !prev.Changed() && prev.Metadata.DepType != "" {
			return depOutcome{status: depUnchanged, new: prev}
		}
		// An entry in the earliest form: add the metadata, keep the hash.
		same.Owner, same.Repo, same.Options, same.SHA256 = sk.Owner, sk.Repo, opts, pg.SHA256
		return depOutcome{status: depUpdated, new: sourceEntry(same, prev), note: "upgraded from the earlier uptix's form"}
	}

	var res *resolve.SourceResult
	if sk.Type == lock.TypeGitHubBranch {
		res, err = u.sources.Branch(ctx, sk.Owner, sk.Repo, sk.Branch, opts)
	} else {
		res, err = u.sources.Release(ctx, sk.Owner, sk.Repo, opts)
	}
	if err != nil {
		return depOutcome{status: depFailed, err: err}
	}
	o := depOutcome{status: depAdded, new: sourceEntry(res, prev)}
	if prev != nil {
		o.status = depUpdated
	}
	return o
}

// sourceEntry builds the lock entry of a resolved GitHub source.
func sourceEntry(res *resolve.SourceResult, prev *lock.Entry) *lock.Entry {
	md, lk := res.Metadata(), res.Lock()
	e := &lock.Entry{
		Metadata: lock.Metadata{
			Name:            md.Name,
			SelectedVersion: md.SelectedVersion,
			ResolvedVersion: md.ResolvedVersion,
			Timestamp:       md.Timestamp,
			DepType:         md.DepType,
			Description:     md.Description,
		},
		GitHub: &lock.GitHub{
			Owner: lk.Owner, Repo: lk.Repo, Rev: lk.Rev, SHA256: lk.SHA256,
			FetchSubmodules: lk.FetchSubmodules, DeepClone: lk.DeepClone, LeaveDotGit: lk.LeaveDotGit,
		},
	}
	if prev != nil {
		e.Extra, e.Metadata.Extra = prev.Extra, prev.Metadata.Extra
		if prev.GitHub != nil {
			e.GitHub.Extra = prev.GitHub.Extra
		}
	}
	return e
}

// updateInterrupted reports whether err comes from cancelling the update.
func updateInterrupted(ctx context.Context, err error) bool {
	return ctx.Err() != nil && (errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded))
}

func commaList(s []string) string { return strings.Join(s, ", ") }
