package testreg

import (
	"net/http"
	"strings"
)

// Kind says what a request was for.
type Kind string

// Request kinds.
const (
	KindPing     Kind = "ping"     // /v2/
	KindManifest Kind = "manifest" // /v2/REPO/manifests/REF
	KindBlob     Kind = "blob"     // /v2/REPO/blobs/DIGEST
	KindUpload   Kind = "upload"   // /v2/REPO/blobs/uploads/...
	KindOther    Kind = "other"
)

// Request is one request the registry received.
type Request struct {
	Method string
	Path   string
	Kind   Kind
	Repo   string // empty for pings
	Ref    string // tag or digest for manifests and blobs
	Range  string // the Range header, if any
	Status int
}

// Counts sums requests by kind and method.
type Counts struct {
	Ping         int
	ManifestHEAD int
	ManifestGET  int
	BlobHEAD     int
	BlobGET      int // including ranged GETs
	BlobRangeGET int // GETs that carried a Range header
	Upload       int
	Other        int
}

func classify(req *http.Request) Request {
	rq := Request{Method: req.Method, Path: req.URL.Path, Kind: KindOther, Range: req.Header.Get("Range")}
	p := strings.TrimSuffix(req.URL.Path, "/")
	if p == "/v2" {
		rq.Kind = KindPing
		return rq
	}
	if !strings.HasPrefix(p, "/v2/") {
		return rq
	}
	p = strings.TrimPrefix(p, "/v2/")
	if i := strings.Index(p, "/blobs/uploads"); i >= 0 {
		rq.Kind, rq.Repo = KindUpload, p[:i]
		return rq
	}
	for _, k := range []Kind{KindManifest, KindBlob} {
		sep := "/" + string(k) + "s/"
		if i := strings.LastIndex(p, sep); i >= 0 {
			rq.Kind, rq.Repo, rq.Ref = k, p[:i], p[i+len(sep):]
			return rq
		}
	}
	return rq
}

func (c *Counts) add(rq Request) {
	switch {
	case rq.Kind == KindPing:
		c.Ping++
	case rq.Kind == KindManifest && rq.Method == http.MethodHead:
		c.ManifestHEAD++
	case rq.Kind == KindManifest && rq.Method == http.MethodGet:
		c.ManifestGET++
	case rq.Kind == KindBlob && rq.Method == http.MethodHead:
		c.BlobHEAD++
	case rq.Kind == KindBlob && rq.Method == http.MethodGet:
		c.BlobGET++
		if rq.Range != "" {
			c.BlobRangeGET++
		}
	case rq.Kind == KindUpload:
		c.Upload++
	default:
		c.Other++
	}
}

// Requests returns a copy of every request received so far.
func (r *Registry) Requests() []Request {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]Request(nil), r.requests...)
}

// Counts sums the requests for repo; an empty repo counts all requests.
func (r *Registry) Counts(repo string) Counts {
	var c Counts
	for _, rq := range r.Requests() {
		if repo == "" || rq.Repo == repo {
			c.add(rq)
		}
	}
	return c
}

// Reset forgets the requests received so far.
func (r *Registry) Reset() {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.requests = nil
}
