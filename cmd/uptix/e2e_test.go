package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/uptix-dev/uptix/internal/demo"
	"github.com/uptix-dev/uptix/internal/oracle"
)

// TestExample runs testdata/e2e/*.txtar: the whole job on the example
// configuration (lint, migrate, update against stand-in registries and a
// GitHub stand-in), then the Nix module evaluated against the lock it
// wrote and real fixed-output builds that must accept its hashes.
func TestExample(t *testing.T) {
	oracle.Require(t, "nix-instantiate", "nix-build", "skopeo", "podman")
	p := scriptParams(t, "testdata/e2e")
	cmds := map[string]func(*testscript.TestScript, bool, []string){}
	for name, f := range p.Cmds {
		cmds[name] = f
	}
	cmds["example"] = cmdExample
	cmds["nix-containers"] = cmdNixContainers
	cmds["nix-image"] = cmdNixImage
	cmds["nix-source"] = cmdNixSource
	cmds["podman-run"] = cmdPodmanRun
	p.Cmds = cmds
	setup := p.Setup
	p.Setup = func(e *testscript.Env) error {
		e.Values[exampleKey] = &exampleState{}
		return setup(e)
	}
	testscript.Run(t, p)
}

// exampleState is what `example start` stood up for one script.
type exampleState struct {
	env   *demo.Env
	store *oracle.Store
	root  string // the repository
}

const exampleKey = "uptix-example"

func exampleOf(ts *testscript.TestScript) *exampleState {
	st := ts.Value(exampleKey).(*exampleState)
	if st.env == nil {
		ts.Fatalf("run `example start` first")
	}
	return st
}

// example start: copy testdata/configs/example to $WORK/example, stand up
// its registries and GitHub, and set MIRROR_<REGISTRY> (dots, colons and
// dashes as _), GITHUB_API_URL and GITHUB_SERVER_URL.
func cmdExample(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 1 || args[0] != "start" {
		ts.Fatalf("usage: example start")
	}
	root := ts.Getenv("UPTIX_REPO")
	dst := ts.MkAbs("example")
	ts.Check(os.CopyFS(dst, os.DirFS(filepath.Join(root, "testdata", "configs", "example"))))
	env, err := demo.Start(context.Background(), dst)
	ts.Check(err)
	ts.Defer(env.Close)
	for reg, host := range env.Mirrors {
		ts.Setenv("MIRROR_"+strings.NewReplacer(".", "_", ":", "_", "-", "_").Replace(reg), host)
	}
	for _, kv := range env.Environ() {
		k, v, _ := strings.Cut(kv, "=")
		ts.Setenv(k, v)
	}
	store, err := oracle.NewStoreAt(ts.MkAbs("nix"))
	ts.Check(err)
	*ts.Value(exampleKey).(*exampleState) = exampleState{env: env, store: store, root: root}
}

// nix-containers SYSTEM FILE...: evaluate the container modules for a
// host with the uptix module and the lock in the current folder, and
// print one line per container: its name, `image`, and what `imageFile`
// fetches. It fails when a container's image does not name what its
// tarball is tagged as.
func cmdNixContainers(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) < 2 {
		ts.Fatalf("usage: nix-containers SYSTEM FILE...")
	}
	st := exampleOf(ts)
	var files []string
	for _, f := range args[1:] {
		files = append(files, fmt.Sprintf("(/. + %q)", ts.MkAbs(f)))
	}
	cmd := exec.Command("nix-instantiate", "--eval", "--strict", "--json",
		filepath.Join(st.root, "testdata", "e2e", "containers.nix"),
		"--arg", "uptixModules", filepath.Join(st.root, "modules"),
		"--arg", "lockFile", ts.MkAbs("uptix.lock"),
		"--argstr", "system", args[0],
		"--arg", "files", "[ "+strings.Join(files, " ")+" ]")
	cmd.Env = st.store.Env
	out, err := cmd.Output()
	if err != nil {
		if ee, ok := err.(*exec.ExitError); ok {
			ts.Logf("%s", ee.Stderr)
		}
		if !neg {
			ts.Fatalf("evaluating the containers: %v", err)
		}
		return
	}
	var containers map[string]struct {
		Image     string         `json:"image"`
		ImageFile *demo.PullArgs `json:"imageFile"`
	}
	ts.Check(json.Unmarshal(out, &containers))
	names := make([]string, 0, len(containers))
	for n := range containers {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		c := containers[n]
		a := c.ImageFile
		if a == nil {
			ts.Fatalf("container %s has no imageFile", n)
		}
		tagged := a.FinalImageName + ":" + a.FinalImageTag
		if c.Image != tagged && !strings.HasPrefix(c.Image, tagged+"@") {
			ts.Fatalf("container %s: image %q does not name what imageFile is tagged as (%q)", n, c.Image, tagged)
		}
		fmt.Fprintf(ts.Stdout(), "%s image=%s pull=%s@%s %s/%s %s\n",
			n, c.Image, a.ImageName, a.ImageDigest, a.OS, a.Arch, a.SHA256)
	}
}

// nix-image SYSTEM REF: evaluate `uptix.dockerImage REF` for a host and
// build the fixed-output derivation it describes from the stand-in
// registry; fails unless Nix accepts the hash.
func cmdNixImage(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) != 2 {
		ts.Fatalf("usage: nix-image SYSTEM REF")
	}
	a, res := buildModuleImage(ts, args[0], args[1])
	fmt.Fprintf(ts.Stdout(), "%s %s/%s %s accepted=%v\n", args[1], a.OS, a.Arch, a.ImageDigest, res.Accepted)
	if res.Accepted == neg {
		ts.Fatalf("nix build: accepted=%v, want %v\n%s", res.Accepted, !neg, res)
	}
}

// buildModuleImage evaluates `uptix.dockerImage ref` for a host against
// the lock in the current folder and builds the fixed-output derivation
// it describes from the stand-in registry.
func buildModuleImage(ts *testscript.TestScript, system, ref string) (*demo.PullArgs, *oracle.BuildResult) {
	st := exampleOf(ts)
	ctx := context.Background()
	a, err := demo.ModuleArgs(ctx, st.store, filepath.Join(st.root, "modules"), ts.MkAbs("uptix.lock"), system, ref)
	ts.Check(err)
	res, err := st.env.BuildImage(ctx, st.store, a)
	ts.Check(err)
	return a, res
}

// nix-source OWNER REPO BRANCH: evaluate `uptix.githubBranch` and build
// the fetchzip-like derivation of the stand-in's archive with its hash.
func cmdNixSource(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) != 3 {
		ts.Fatalf("usage: nix-source OWNER REPO BRANCH")
	}
	st := exampleOf(ts)
	ctx := context.Background()
	call := fmt.Sprintf("githubBranch { owner = %q; repo = %q; branch = %q; }", args[0], args[1], args[2])
	src, err := demo.GitHubArgs(ctx, st.store, filepath.Join(st.root, "modules"), ts.MkAbs("uptix.lock"), call)
	ts.Check(err)
	rev, hash := fmt.Sprint(src["rev"]), fmt.Sprint(src["sha256"])
	res, err := st.env.BuildSource(ctx, st.store, args[0], args[1], rev, hash)
	ts.Check(err)
	fmt.Fprintf(ts.Stdout(), "%s/%s %s %s accepted=%v\n", args[0], args[1], rev, hash, res.Accepted)
	if res.Accepted == neg {
		ts.Fatalf("nix build: accepted=%v, want %v\n%s", res.Accepted, !neg, res)
	}
}

// podman-run SYSTEM REF IMAGE: build what `uptix.dockerImage REF` gives
// on a host, load the tarball into a throwaway podman storage the way
// oci-containers loads imageFile, and check that a container can be
// created from IMAGE (the `image =` value) without pulling.
func cmdPodmanRun(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) != 3 {
		ts.Fatalf("usage: podman-run SYSTEM REF IMAGE")
	}
	_, res := buildModuleImage(ts, args[0], args[1])
	if !res.Accepted {
		ts.Fatalf("nix build: the hash was not accepted\n%s", res)
	}

	dir := ts.MkAbs("podman")
	conf := filepath.Join(dir, "storage.conf")
	ts.Check(os.MkdirAll(dir, 0o755))
	ts.Check(os.WriteFile(conf, []byte(fmt.Sprintf(
		"[storage]\ndriver = \"vfs\"\nrunroot = %q\ngraphroot = %q\n",
		filepath.Join(dir, "run"), filepath.Join(dir, "graph"))), 0o644))
	podman := func(args ...string) error {
		cmd := exec.Command("podman", args...)
		cmd.Env = append(os.Environ(), "CONTAINERS_STORAGE_CONF="+conf)
		out, err := cmd.CombinedOutput()
		ts.Logf("podman %s\n%s", strings.Join(args, " "), out)
		return err
	}
	ts.Check(podman("load", "-i", res.Path))
	err := podman("create", "--pull=never", "--name", "c"+fmt.Sprint(len(ts.Getenv("WORK"))), args[2], "true")
	if err == nil {
		podman("rm", "-a")
	}
	if (err == nil) == neg {
		ts.Fatalf("podman create --pull=never %s: err=%v, want success=%v", args[2], err, !neg)
	}
	fmt.Fprintf(ts.Stdout(), "%s runs from the loaded imageFile\n", args[2])
}
