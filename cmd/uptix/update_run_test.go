package main

import (
	"bytes"
	"context"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"strings"
	"sync"
	"testing"

	"github.com/uptix-dev/uptix/internal/testreg"
)

// TestUpdateInterrupted cancels the update's context (what Ctrl-C does)
// the moment the first blob is requested: the lock file is left as it
// was and the exit status is 1.
func TestUpdateInterrupted(t *testing.T) {
	reg := testreg.Start(t)
	reg.MustPushImage(t, "team/app", "v1", testreg.Simple(1, 2, testreg.Gzip, false))
	reg.MustPushImage(t, "team/db", "15", testreg.Simple(2, 2, testreg.Gzip, false))

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	target, _ := url.Parse(reg.URL)
	proxy := httputil.NewSingleHostReverseProxy(target)
	proxy.ErrorLog = log.New(io.Discard, "", 0)
	var once sync.Once
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.Contains(r.URL.Path, "/blobs/") {
			once.Do(cancel)
		}
		proxy.ServeHTTP(w, r)
	}))
	defer srv.Close()

	dir := t.TempDir()
	t.Chdir(dir)
	nix := `{ uptix, ... }: {
  a = uptix.dockerImage "registry.test:5000/team/app:v1";
  b = uptix.dockerImage "registry.test:5000/team/db:15";
}
`
	old := []byte("{\n  \"registry.test:5000/team/db:15\": \"sha256:" + strings.Repeat("1", 64) + "\"\n}\n")
	if err := os.WriteFile("a.nix", []byte(nix), 0o666); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile("uptix.lock", old, 0o644); err != nil {
		t.Fatal(err)
	}
	var stdout, stderr bytes.Buffer
	host := strings.TrimPrefix(srv.URL, "http://")
	code := run(ctx, []string{"update", "--mirror", "registry.test:5000=" + host}, nil, &stdout, &stderr)
	if code != exitFindings {
		t.Errorf("exit status %d, want %d", code, exitFindings)
	}
	if !strings.Contains(stderr.String(), "uptix update: interrupted; uptix.lock left unchanged\n") {
		t.Errorf("stderr:\n%s", stderr.String())
	}
	if got, _ := os.ReadFile("uptix.lock"); !bytes.Equal(got, old) {
		t.Errorf("lock file changed:\n%s", got)
	}
	if stdout.Len() != 0 {
		t.Errorf("stdout:\n%s", stdout.String())
	}
}
