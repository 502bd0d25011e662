// Command uptix-demo runs uptix's whole job on the bundled example
// configuration, offline: it stands up registries and a GitHub stand-in
// on 127.0.0.1 (see internal/demo), copies testdata/configs/example to a
// temporary folder, and runs uptix lint, migrate and update there the way
// a user would, printing each step. When Nix and skopeo are installed it
// then builds, with the hashes uptix wrote, the fixed-output derivations
// the Nix module asks for, and shows that Nix accepts them.
//
// Run it from the repository's root: go run ./cmd/uptix-demo
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strings"

	"github.com/spf13/pflag"

	"github.com/uptix-dev/uptix/internal/demo"
	"github.com/uptix-dev/uptix/internal/oracle"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

type options struct {
	keep bool
	repo string
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	var o options
	fs := pflag.NewFlagSet("uptix-demo", pflag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.BoolVar(&o.keep, "keep", false, "keep the working folder afterwards")
	fs.StringVar(&o.repo, "repo", ".", "the uptix repository's root")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if err := demoRun(ctx, o, stdout); err != nil {
		fmt.Fprintf(stderr, "uptix-demo: %v\n", err)
		return 1
	}
	return 0
}

func demoRun(ctx context.Context, o options, out io.Writer) error {
	repo, err := filepath.Abs(o.repo)
	if err != nil {
		return err
	}
	example := filepath.Join(repo, "testdata", "configs", "example")
	if _, err := os.Stat(example); err != nil {
		return fmt.Errorf("finding the example (run from the repository's root, or pass --repo): %w", err)
	}
	work, err := os.MkdirTemp("", "uptix-demo-")
	if err != nil {
		return err
	}
	if o.keep {
		defer fmt.Fprintf(out, "\nThe working folder is kept: %s\n", work)
	} else {
		defer os.RemoveAll(work)
	}

	step(out, "Building uptix")
	bin := filepath.Join(work, "bin", "uptix")
	build := exec.CommandContext(ctx, "go", "build", "-o", bin, "./cmd/uptix")
	build.Dir, build.Stdout, build.Stderr = repo, out, out
	if err := build.Run(); err != nil {
		return fmt.Errorf("building uptix: %w", err)
	}

	cfg := filepath.Join(work, "example")
	if err := os.CopyFS(cfg, os.DirFS(example)); err != nil {
		return fmt.Errorf("copying the example: %w", err)
	}
	env, err := demo.Start(ctx, cfg)
	if err != nil {
		return err
	}
	defer env.Close()
	fmt.Fprintf(out, "Working on a copy of the example in %s\n", cfg)
	fmt.Fprintln(out, "Stand-ins on 127.0.0.1 (registry mirrors, as in podman's registries.conf):")
	for _, flag := range env.MirrorFlags() {
		if flag != "--mirror" {
			fmt.Fprintf(out, "  %s\n", strings.Replace(flag, "=", " -> ", 1))
		}
	}
	fmt.Fprintf(out, "  GitHub -> %s\n", env.GitHubServer)

	u := &uptix{bin: bin, dir: cfg, out: out, env: append(os.Environ(), env.Environ()...)}
	u.run(ctx, "lint")
	u.run(ctx, "migrate", "--diff")
	u.run(ctx, "migrate", "--write")
	u.run(ctx, "lint")
	args := append([]string{"update", "--platform", "linux/amd64", "--platform", "linux/arm64"}, env.MirrorFlags()...)
	if code := u.run(ctx, args...); code != 0 {
		return fmt.Errorf("uptix update exited %d", code)
	}
	u.run(ctx, "lint")
	// Nothing changed upstream: one HEAD request per image, no download,
	// and the lock keeps every byte.
	u.run(ctx, append([]string{"update"}, env.MirrorFlags()...)...)
	step(out, "The new uptix.lock")
	lock, err := os.ReadFile(filepath.Join(cfg, "uptix.lock"))
	if err != nil {
		return err
	}
	out.Write(lock)

	return checkWithNix(ctx, out, env, repo, cfg, work)
}

// checkWithNix builds, in a private Nix store, what the Nix module makes
// of the new lock for one image on both platforms and for the GitHub
// branch.
func checkWithNix(ctx context.Context, out io.Writer, env *demo.Env, repo, cfg, work string) error {
	step(out, "Checking the lock with Nix")
	for _, tool := range []string{"nix-build", "nix-instantiate", "skopeo"} {
		if _, err := exec.LookPath(tool); err != nil {
			fmt.Fprintf(out, "%s is not installed; skipping the Nix check (apt-get install nix-bin skopeo).\n", tool)
			return nil
		}
	}
	store, err := oracle.NewStoreAt(filepath.Join(work, "nix"))
	if err != nil {
		return err
	}
	modules := filepath.Join(repo, "modules")
	lock := filepath.Join(cfg, "uptix.lock")
	const ref = "koenkk/zigbee2mqtt:latest"
	for _, system := range []string{"x86_64-linux", "aarch64-linux"} {
		a, err := demo.ModuleArgs(ctx, store, modules, lock, system, ref)
		if err != nil {
			return err
		}
		fmt.Fprintf(out, "%s: uptix.dockerImage %q -> pullImage { imageName = %q; imageDigest = %q; sha256 = %q; finalImageName = %q; finalImageTag = %q; os = %q; arch = %q; }\n",
			system, ref, a.ImageName, a.ImageDigest, a.SHA256, a.FinalImageName, a.FinalImageTag, a.OS, a.Arch)
		res, err := env.BuildImage(ctx, store, a)
		if err != nil {
			return err
		}
		if err := verdict(out, res); err != nil {
			return err
		}
	}
	src, err := demo.GitHubArgs(ctx, store, modules, lock,
		`githubBranch { owner = "example-org"; repo = "grafana-dashboards"; branch = "main"; }`)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "uptix.githubBranch example-org/grafana-dashboards main -> fetchFromGitHub { rev = %q; sha256 = %q; }\n", src["rev"], src["sha256"])
	res, err := env.BuildSource(ctx, store, "example-org", "grafana-dashboards", fmt.Sprint(src["rev"]), fmt.Sprint(src["sha256"]))
	if err != nil {
		return err
	}
	return verdict(out, res)
}

func verdict(out io.Writer, res *oracle.BuildResult) error {
	if res.Accepted {
		fmt.Fprintf(out, "  Nix built it and accepted the hash: %s\n", res.Path)
		return nil
	}
	fmt.Fprintf(out, "  Nix rejected the hash (exit %d), it got %s\n%s\n", res.ExitCode, res.Got, res.Log)
	return errors.New("nix did not accept a hash uptix wrote")
}

// uptix runs the uptix binary in the example's copy and shows the
// command and its output.
type uptix struct {
	bin, dir string
	env      []string
	out      io.Writer
}

func (u *uptix) run(ctx context.Context, args ...string) int {
	shown := make([]string, 0, len(args))
	for _, a := range args {
		if strings.HasPrefix(a, "--mirror") || strings.Contains(a, "=127.0.0.1:") {
			continue
		}
		shown = append(shown, a)
	}
	step(u.out, "$ uptix "+strings.Join(shown, " "))
	cmd := exec.CommandContext(ctx, u.bin, args...)
	cmd.Dir, cmd.Env, cmd.Stdout, cmd.Stderr = u.dir, u.env, u.out, u.out
	err := cmd.Run()
	var exit *exec.ExitError
	switch {
	case err == nil:
		fmt.Fprintln(u.out, "(exit 0)")
		return 0
	case errors.As(err, &exit):
		fmt.Fprintf(u.out, "(exit %d)\n", exit.ExitCode())
		return exit.ExitCode()
	default:
		fmt.Fprintf(u.out, "(%v)\n", err)
		return -1
	}
}

func step(out io.Writer, title string) {
	fmt.Fprintf(out, "\n== %s\n", title)
}
