package dockerarchive

import (
	"bufio"
	"context"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/remote"

	"github.com/uptix-dev/uptix/internal/oracle"
	"github.com/uptix-dev/uptix/internal/testreg"
)

// The side-by-side measurement runs only when asked:
//
//	UPTIX_BENCH=1 go test -run TestBenchAgainstSkopeo -v ./internal/dockerarchive
//
// (UPTIX_BENCH_MB sets the large image's size, default 300.) The registry
// and our hash each run in a child process (this test binary again), so
// that the peak memory of each is measured on its own.
func TestBenchAgainstSkopeo(t *testing.T) {
	if os.Getenv("UPTIX_BENCH") == "" {
		t.Skip("set UPTIX_BENCH=1 to measure against skopeo (takes a minute)")
	}
	oracle.Require(t, "skopeo", "nix")
	mb := 300
	if s := os.Getenv("UPTIX_BENCH_MB"); s != "" {
		mb, _ = strconv.Atoi(s)
	}

	// The registry, in its own process, with a large and a small image.
	reg := exec.Command(os.Args[0], "-test.run=^TestBenchHelper$")
	reg.Env = append(os.Environ(), "UPTIX_BENCH_ROLE=registry", fmt.Sprintf("UPTIX_BENCH_MB=%d", mb))
	stdin, _ := reg.StdinPipe()
	stdout, _ := reg.StdoutPipe()
	reg.Stderr = os.Stderr
	if err := reg.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { stdin.Close(); reg.Wait() }()
	sc := bufio.NewScanner(stdout)
	refs := map[string]string{}
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) == 3 && f[0] == "IMAGE" {
			refs[f[1]] = f[2]
		}
		if sc.Text() == "READY" {
			break
		}
	}
	if refs["large"] == "" || refs["small"] == "" {
		t.Fatalf("registry helper did not report its images: %v", refs)
	}

	dir := t.TempDir()
	for _, size := range []string{"small", "large"} {
		ref := refs[size]
		var ours, sk, nx, total, oursCPU, theirCPU []time.Duration
		var oursRSS, skRSS, nixRSS int64
		var archiveSize int64
		for range 3 {
			// Ours.
			out, wall, rss := measure(t, exec.Command(os.Args[0], "-test.run=^TestBenchHelper$"),
				"UPTIX_BENCH_ROLE=hash", "UPTIX_BENCH_REF="+ref)
			ours, oursRSS = append(ours, wall), max(oursRSS, rss)
			oursCPU = append(oursCPU, lastCPU)
			oursSRI := ""
			for _, l := range strings.Split(out, "\n") {
				if v, ok := strings.CutPrefix(l, "SRI "); ok {
					oursSRI = v
				}
			}

			// skopeo copy + nix hash file.
			archive := filepath.Join(dir, size+".tar")
			skopeo := exec.Command("skopeo", "--insecure-policy", "--tmpdir="+dir, "--override-os", "linux",
				"--override-arch", "amd64", "copy", "--src-tls-verify=false", "docker://"+ref,
				"docker-archive://"+archive+":bench:latest")
			_, skWall, rss := measure(t, skopeo)
			sk, skRSS = append(sk, skWall), max(skRSS, rss)
			skCPU := lastCPU
			nix := exec.Command("nix", "hash", "file", "--sri", archive)
			out, nixWall, rss := measure(t, nix, "NIX_CONFIG=experimental-features = nix-command")
			nx, nixRSS = append(nx, nixWall), max(nixRSS, rss)
			theirCPU = append(theirCPU, skCPU+lastCPU)
			total = append(total, skWall+nixWall)
			nixSRI := strings.TrimSpace(out)
			st, _ := os.Stat(archive)
			archiveSize = st.Size()
			os.Remove(archive)
			if oursSRI != nixSRI {
				t.Errorf("%s: our hash %s, skopeo+nix %s", size, oursSRI, nixSRI)
			}
		}
		t.Logf("%s image (archive %d MiB), median of 3: ours %v (peak RSS %d MiB) | skopeo copy %v (peak RSS %d MiB) + nix hash file %v (peak RSS %d MiB) = %v | ours/(skopeo+nix) %.2f",
			size, archiveSize>>20, median(ours), oursRSS>>10, median(sk), skRSS>>10, median(nx), nixRSS>>10,
			median(total), float64(median(ours))/float64(median(total)))
		t.Logf("%s runs: ours %v; skopeo+nix %v", size, ours, total)
		t.Logf("%s CPU time (user+sys), median: ours %v, skopeo+nix %v, ratio %.2f", size,
			median(oursCPU), median(theirCPU), float64(median(oursCPU))/float64(median(theirCPU)))
	}
}

func median(ds []time.Duration) time.Duration {
	s := slices.Clone(ds)
	slices.Sort(s)
	return s[len(s)/2].Round(time.Millisecond)
}

// measure runs cmd and returns its stdout, wall time and peak RSS in
// KiB; it adds the CPU time (user+system) to cpu.
func measure(t *testing.T, cmd *exec.Cmd, env ...string) (string, time.Duration, int64) {
	t.Helper()
	cmd.Env = append(os.Environ(), env...)
	cmd.Stderr = os.Stderr
	start := time.Now()
	out, err := cmd.Output()
	wall := time.Since(start)
	if err != nil {
		t.Fatalf("running %s: %v", cmd.Args[0], err)
	}
	lastCPU = cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()
	return string(out), wall, cmd.ProcessState.SysUsage().(*syscall.Rusage).Maxrss
}

// lastCPU is the CPU time of the last measured command.
var lastCPU time.Duration

// TestBenchHelper is the child process of TestBenchAgainstSkopeo.
func TestBenchHelper(t *testing.T) {
	switch os.Getenv("UPTIX_BENCH_ROLE") {
	case "registry":
		benchRegistry(t)
	case "hash":
		benchHash(t)
	default:
		t.Skip("helper process for TestBenchAgainstSkopeo")
	}
}

func benchRegistry(t *testing.T) {
	mb, _ := strconv.Atoi(os.Getenv("UPTIX_BENCH_MB"))
	r := testreg.Start(t)
	for _, img := range []struct {
		name string
		mb   int
	}{{"small", 30}, {"large", mb}} {
		// Three layers of ten files, 80% random and 20% text each.
		per := img.mb << 20 / 30
		var ls []testreg.Layer
		for i := range 3 {
			ls = append(ls, testreg.MustLayer(testreg.Tar(uint64(1000+i*100+img.mb), 10, per, 80), testreg.Gzip, false))
		}
		im := testreg.MustImage(testreg.ImageSpec{Layers: ls})
		d := r.MustPushImage(t, "bench/"+img.name, "latest", im)
		fmt.Printf("IMAGE %s %s\n", img.name, r.Ref("bench/"+img.name, d.String()))
	}
	fmt.Println("READY")
	// Serve until the parent closes stdin.
	bufio.NewReader(os.Stdin).ReadString('\n')
}

func benchHash(t *testing.T) {
	ref := os.Getenv("UPTIX_BENCH_REF")
	i := strings.LastIndex(ref, "@")
	img := remoteImageRef(t, ref)
	h, err := Hash(context.Background(), img, "bench", "latest", WithVerifiedBlobs(),
		WithRanger(RemoteRanger(mustRepo(t, ref[:i]), http.DefaultTransport)))
	if err != nil {
		t.Fatal(err)
	}
	fmt.Println("SRI " + h)
	if b, err := os.ReadFile("/proc/self/status"); err == nil {
		for _, l := range strings.Split(string(b), "\n") {
			if strings.HasPrefix(l, "VmHWM") {
				fmt.Fprintln(os.Stderr, "ours:", l)
			}
		}
	}
}

func remoteImageRef(t *testing.T, ref string) v1.Image {
	t.Helper()
	d, err := name.NewDigest(ref)
	if err != nil {
		t.Fatal(err)
	}
	img, err := remote.Image(d)
	if err != nil {
		t.Fatal(err)
	}
	return img
}
