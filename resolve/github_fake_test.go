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

// ghFake speaks the parts of the GitHub REST API and of github.com
// that the client uses, on 127.0.0.1.
type ghFake struct {
	t     *testing.T
	srv   *httptest.Server
	token string // when set, API calls must carry it

	mu       sync.Mutex
	repos    map[string]bool                  // "owner/repo"
	branches map[string]ghFakeCommit          // "owner/repo:branch"
	releases map[string][]ghFakeRelease       // "owner/repo", newest first
	tags     map[string][]string              // "owner/repo"
	archives map[string][]byte                // "owner/repo/rev"
	private  map[string]bool                  // "owner/repo": no public archive
	codeload string                           // where API tarballs redirect; "" = here
	limit    func(w http.ResponseWriter) bool // answers instead when true
	log      []ghFakeRequest
}

type ghFakeCommit struct {
	sha, message      string
	author, committer time.Time
}

type ghFakeRelease struct {
	tag                string
	draft, prerelease  bool
	published, created time.Time
}

type ghFakeRequest struct {
	path, auth string
}

func newGHFake(t *testing.T, token string) *ghFake {
	f := &ghFake{
		t:        t,
		token:    token,
		repos:    map[string]bool{},
		branches: map[string]ghFakeCommit{},
		releases: map[string][]ghFakeRelease{},
		tags:     map[string][]string{},
		archives: map[string][]byte{},
		private:  map[string]bool{},
	}
	f.srv = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.srv.Close)
	return f
}

// client returns a GitHub client pointed at the fake server: the API
// under /api/v3 as on GitHub Enterprise, archives at the root.
func (f *ghFake) client() *GitHub {
	return &GitHub{
		APIBase:     f.srv.URL + "/api/v3",
		ArchiveBase: f.srv.URL,
		Token:       f.token,
		HTTP:        f.srv.Client(),
		RetryWait:   time.Millisecond,
	}
}

func (f *ghFake) requests() []ghFakeRequest {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]ghFakeRequest(nil), f.log...)
}

func (f *ghFake) serve(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.log = append(f.log, ghFakeRequest{path: r.URL.Path, auth: r.Header.Get("Authorization")})

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
		if f.private[parts[0]+"/"+parts[1]] {
			http.NotFound(w, r)
			return
		}
		http.Redirect(w, r, "/codeload/"+parts[0]+"/"+parts[1]+"/tar.gz/"+rev, http.StatusFound)
		return
	}
	http.NotFound(w, r)
}

func (f *ghFake) serveAPI(w http.ResponseWriter, r *http.Request, path string) {
	rest, ok := strings.CutPrefix(path, "/repos/")
	if !ok {
		ghAPINotFound(w)
		return
	}
	parts := strings.SplitN(rest, "/", 3)
	if len(parts) < 2 || !f.repos[parts[0]+"/"+parts[1]] {
		ghAPINotFound(w)
		return
	}
	repo := parts[0] + "/" + parts[1]
	if len(parts) == 2 {
		ghWriteJSON(w, map[string]any{"full_name": repo})
		return
	}
	switch sub := parts[2]; {
	case strings.HasPrefix(sub, "branches/"):
		c, ok := f.branches[repo+":"+strings.TrimPrefix(sub, "branches/")]
		if !ok {
			ghAPINotFound(w)
			return
		}
		ghWriteJSON(w, map[string]any{
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
	case strings.HasPrefix(sub, "tarball/"):
		// The API redirects to codeload with a short-lived token.
		rev := strings.TrimPrefix(sub, "tarball/")
		if _, ok := f.archives[repo+"/"+rev]; !ok {
			ghAPINotFound(w)
			return
		}
		base := f.codeload
		if base == "" {
			base = f.srv.URL
		}
		http.Redirect(w, r, base+"/codeload/"+repo+"/tar.gz/"+rev+"?token=GHSAT0shortlived", http.StatusFound)
	case sub == "releases/latest":
		// GitHub's latest release: the newest that is neither a draft
		// nor a pre-release.
		for _, rel := range f.releases[repo] {
			if rel.draft || rel.prerelease {
				continue
			}
			ghWriteJSON(w, ghReleaseJSON(rel))
			return
		}
		ghAPINotFound(w)
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
		ghWriteJSON(w, list)
	default:
		ghAPINotFound(w)
	}
}

func ghReleaseJSON(rel ghFakeRelease) map[string]any {
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

func ghAPINotFound(w http.ResponseWriter) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusNotFound)
	fmt.Fprint(w, `{"message":"Not Found","documentation_url":"https://docs.github.com/rest"}`)
}

func ghWriteJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(v)
}

// paths lists the request paths in order, for assertions.
func ghPaths(reqs []ghFakeRequest) []string {
	var out []string
	for _, r := range reqs {
		out = append(out, r.path)
	}
	return out
}

func narSortedKeys[V any](m map[string]V) []string {
	var keys []string
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
