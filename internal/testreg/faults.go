package testreg

import (
	"fmt"
	"net/http"
	"strconv"
	"time"
)

// FaultKind names a way to misbehave.
type FaultKind int

// Faults the registry can inject.
const (
	// TooMany answers 429 with a Retry-After header.
	TooMany FaultKind = iota
	// ServerError answers 500.
	ServerError
	// Truncate sends the headers of a normal response (including the
	// full Content-Length) but only the first half of the body, then
	// drops the connection.
	Truncate
	// Corrupt sends the full body with one byte in the middle flipped.
	Corrupt
	// Stall sends the headers and the first half of the body, then
	// waits until the client goes away (or the registry closes).
	Stall
)

// Fault describes a fault to inject into matching requests.
type Fault struct {
	Kind FaultKind
	// Count is how many matching requests fail; 0 means every one.
	Count int
	// Match selects requests; nil matches all. The helpers Blobs and
	// Manifests build common matchers.
	Match func(Request) bool
	// RetryAfter is sent with TooMany (rounded to whole seconds; 0
	// sends "0").
	RetryAfter time.Duration

	used int
}

// Blobs matches blob GETs (of repo, or any repo when repo is empty).
func Blobs(repo string) func(Request) bool {
	return func(rq Request) bool {
		return rq.Kind == KindBlob && rq.Method == http.MethodGet && (repo == "" || rq.Repo == repo)
	}
}

// Manifests matches manifest requests (of repo, or any when empty).
func Manifests(repo string) func(Request) bool {
	return func(rq Request) bool {
		return rq.Kind == KindManifest && (repo == "" || rq.Repo == repo)
	}
}

// Inject adds a fault; faults are tried in the order added.
func (r *Registry) Inject(f Fault) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.faults = append(r.faults, &f)
}

// ClearFaults removes every fault.
func (r *Registry) ClearFaults() {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.faults = nil
}

// takeFault returns the first fault matching rq and uses it up; r.mu
// must be held.
func (r *Registry) takeFault(rq Request) *Fault {
	for _, f := range r.faults {
		if f.Count > 0 && f.used >= f.Count {
			continue
		}
		if f.Match != nil && !f.Match(rq) {
			continue
		}
		f.used++
		return f
	}
	return nil
}

// respond answers the request itself for status faults and reports
// whether it did.
func (f *Fault) respond(w http.ResponseWriter) bool {
	switch f.Kind {
	case TooMany:
		w.Header().Set("Retry-After", strconv.Itoa(int(f.RetryAfter.Round(time.Second)/time.Second)))
		w.WriteHeader(http.StatusTooManyRequests)
		fmt.Fprint(w, `{"errors":[{"code":"TOOMANYREQUESTS","message":"slow down"}]}`)
		return true
	case ServerError:
		w.WriteHeader(http.StatusInternalServerError)
		fmt.Fprint(w, `{"errors":[{"code":"UNKNOWN","message":"injected failure"}]}`)
		return true
	}
	return false
}

// wrap returns a writer that damages the body for body faults.
func (f *Fault) wrap(w http.ResponseWriter, req *http.Request, closing <-chan struct{}) http.ResponseWriter {
	return &damager{ResponseWriter: w, kind: f.Kind, req: req, closing: closing}
}

type damager struct {
	http.ResponseWriter
	kind    FaultKind
	req     *http.Request
	closing <-chan struct{}
	length  int64 // declared Content-Length, -1 if unknown
	written int64
	started bool
}

func (d *damager) WriteHeader(code int) {
	d.started = true
	d.length = -1
	if n, err := strconv.ParseInt(d.Header().Get("Content-Length"), 10, 64); err == nil {
		d.length = n
	}
	d.ResponseWriter.WriteHeader(code)
}

func (d *damager) Write(p []byte) (int, error) {
	if !d.started {
		d.WriteHeader(http.StatusOK)
	}
	n := len(p)
	switch {
	case d.length <= 0:
	case d.kind == Truncate || d.kind == Stall:
		half := d.length / 2
		if d.written+int64(n) > half {
			d.ResponseWriter.Write(p[:half-d.written])
			if fl, ok := d.ResponseWriter.(http.Flusher); ok {
				fl.Flush()
			}
			if d.kind == Stall {
				select {
				case <-d.req.Context().Done():
				case <-d.closing:
				}
			}
			panic(http.ErrAbortHandler) // drop the connection
		}
	case d.kind == Corrupt:
		mid := d.length / 2
		if mid >= d.written && mid < d.written+int64(n) {
			q := append([]byte(nil), p...)
			q[mid-d.written] ^= 0xff
			p = q
		}
	}
	d.written += int64(n)
	if _, err := d.ResponseWriter.Write(p); err != nil {
		return 0, err
	}
	return n, nil
}
