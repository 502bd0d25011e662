package resolve

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"
)

// fakeGitHub speaks the parts of the GitHub REST API and of github.com
// that the client uses, on 127.0.0.1.
type fakeGitHub struct {
	t     *testing.T
	srv   *httptest.Server
	token string // when set, API calls must carry it

	mu       sync.Mutex
	repos    map[string]bool                  // "owner/repo"
	branches map[string]fakeCommit            // "owner/repo:branch"
	releases map[string][]fakeRelease         // "owner/repo", newest first
	tags     map[string][]string              // "owner/repo"
	archives map[string][]byte                // "owner/repo/rev"
	limit    func(w http.ResponseWriter) bool // answers instead when true
	log      []fakeRequest
}

type fakeCommit struct {
	sha, message      string
	author, committer time.Time
}

type fakeRelease struct {
	tag                string
	draft, prerelease  bool
	published, created time.Time
}

type fakeRequest struct {
	path, auth string
}

func newFakeGitHub(t *testing.T, token string) *fakeGitHub {
	f := &fakeGitHub{
		t:        t,
		token:    token,
		repos:    map[string]bool{},
		branches: map[string]fakeCommit{},
		releases: map[string][]fakeRelease{},
		tags:     map[string][]string{},
		archives: map[string][]byte{},
	}
	f.srv = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.srv.Close)
	return f
}

// client returns a GitHub client pointed at the fake server: the API
// under /api/v3 as on GitHub Enterprise, archives at the root.
func (f *fakeGitHub) client() *GitHub {
	return &GitHub{
		APIBase:     f.srv.URL + "/api/v3",
		ArchiveBase: f.srv.URL,
		Token:       f.token,
		HTTP:        f.srv.Client(),
	}
}

func (f *fakeGitHub) requests() []fakeRequest {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]fakeRequest(nil), f.log...)
}

func (f *fakeGitHub) serve(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.log = append(f.log, fakeRequest{path: r.URL.Path, auth: r.Header.Get("Authorization")})

	if api, ok := strings.CutPrefix(r.URL.Path, "/api/v3"); ok {
		if f.token != "" && r.Header.Get("Authorization") != "Bearer "+f.token {
			w.WriteHeader(http.StatusUnauthorized)
			fmt.Fprintf(w, `{"message":"Bad credentials"}`)
			return
		}
		if f.limit != nil && f.limit(w) {
			return
		}
		f.serveAPI(w, r, api)
		return
	}
	if rest, ok := strings.CutPrefix(r.URL.Path, "/codeload/"); ok {
		// /codeload/OWNER/REPO/tar.gz/REV
		parts := strings.SplitN(rest, "/", 4)
		if len(parts) == 4 && parts[2] == "tar.gz" {
			if data, ok := f.archives[parts[0]+"/"+parts[1]+"/"+parts[3]]; ok {
				w.Header().Set("Content-Type", "application/x-gzip")
				w.Write(data)
				return
			}
		}
		http.NotFound(w, r)
		return
	}
	// github.com redirects OWNER/REPO/archive/REV.tar.gz to codeload.
	parts := strings.SplitN(strings.TrimPrefix(r.URL.Path, "/"), "/", 4)
	if len(parts) == 4 && parts[2] == "archive" && strings.HasSuffix(parts[3], ".tar.gz") {
		rev := strings.TrimSuffix(parts[3], ".tar.gz")
		http.Redirect(w, r, "/codeload/"+parts[0]+"/"+parts[1]+"/tar.gz/"+rev, http.StatusFound)
		return
	}
	http.NotFound(w, r)
}

func (f *fakeGitHub) serveAPI(w http.ResponseWriter, r *http.Request, path string) {
	rest, ok := strings.CutPrefix(path, "/repos/")
	if !ok {
		apiNotFound(w)
		return
	}
	parts := strings.SplitN(rest, "/", 3)
	if len(parts) < 2 || !f.repos[parts[0]+"/"+parts[1]] {
		apiNotFound(w)
		return
	}
	repo := parts[0] + "/" + parts[1]
	if len(parts) == 2 {
		writeJSON(w, map[string]any{"full_name": repo})
		return
	}
	switch sub := parts[2]; {
	case strings.HasPrefix(sub, "branches/"):
		c, ok := f.branches[repo+":"+strings.TrimPrefix(sub, "branches/")]
		if !ok {
			apiNotFound(w)
			return
		}
		writeJSON(w, map[string]any{
			"name": strings.TrimPrefix(sub, "branches/"),
			"commit": map[string]any{
				"sha": c.sha,
				"commit": map[string]any{
					"message":   c.message,
					"author":    map[string]any{"name": "A", "email": "a@example.com", "date": c.author},
					"committer": map[string]any{"name": "C", "email": "c@example.com", "date": c.committer},
				},
			},
			"protected": false,
		})
	case sub == "releases/latest":
		// GitHub's latest release: the newest that is neither a draft
		// nor a pre-release.
		for _, rel := range f.releases[repo] {
			if rel.draft || rel.prerelease {
				continue
			}
			writeJSON(w, releaseJSON(rel))
			return
		}
		apiNotFound(w)
	case sub == "tags":
		if r.URL.Query().Get("per_page") == "" {
			f.t.Errorf("tags listed without per_page")
		}
		var list []map[string]any
		for _, tag := range f.tags[repo] {
			list = append(list, map[string]any{"name": tag})
		}
		if list == nil {
			list = []map[string]any{}
		}
		writeJSON(w, list)
	default:
		apiNotFound(w)
	}
}

func releaseJSON(rel fakeRelease) map[string]any {
	m := map[string]any{
		"tag_name":   rel.tag,
		"name":       "Release " + rel.tag,
		"draft":      rel.draft,
		"prerelease": rel.prerelease,
		"created_at": rel.created,
	}
	if rel.published.IsZero() {
		m["published_at"] = nil
	} else {
		m["published_at"] = rel.published
	}
	return m
}

func apiNotFound(w http.ResponseWriter) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusNotFound)
	fmt.Fprint(w, `{"message":"Not Found","documentation_url":"https://docs.github.com/rest"}`)
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(v)
}

// paths lists the request paths in order, for assertions.
func paths(reqs []fakeRequest) []string {
	var out []string
	for _, r := range reqs {
		out = append(out, r.path)
	}
	return out
}

func sortedKeys[V any](m map[string]V) []string {
	var keys []string
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
