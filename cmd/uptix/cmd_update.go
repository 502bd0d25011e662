package main

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"sort"
	"sync"

	"github.com/spf13/pflag"

	"github.com/uptix-dev/uptix/lock"
	"github.com/uptix-dev/uptix/resolve"
	"github.com/uptix-dev/uptix/rewrite"
)

func init() {
	register(&command{
		name:    "update",
		summary: "resolve every dependency, compute its hash and write the lock file",
		flags:   updateFlags,
	})
}

// updateOptions are update's flags.
type updateOptions struct {
	deps      []string
	platforms []string
	dryRun    bool
	json      bool
	jobs      int
	insecure  []string
	mirrors   []string
	// registriesConf is --registries-conf, or $UPTIX_REGISTRIES_CONF
	// when the flag is not given; confFrom names which, for messages.
	registriesConf string
	confFrom       string
}

func updateFlags(fs *pflag.FlagSet) func(e *env, args []string) int {
	o := &updateOptions{}
	fs.StringArrayVar(&o.deps, "dependency", nil,
		"update only `KEY`: a lock key, owner/repo or owner/repo:branch (repeatable)")
	fs.StringArrayVar(&o.platforms, "platform", nil,
		"lock images for `OS/ARCH[/VARIANT]` too (repeatable); platforms already locked are kept, and new images get every platform the lock holds")
	fs.BoolVar(&o.dryRun, "dry-run", false,
		"print the change to the lock file as a diff and write nothing; exit 1 if it would change")
	fs.BoolVar(&o.json, "json", false, "print a machine-readable summary")
	fs.IntVarP(&o.jobs, "jobs", "j", 4, "resolve `N` dependencies at a time")
	fs.StringArrayVar(&o.insecure, "insecure-registry", nil,
		"allow plain HTTP and unverified TLS for `HOST[:PORT]` (repeatable)")
	fs.StringArrayVar(&o.mirrors, "mirror", nil,
		"`REGISTRY=HOST[:PORT][/PATH]`: look images of REGISTRY up at the mirror first, then at REGISTRY (repeatable; credentials go in the docker config, not here)")
	fs.StringVar(&o.registriesConf, "registries-conf", "",
		"read mirrors and insecure registries from the containers registries.conf at `PATH` (default $"+registriesConfEnv+"); --mirror and --insecure-registry add to it and win over it")
	return func(e *env, args []string) int {
		o.confFrom = "--registries-conf"
		if !fs.Changed("registries-conf") {
			o.registriesConf, o.confFrom = os.Getenv(registriesConfEnv), registriesConfEnv
		}
		return runUpdate(e, o, args)
	}
}

func runUpdate(e *env, o *updateOptions, args []string) int {
	u, err := o.updater(e)
	if err == nil && len(args) > 0 {
		err = fmt.Errorf("unexpected argument %q", args[0])
	}
	if err != nil {
		fmt.Fprintf(e.stderr, "uptix update: %v\n", err)
		fmt.Fprintln(e.stderr, "Run 'uptix update --help' for usage.")
		return exitUsage
	}

	// The lock describes the tree of the directory that holds it; all of
	// it is scanned, or entries still in use would look unused.
	root, shown := updateRoot(e.lockFile)
	if shown != "" {
		fmt.Fprintf(e.stderr, "uptix update: looking for calls under %s, the directory of %s\n", shown, e.lockFile)
	}
	found, code := discoverDeps(e, root, len(o.deps) > 0)
	if code != exitOK {
		return code
	}
	var only map[string]bool
	if len(o.deps) > 0 {
		if only, err = selectDeps(found.want, o.deps); err != nil {
			fmt.Fprintf(e.stderr, "uptix update: %v\n", err)
			return exitUsage
		}
	} else {
		// An unresolved call is one the lock cannot be shown to cover.
		for i := range found.unresolved {
			found.unresolved[i].failed = true
		}
	}

	// Hold the lock file from reading it to writing it, so that two runs
	// cannot interleave. A dry run writes nothing and needs no lock.
	var h *lock.Handle
	var data []byte
	fresh := false // there is no lock file yet
	if o.dryRun {
		data, err = os.ReadFile(e.lockFile)
		if errors.Is(err, fs.ErrNotExist) {
			err, fresh = nil, true
		}
	} else {
		h, err = lock.Lock(e.ctx, e.lockFile, func() {
			fmt.Fprintf(e.stderr, "uptix update: waiting for another uptix to finish with %s\n", e.lockFile)
		})
		if h != nil {
			defer h.Close()
			data, fresh = h.Bytes(), !h.Existed()
		}
	}
	if err != nil {
		fmt.Fprintf(e.stderr, "uptix update: %v\n", err)
		return exitFindings
	}
	old := lock.New()
	if !fresh {
		// An empty file is an error too: most likely a lock cut short.
		if old, err = lock.Parse(e.lockFile, data); err != nil {
			printLockErrors(e.stderr, err)
			fmt.Fprintf(e.stderr, "uptix update: %s left unchanged\n", e.lockFile)
			return exitUsage
		}
	}

	plan := makePlan(old, found.want, only)
	if why := found.keepReason(len(old.Entries)); why != "" && len(plan.remove) > 0 {
		plan.keepAll(why)
	}
	next, outs := u.run(e.ctx, old, plan)
	u.progress.wait()
	if e.ctx.Err() != nil {
		fmt.Fprintf(e.stderr, "uptix update: interrupted; %s left unchanged\n", e.lockFile)
		return exitFindings
	}

	newData := next.Marshal()
	changed := !bytes.Equal(newData, data)
	written := false
	if changed && !o.dryRun {
		if err := h.WriteBytes(newData); err != nil {
			fmt.Fprintf(e.stderr, "uptix update: %v\n", err)
			return exitFindings
		}
		written = true
	}

	var diff []byte
	if o.dryRun {
		diff = rewrite.Diff(e.lockFile, data, newData)
	}
	summary := e.stdout
	if o.dryRun && !o.json {
		e.stdout.Write(diff)
		summary = e.stderr
	}
	if o.json {
		if err := writeJSONSummary(e.stdout, e.lockFile, o.dryRun, written, diff, outs, found.unresolved); err != nil {
			fmt.Fprintf(e.stderr, "uptix update: %v\n", err)
			return exitFindings
		}
	} else {
		printWarnings(e.stderr, outs)
		printSummary(summary, outs, found.unresolved)
	}

	if countOutcomes(outs, found.unresolved)[depFailed] > 0 || (o.dryRun && changed) {
		return exitFindings
	}
	return exitOK
}

// updater builds the resolvers and the updater from the flags.
func (o *updateOptions) updater(e *env) (*updater, error) {
	u := &updater{jobs: o.jobs}
	if o.jobs < 1 {
		return nil, fmt.Errorf("--jobs %d: want at least 1", o.jobs)
	}
	for _, s := range o.platforms {
		p, err := checkPlatformFlag(s)
		if err != nil {
			return nil, err
		}
		u.platforms = append(u.platforms, p)
	}
	mirrors, err := parseMirrors(o.mirrors)
	if err != nil {
		return nil, err
	}
	if err := checkInsecure(o.insecure); err != nil {
		return nil, err
	}
	insecure := o.insecure
	if o.registriesConf != "" {
		conf, err := readRegistriesConf(o.registriesConf)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", o.confFrom, err)
		}
		mirrors, insecure = mergeRegistriesConf(conf, mirrors, insecure)
	}

	if o.json {
		u.progress = &lineProgress{w: discardWriter{}}
	} else {
		u.progress = newProgress(e.stderr)
	}
	prog := u.progress
	u.images = &resolve.Resolver{
		Insecure: insecure,
		Mirrors:  mirrors,
		Progress: func(ref string, n int64) { prog.add(ref, n) },
	}

	gh := resolve.GitHubFromEnv()
	// GitHub Enterprise, and GitHub Actions, name their hosts so.
	if v := os.Getenv("GITHUB_API_URL"); v != "" {
		gh.APIBase = v
	}
	if v := os.Getenv("GITHUB_SERVER_URL"); v != "" {
		gh.ArchiveBase = v
	}
	var mu sync.Mutex
	seen := map[string]int64{}
	gh.Progress = func(owner, repo string, total int64) {
		// Counted per repository; a branch and a release of the same
		// repository share the count.
		mu.Lock()
		n := total - seen[owner+"/"+repo]
		seen[owner+"/"+repo] = total
		mu.Unlock()
		prog.add(u.sourceKeyOf(owner, repo), n)
	}
	u.sources = gh
	return u, nil
}

type discardWriter struct{}

func (discardWriter) Write(p []byte) (int, error) { return len(p), nil }

// selectDeps returns the wanted keys that --dependency patterns name: a
// key exactly, or for GitHub keys owner/repo or owner/repo:branch.
func selectDeps(want []wantedDep, patterns []string) (map[string]bool, error) {
	only := map[string]bool{}
	var missing []string
	for _, pat := range patterns {
		found := false
		for _, w := range want {
			if depMatches(w.key, pat) {
				only[w.key], found = true, true
			}
		}
		if !found {
			missing = append(missing, fmt.Sprintf("%q", pat))
		}
	}
	if len(missing) > 0 {
		sort.Strings(missing)
		return nil, fmt.Errorf("--dependency %s: no call asks for it (see 'uptix list' and 'uptix discover')", commaList(missing))
	}
	return only, nil
}

func depMatches(key, pat string) bool {
	if key == pat {
		return true
	}
	sk, err := lock.ParseSourceKey(key)
	if err != nil {
		return false
	}
	repo := sk.Owner + "/" + sk.Repo
	return pat == repo || (sk.Type == lock.TypeGitHubBranch && pat == repo+":"+sk.Branch)
}
