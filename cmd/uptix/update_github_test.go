package main

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/uptix-dev/uptix/lock"
	"github.com/uptix-dev/uptix/resolve"
)

// fakeGitHub serves the parts of the GitHub API and archive host that
// resolve.GitHub uses, on 127.0.0.1, and counts archive downloads.
type fakeGitHub struct {
	srv *httptest.Server

	mu       sync.Mutex
	heads    map[string]string // "owner/repo:branch" -> commit
	subjects map[string]string // commit -> message
	releases map[string]string // "owner/repo" -> tag
	archives int
}

var fakeTime = time.Date(2024, 9, 2, 8, 12, 44, 0, time.UTC)

func startFakeGitHub() *fakeGitHub {
	f := &fakeGitHub{heads: map[string]string{}, subjects: map[string]string{}, releases: map[string]string{}}
	f.srv = httptest.NewServer(http.HandlerFunc(f.serve))
	return f
}

func (f *fakeGitHub) setBranch(repoBranch, sha, message string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.heads[repoBranch] = sha
	f.subjects[sha] = message
}

func (f *fakeGitHub) setRelease(repo, tag string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.releases[repo] = tag
}

func (f *fakeGitHub) archiveCount() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.archives
}

func (f *fakeGitHub) serve(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	parts := strings.Split(strings.TrimPrefix(r.URL.Path, "/"), "/")
	switch {
	case len(parts) == 5 && parts[0] == "repos" && parts[3] == "branches":
		sha, ok := f.heads[parts[1]+"/"+parts[2]+":"+parts[4]]
		if !ok {
			http.Error(w, `{"message": "Branch not found"}`, http.StatusNotFound)
			return
		}
		var body struct {
			Commit struct {
				SHA    string `json:"sha"`
				Commit struct {
					Message string `json:"message"`
					Author  struct {
						Date time.Time `json:"date"`
					} `json:"author"`
				} `json:"commit"`
			} `json:"commit"`
		}
		body.Commit.SHA = sha
		body.Commit.Commit.Message = f.subjects[sha]
		body.Commit.Commit.Author.Date = fakeTime
		json.NewEncoder(w).Encode(body)
	case len(parts) == 5 && parts[0] == "repos" && parts[3] == "releases" && parts[4] == "latest":
		tag, ok := f.releases[parts[1]+"/"+parts[2]]
		if !ok {
			http.Error(w, `{"message": "Not Found"}`, http.StatusNotFound)
			return
		}
		fmt.Fprintf(w, `{"tag_name": %q, "published_at": %q}`, tag, fakeTime.Format(time.RFC3339))
	case len(parts) == 3 && parts[0] == "repos":
		fmt.Fprintf(w, `{"full_name": "%s/%s"}`, parts[1], parts[2])
	case len(parts) == 4 && parts[2] == "archive" && strings.HasSuffix(parts[3], ".tar.gz"):
		f.archives++
		w.Write(sourceTarball(parts[1], parts[2], strings.TrimSuffix(parts[3], ".tar.gz")))
	default:
		http.Error(w, `{"message": "Not Found"}`, http.StatusNotFound)
	}
}

// sourceTarball is a GitHub-like archive of repo at rev: one top-level
// directory holding a README that names the revision.
func sourceTarball(owner, repo, rev string) []byte {
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	tw := tar.NewWriter(zw)
	root := repo + "-" + strings.TrimPrefix(rev, "v") + "/"
	tw.WriteHeader(&tar.Header{Name: root, Typeflag: tar.TypeDir, Mode: 0o755, ModTime: fakeTime})
	content := fmt.Sprintf("%s/%s at %s\n", owner, repo, rev)
	tw.WriteHeader(&tar.Header{Name: root + "README", Typeflag: tar.TypeReg, Mode: 0o644, Size: int64(len(content)), ModTime: fakeTime})
	tw.Write([]byte(content))
	tw.Close()
	zw.Close()
	return buf.Bytes()
}

// TestUpdateRealGitHubClient runs the update with resolve.GitHub against
// the fake: a head that has not moved costs one API call and no archive.
func TestUpdateRealGitHubClient(t *testing.T) {
	gh := startFakeGitHub()
	defer gh.srv.Close()
	gh.setBranch("example/tool:main", strings.Repeat("a", 40), "Add the first board\n\nbody")
	gh.setRelease("example/tool", "v1.2.0")
	want := []wantedDep{{key: "$GITHUB_BRANCH$:example/tool:main$"}, {key: "$GITHUB_RELEASE$:example/tool$"}}
	u := newTestUpdater(nil)
	u.sources = &resolve.GitHub{APIBase: gh.srv.URL, ArchiveBase: gh.srv.URL}
	ctx := context.Background()

	first, outs := u.run(ctx, lock.New(), makePlan(lock.New(), want, nil))
	if got := statuses(outs); got != "added "+want[0].key+"\nadded "+want[1].key+"\n" || gh.archiveCount() != 2 {
		t.Fatalf("first run (%d archives):\n%s", gh.archiveCount(), got)
	}
	e := first.Entries[want[0].key]
	if e.Metadata.ResolvedVersion != "aaaaaaa (Add the first board)" || len(e.GitHub.SHA256) != 52 {
		t.Errorf("branch entry:\n%s", e.Bytes())
	}

	second, outs := u.run(ctx, first, makePlan(first, want, nil))
	if got := statuses(outs); got != "unchanged "+want[0].key+"\nunchanged "+want[1].key+"\n" || gh.archiveCount() != 2 {
		t.Errorf("second run (%d archives):\n%s", gh.archiveCount(), got)
	}
	if !bytes.Equal(second.Marshal(), first.Marshal()) {
		t.Error("second run changed the lock")
	}

	gh.setRelease("example/tool", "v1.3.0")
	third, outs := u.run(ctx, second, makePlan(second, want, nil))
	if got := statuses(outs); got != "unchanged "+want[0].key+"\nupdated "+want[1].key+"\n" || gh.archiveCount() != 3 {
		t.Errorf("third run (%d archives):\n%s", gh.archiveCount(), got)
	}
	if a, b := second.Entries[want[1].key].GitHub, third.Entries[want[1].key].GitHub; a.SHA256 == b.SHA256 || b.Rev != "v1.3.0" {
		t.Errorf("release entry: %+v", b)
	}
}

// The github command gives scripts a fake GitHub; uptix finds it
// through GITHUB_API_URL and GITHUB_SERVER_URL:
//
//	github start
//	github branch OWNER/REPO:BRANCH SHA SUBJECT
//	github release OWNER/REPO TAG
//	github archives            print how many archives were downloaded
func init() {
	scriptCmds["github"] = githubCmd
	scriptSetups = append(scriptSetups, func(e *testscript.Env) error {
		e.Values[githubKey{}] = &githubHolder{}
		return nil
	})
}

type githubKey struct{}

type githubHolder struct{ gh *fakeGitHub }

func githubCmd(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) == 0 {
		ts.Fatalf("usage: github start|branch|release|archives ...")
	}
	h := ts.Value(githubKey{}).(*githubHolder)
	if args[0] == "start" {
		h.gh = startFakeGitHub()
		ts.Defer(h.gh.srv.Close)
		ts.Setenv("GITHUB_API_URL", h.gh.srv.URL)
		ts.Setenv("GITHUB_SERVER_URL", h.gh.srv.URL)
		return
	}
	if h.gh == nil {
		ts.Fatalf("github %s: run 'github start' first", args[0])
	}
	switch {
	case args[0] == "branch" && len(args) == 4:
		h.gh.setBranch(args[1], args[2], args[3])
	case args[0] == "release" && len(args) == 3:
		h.gh.setRelease(args[1], args[2])
	case args[0] == "archives" && len(args) == 1:
		fmt.Fprintf(ts.Stdout(), "archives=%d\n", h.gh.archiveCount())
	default:
		ts.Fatalf("github: bad arguments %q", args)
	}
}
