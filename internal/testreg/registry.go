// Package testreg serves go-containerregistry's in-memory registry on
// 127.0.0.1 for tests and demos, counts the requests it receives, can
// inject faults, and pushes deterministic fixture images.
//
// It lives in a normal (non-test) file so that other packages' tests and
// the demo can import it.
package testreg

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-containerregistry/pkg/registry"
	v1 "github.com/google/go-containerregistry/pkg/v1"
)

// Registry is a running in-process registry.
type Registry struct {
	// Host is "127.0.0.1:PORT", usable in image references.
	Host string
	// URL is "http://127.0.0.1:PORT".
	URL string

	inner  http.Handler
	server *http.Server
	ln     net.Listener

	closing   chan struct{} // closed by Close, ends stalled responses
	closeOnce sync.Once
	mu        sync.Mutex
	requests  []Request
	faults    []*Fault
	user      string
	pass      string
}

// Start starts a registry on 127.0.0.1 with a random port and stops it
// when the test ends.
func Start(t testing.TB) *Registry {
	t.Helper()
	r, err := Listen("127.0.0.1:0")
	if err != nil {
		t.Fatalf("starting test registry: %v", err)
	}
	t.Cleanup(r.Close)
	return r
}

// Listen starts a registry on addr (which should be a 127.0.0.1
// address). Call Close to stop it.
func Listen(addr string) (*Registry, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("listening on %q: %w", addr, err)
	}
	r := &Registry{
		inner:   registry.New(registry.Logger(log.New(io.Discard, "", 0))),
		ln:      ln,
		closing: make(chan struct{}),
	}
	r.Host = ln.Addr().String()
	r.URL = "http://" + r.Host
	r.server = &http.Server{Handler: http.HandlerFunc(r.serve), ReadHeaderTimeout: 10 * time.Second}
	go r.server.Serve(ln)
	return r, nil
}

// Serve runs a registry on addr until ctx is done; it is the entry point
// for demos. ready, when not nil, is called with the registry once it
// listens, so the caller can push images and print its URL.
func Serve(ctx context.Context, addr string, ready func(*Registry) error) error {
	r, err := Listen(addr)
	if err != nil {
		return err
	}
	defer r.Close()
	if ready != nil {
		if err := ready(r); err != nil {
			return err
		}
	}
	<-ctx.Done()
	return nil
}

// Close stops the registry.
func (r *Registry) Close() {
	r.closeOnce.Do(func() { close(r.closing) })
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	if err := r.server.Shutdown(ctx); err != nil {
		r.server.Close()
	}
}

// Ref returns "HOST/repo:tag" (or "HOST/repo@digest" when tag starts
// with "sha256:").
func (r *Registry) Ref(repo, tagOrDigest string) string {
	if strings.HasPrefix(tagOrDigest, "sha256:") {
		return r.Host + "/" + repo + "@" + tagOrDigest
	}
	return r.Host + "/" + repo + ":" + tagOrDigest
}

// RequireAuth makes every request need HTTP basic credentials user:pass.
// An empty user turns authentication off again.
func (r *Registry) RequireAuth(user, pass string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.user, r.pass = user, pass
}

func (r *Registry) serve(w http.ResponseWriter, req *http.Request) {
	rq := classify(req)
	r.mu.Lock()
	user, pass := r.user, r.pass
	r.mu.Unlock()

	rec := &statusWriter{ResponseWriter: w, status: http.StatusOK}
	defer func() {
		rq.Status = rec.status
		r.mu.Lock()
		r.requests = append(r.requests, rq)
		r.mu.Unlock()
	}()

	if user != "" {
		u, p, ok := req.BasicAuth()
		if !ok || u != user || p != pass {
			w.Header().Set("WWW-Authenticate", `Basic realm="testreg"`)
			rec.WriteHeader(http.StatusUnauthorized)
			io.WriteString(rec, `{"errors":[{"code":"UNAUTHORIZED","message":"authentication required"}]}`)
			return
		}
	}
	// Faults apply to requests that passed authentication.
	r.mu.Lock()
	f := r.takeFault(rq)
	r.mu.Unlock()
	if f != nil && f.respond(rec) {
		return
	}
	if f != nil {
		r.inner.ServeHTTP(f.wrap(rec, req, r.closing), req)
		return
	}
	r.inner.ServeHTTP(rec, req)
}

// statusWriter remembers the status code written.
type statusWriter struct {
	http.ResponseWriter
	status int
}

func (s *statusWriter) WriteHeader(code int) {
	s.status = code
	s.ResponseWriter.WriteHeader(code)
}

func (s *statusWriter) Flush() {
	if fl, ok := s.ResponseWriter.(http.Flusher); ok {
		fl.Flush()
	}
}

// do sends one request straight to the registry handler, bypassing
// counting, faults and authentication (used to push fixtures).
func (r *Registry) do(method, path, contentType string, body []byte) (*http.Response, error) {
	req := httptest.NewRequest(method, path, bytes.NewReader(body))
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	rec := httptest.NewRecorder()
	r.inner.ServeHTTP(rec, req)
	res := rec.Result()
	if res.StatusCode >= 300 {
		b, _ := io.ReadAll(res.Body)
		return res, fmt.Errorf("%s %s: status %d: %s", method, path, res.StatusCode, bytes.TrimSpace(b))
	}
	return res, nil
}

// PutBlob uploads one blob to repo.
func (r *Registry) PutBlob(repo string, blob []byte) (v1.Hash, error) {
	h, _, err := v1.SHA256(bytes.NewReader(blob))
	if err != nil {
		return v1.Hash{}, err
	}
	path := "/v2/" + repo + "/blobs/uploads/?digest=" + h.String()
	if _, err := r.do(http.MethodPost, path, "application/octet-stream", blob); err != nil {
		return v1.Hash{}, fmt.Errorf("pushing blob %q: %w", h, err)
	}
	return h, nil
}

// PutManifest stores a raw manifest under repo:ref with its media type.
func (r *Registry) PutManifest(repo, ref, mediaType string, raw []byte) error {
	path := "/v2/" + repo + "/manifests/" + ref
	if _, err := r.do(http.MethodPut, path, mediaType, raw); err != nil {
		return fmt.Errorf("pushing manifest %q: %w", repo+":"+ref, err)
	}
	return nil
}
