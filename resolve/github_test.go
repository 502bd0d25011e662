package resolve

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/nix-community/go-nix/pkg/nixhash"
)

const (
	ghTestToken = "ghp_uptixTestToken0123456789abcdef"
	ghTestSHA   = "b28012d8b7f8ef54492c66f3a77074391e9818b9"
)

var (
	ghAuthorDate    = time.Date(2024, 11, 1, 14, 32, 10, 0, time.UTC)
	ghCommitterDate = time.Date(2024, 11, 2, 8, 0, 0, 0, time.UTC)
)

// ghGitArchive returns the git-archive style test tarball.
func ghGitArchive(t *testing.T) []byte {
	return narBuildTar(t, 0, true, validNarCases()[0].ents...)
}

// ghEntryJSON renders a result as the lock entry the lock file holds.
func ghEntryJSON(t *testing.T, r *SourceResult) string {
	t.Helper()
	b, err := json.MarshalIndent(map[string]any{
		r.Key(): map[string]any{"metadata": r.Metadata(), "lock": r.Lock()},
	}, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	return string(b) + "\n"
}

// ghCheckGolden compares got with testdata/github/NAME; run with
// UPTIX_UPDATE_GOLDEN=1 to rewrite the file.
func ghCheckGolden(t *testing.T, name, got string) {
	t.Helper()
	file := filepath.Join("testdata", "github", name)
	if os.Getenv("UPTIX_UPDATE_GOLDEN") == "1" {
		if err := os.WriteFile(file, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	if got != string(want) {
		t.Errorf("%s differs:\n--- got\n%s--- want\n%s", name, got, want)
	}
}

// ghCheckNoToken fails if the token appears in an error.
func ghCheckNoToken(t *testing.T, err error) {
	t.Helper()
	if err != nil && strings.Contains(err.Error(), ghTestToken) {
		t.Fatalf("error shows the token: %v", err)
	}
}

func TestGitHubBranch(t *testing.T) {
	f := newGHFake(t, ghTestToken)
	archive := ghGitArchive(t)
	f.repos["luizribeiro/uptix"] = true
	f.branches["luizribeiro/uptix:main"] = ghFakeCommit{
		sha:     ghTestSHA,
		message: "Add temperature calibration feature\n\nLonger body.\n",
		author:  ghAuthorDate, committer: ghCommitterDate,
	}
	f.archives["luizribeiro/uptix/"+ghTestSHA] = archive

	gh := f.client()
	var progress int64
	gh.Progress = func(owner, repo string, n int64) {
		if owner != "luizribeiro" || repo != "uptix" {
			t.Errorf("progress for %s/%s", owner, repo)
		}
		progress = n
	}
	res, err := gh.Branch(context.Background(), "luizribeiro", "uptix", "main")
	if err != nil {
		t.Fatal(err)
	}
	ghCheckGolden(t, "branch-entry.json", ghEntryJSON(t, res))

	want, err := NarHashTarball(bytes.NewReader(archive))
	if err != nil {
		t.Fatal(err)
	}
	if res.SHA256 != want.Format(nixhash.NixBase32, false) || res.SRI() != want.Format(nixhash.SRI, true) {
		t.Errorf("hash %s / %s, want the archive's %s", res.SHA256, res.SRI(), want.Format(nixhash.SRI, true))
	}
	if res.Commit.CommitterDate != ghCommitterDate || res.Commit.Subject != "Add temperature calibration feature" {
		t.Errorf("commit = %+v", res.Commit)
	}
	if progress != int64(len(archive)) {
		t.Errorf("progress reported %d bytes, archive has %d", progress, len(archive))
	}

	// The token goes to the API, never to the archive host.
	reqs := f.requests()
	wantPaths := []string{
		"/api/v3/repos/luizribeiro/uptix/branches/main",
		"/luizribeiro/uptix/archive/" + ghTestSHA + ".tar.gz",
		"/codeload/luizribeiro/uptix/tar.gz/" + ghTestSHA,
	}
	if got := ghPaths(reqs); !reflect.DeepEqual(got, wantPaths) {
		t.Fatalf("requests %q, want %q", got, wantPaths)
	}
	if reqs[0].auth != "Bearer "+ghTestToken {
		t.Errorf("API call sent Authorization %q", reqs[0].auth)
	}
	for _, r := range reqs[1:] {
		if r.auth != "" {
			t.Errorf("archive request %s sent Authorization", r.path)
		}
	}
}

// TestGitHubBranchMatchesNix hashes the served archive with Nix too.
func TestGitHubBranchMatchesNix(t *testing.T) {
	nix := newNarNixEnv(t)
	f := newGHFake(t, "")
	archive := ghGitArchive(t)
	f.repos["o/r"] = true
	f.branches["o/r:main"] = ghFakeCommit{sha: ghTestSHA, message: "m", author: ghAuthorDate}
	f.archives["o/r/"+ghTestSHA] = archive
	res, err := f.client().Branch(context.Background(), "o", "r", "main")
	if err != nil {
		t.Fatal(err)
	}
	if want := nix.hashPath(t, narGNUUnpack(t, archive)); res.SRI() != want {
		t.Fatalf("hash %s, nix hash path %s", res.SRI(), want)
	}
	if f.requests()[0].auth != "" {
		t.Errorf("sent Authorization without a token")
	}
}

func TestGitHubBranchSubject(t *testing.T) {
	cases := []struct{ message, want string }{
		{"short", ghTestSHA[:7] + " (short)"},
		{"first line\r\nsecond", ghTestSHA[:7] + " (first line)"},
		{strings.Repeat("x", 50), ghTestSHA[:7] + " (" + strings.Repeat("x", 50) + ")"},
		{strings.Repeat("y", 51) + "\nbody", ghTestSHA[:7] + " (" + strings.Repeat("y", 50) + "...)"},
		{strings.Repeat("ü", 60), ghTestSHA[:7] + " (" + strings.Repeat("ü", 50) + "...)"},
		{"", ghTestSHA[:7] + " ()"},
	}
	for _, c := range cases {
		r := &SourceResult{Type: GitHubBranchType, Rev: ghTestSHA,
			Commit: &GitHubCommit{Subject: ghFirstLine(c.message)}}
		if got := r.Metadata().ResolvedVersion; got != c.want {
			t.Errorf("message %q: resolved_version %q, want %q", c.message, got, c.want)
		}
	}
}

func TestGitHubBranchWithSlash(t *testing.T) {
	f := newGHFake(t, "")
	f.repos["o/r"] = true
	f.branches["o/r:feature/x"] = ghFakeCommit{sha: ghTestSHA, message: "m", author: ghAuthorDate}
	c, err := f.client().BranchHead(context.Background(), "o", "r", "feature/x")
	if err != nil {
		t.Fatal(err)
	}
	if c.SHA != ghTestSHA || f.requests()[0].path != "/api/v3/repos/o/r/branches/feature/x" {
		t.Fatalf("commit %+v, requests %q", c, ghPaths(f.requests()))
	}
}

func TestGitHubRelease(t *testing.T) {
	f := newGHFake(t, ghTestToken)
	archive := narBuildTar(t, 0, true, validNarCases()[2].ents...) // a single file
	f.repos["luizribeiro/uptix"] = true
	f.releases["luizribeiro/uptix"] = []ghFakeRelease{
		{tag: "v0.3.0-rc1", prerelease: true, published: ghAuthorDate.Add(48 * time.Hour)},
		{tag: "v0.3.0", draft: true, created: ghAuthorDate.Add(24 * time.Hour)},
		{tag: "v0.2.1", published: ghAuthorDate, created: ghAuthorDate.Add(-time.Hour)},
		{tag: "v0.2.0", published: ghAuthorDate.Add(-240 * time.Hour)},
	}
	f.archives["luizribeiro/uptix/v0.2.1"] = archive

	res, err := f.client().Release(context.Background(), "luizribeiro", "uptix")
	if err != nil {
		t.Fatal(err)
	}
	ghCheckGolden(t, "release-entry.json", ghEntryJSON(t, res))
	if res.Release.Tag != "v0.2.1" || !res.Release.Published.Equal(ghAuthorDate) {
		t.Errorf("release = %+v", res.Release)
	}
	for _, r := range f.requests() {
		isAPI := strings.HasPrefix(r.path, "/api/")
		if isAPI != (r.auth == "Bearer "+ghTestToken) {
			t.Errorf("%s sent Authorization %q", r.path, r.auth)
		}
	}
}

func TestGitHubReleaseWithoutPublishedDate(t *testing.T) {
	f := newGHFake(t, "")
	f.repos["o/r"] = true
	f.releases["o/r"] = []ghFakeRelease{{tag: "1.0", created: ghAuthorDate}}
	rel, err := f.client().LatestRelease(context.Background(), "o", "r")
	if err != nil {
		t.Fatal(err)
	}
	if rel.Tag != "1.0" || !rel.Published.Equal(ghAuthorDate) {
		t.Fatalf("release = %+v, want tag 1.0 dated %s", rel, ghAuthorDate)
	}
}

func TestGitHubReleaseErrors(t *testing.T) {
	f := newGHFake(t, ghTestToken)
	f.repos["o/tags-only"] = true
	f.tags["o/tags-only"] = []string{"v2.0.0", "v1.0.0"}
	f.repos["o/prerelease-only"] = true
	f.releases["o/prerelease-only"] = []ghFakeRelease{{tag: "v1-beta", prerelease: true}}
	f.tags["o/prerelease-only"] = []string{"v1-beta"}
	f.repos["o/bare"] = true

	cases := []struct{ repo, want string }{
		{"tags-only", `resolving GitHub release of "o/tags-only": "o/tags-only" has tags (such as "v2.0.0") but no published release (drafts and pre-releases do not count); pin a branch with uptix.githubBranch instead: not found on GitHub`},
		{"prerelease-only", `"o/prerelease-only" has tags (such as "v1-beta") but no published release`},
		{"bare", `"o/bare" has no published release and no tags; pin a branch with uptix.githubBranch instead`},
		{"missing", `resolving GitHub release of "o/missing": repository "o/missing": not found on GitHub`},
	}
	for _, c := range cases {
		_, err := f.client().Release(context.Background(), "o", c.repo)
		ghCheckNoToken(t, err)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: err = %v, want %q", c.repo, err, c.want)
		}
		if !errors.Is(err, ErrGitHubNotFound) {
			t.Errorf("%s: error does not wrap ErrGitHubNotFound", c.repo)
		}
	}
}

func TestGitHubNotFound(t *testing.T) {
	f := newGHFake(t, "")
	f.repos["o/r"] = true
	f.branches["o/r:main"] = ghFakeCommit{sha: ghTestSHA, message: "m", author: ghAuthorDate}
	cases := []struct{ repo, branch, want string }{
		{"r", "nope", `resolving GitHub branch "o/r:nope": branch "nope" of "o/r": not found on GitHub`},
		{"gone", "main", `resolving GitHub branch "o/gone:main": repository "o/gone" (if it is private, set GITHUB_TOKEN): not found on GitHub`},
		// The branch exists but the archive does not.
		{"r", "main", `/o/r/archive/` + ghTestSHA + `.tar.gz": not found on GitHub`},
	}
	for _, c := range cases {
		_, err := f.client().Branch(context.Background(), "o", c.repo, c.branch)
		if err == nil || !strings.Contains(err.Error(), c.want) || !errors.Is(err, ErrGitHubNotFound) {
			t.Errorf("%s:%s: err = %v, want %q", c.repo, c.branch, err, c.want)
		}
	}
}

func TestGitHubRateLimit(t *testing.T) {
	reset := time.Date(2026, 12, 3, 18, 0, 0, 0, time.UTC)
	f := newGHFake(t, "")
	f.repos["o/r"] = true
	f.limit = func(w http.ResponseWriter) bool {
		w.Header().Set("X-RateLimit-Limit", "60")
		w.Header().Set("X-RateLimit-Remaining", "0")
		w.Header().Set("X-RateLimit-Reset", strconv.FormatInt(reset.Unix(), 10))
		w.WriteHeader(http.StatusForbidden)
		fmt.Fprint(w, `{"message":"API rate limit exceeded for 127.0.0.1."}`)
		return true
	}
	_, err := f.client().Branch(context.Background(), "o", "r", "main")
	want := `resolving GitHub branch "o/r:main": GitHub API rate limit exceeded; it resets at 2026-12-03T18:00:00Z`
	if err == nil || !strings.HasPrefix(err.Error(), want) || !strings.HasSuffix(err.Error(), "; set GITHUB_TOKEN to raise the limit") {
		t.Fatalf("err = %v, want it to start with %q and suggest GITHUB_TOKEN", err, want)
	}
	var rl *GitHubRateLimitError
	if !errors.As(err, &rl) || !rl.Reset.Equal(reset) {
		t.Fatalf("err = %#v, want a GitHubRateLimitError resetting at %s", err, reset)
	}

	// Secondary limit: 429 with Retry-After, and a token already set.
	f.token = ghTestToken
	f.limit = func(w http.ResponseWriter) bool {
		w.Header().Set("Retry-After", "120")
		w.WriteHeader(http.StatusTooManyRequests)
		fmt.Fprint(w, `{"message":"You have exceeded a secondary rate limit."}`)
		return true
	}
	before := time.Now()
	_, err = f.client().Release(context.Background(), "o", "r")
	ghCheckNoToken(t, err)
	if !errors.As(err, &rl) {
		t.Fatalf("err = %v, want a GitHubRateLimitError", err)
	}
	if d := rl.Reset.Sub(before); d < 118*time.Second || d > 122*time.Second {
		t.Errorf("reset %s is %s after the request, want about 2m", rl.Reset, d)
	}
	if !strings.Contains(err.Error(), "it resets at "+rl.Reset.UTC().Format(time.RFC3339)) ||
		strings.Contains(err.Error(), "GITHUB_TOKEN") {
		t.Errorf("err = %v, want the reset time and no token advice", err)
	}
}

func TestGitHubPrivateArchive(t *testing.T) {
	f := newGHFake(t, ghTestToken)
	f.repos["o/private"] = true
	f.private["o/private"] = true
	f.branches["o/private:main"] = ghFakeCommit{sha: ghTestSHA, message: "m", author: ghAuthorDate}
	// The API's tarball names its top directory OWNER-REPO-SHORTSHA.
	f.archives["o/private/"+ghTestSHA] = narBuildTar(t, 0, true,
		nfile("o-private-b28012d/README", "private\n"), nmode("o-private-b28012d/run", "#!/bin/sh\n", 0o755))
	public := narBuildTar(t, 0, true,
		nfile("private-"+ghTestSHA+"/README", "private\n"), nmode("private-"+ghTestSHA+"/run", "#!/bin/sh\n", 0o755))
	want, err := NarHashTarball(bytes.NewReader(public))
	if err != nil {
		t.Fatal(err)
	}

	res, err := f.client().Branch(context.Background(), "o", "private", "main")
	if err != nil {
		t.Fatal(err)
	}
	if res.SRI() != want.Format(nixhash.SRI, true) {
		t.Errorf("hash %s, want %s as for the public archive", res.SRI(), want.Format(nixhash.SRI, true))
	}
	wantPaths := []string{
		"/api/v3/repos/o/private/branches/main",
		"/o/private/archive/" + ghTestSHA + ".tar.gz",
		"/api/v3/repos/o/private/tarball/" + ghTestSHA,
		"/codeload/o/private/tar.gz/" + ghTestSHA,
	}
	reqs := f.requests()
	if got := ghPaths(reqs); !reflect.DeepEqual(got, wantPaths) {
		t.Fatalf("requests %q, want %q", got, wantPaths)
	}
	if reqs[2].auth != "Bearer "+ghTestToken || reqs[1].auth != "" || reqs[3].auth != "" {
		t.Errorf("Authorization sent: archive %q, API tarball %q, codeload %q", reqs[1].auth, reqs[2].auth, reqs[3].auth)
	}

	// Without a token there is no fallback.
	gh := f.client()
	gh.Token = ""
	f.token = ""
	_, err = gh.HashArchive(context.Background(), "o", "private", ghTestSHA)
	if !errors.Is(err, ErrGitHubNotFound) || strings.Contains(err.Error(), "tarball") {
		t.Errorf("err = %v, want the archive not found", err)
	}

	// A failing redirect target does not show the short-lived token.
	f.token = ghTestToken
	f.codeload = "http://127.0.0.1:1"
	_, err = f.client().HashArchive(context.Background(), "o", "private", ghTestSHA)
	if err == nil || strings.Contains(err.Error(), "GHSAT0shortlived") || !strings.Contains(err.Error(), "127.0.0.1:1/codeload/") {
		t.Errorf("err = %v, want a connection error without the redirect's token", err)
	}
	ghCheckNoToken(t, err)
}

func TestGitHubRetries(t *testing.T) {
	f := newGHFake(t, "")
	f.repos["o/r"] = true
	f.branches["o/r:main"] = ghFakeCommit{sha: ghTestSHA, message: "m", author: ghAuthorDate}
	f.archives["o/r/"+ghTestSHA] = narBuildTar(t, 0, true, nfile("r/x", "x"))
	failures := 2
	f.limit = func(w http.ResponseWriter) bool {
		if failures == 0 {
			return false
		}
		failures--
		w.WriteHeader(http.StatusBadGateway)
		return true
	}
	res, err := f.client().Branch(context.Background(), "o", "r", "main")
	if err != nil {
		t.Fatalf("after two 502s: %v", err)
	}
	if res.Rev != ghTestSHA || len(f.requests()) != 5 {
		t.Fatalf("rev %s after requests %q", res.Rev, ghPaths(f.requests()))
	}

	// A persistent 503 is reported after three attempts.
	f.log = nil
	f.limit = func(w http.ResponseWriter) bool {
		w.WriteHeader(http.StatusServiceUnavailable)
		return true
	}
	_, err = f.client().Branch(context.Background(), "o", "r", "main")
	if err == nil || !strings.Contains(err.Error(), "GitHub answered 503 Service Unavailable for /api/v3/repos/o/r/branches/main") {
		t.Fatalf("err = %v", err)
	}
	if n := len(f.requests()); n != 3 {
		t.Fatalf("%d attempts, want 3", n)
	}
}

func TestGitHubTokenNeverInErrors(t *testing.T) {
	f := newGHFake(t, "")
	f.repos["o/r"] = true
	// A server that echoes the credentials in its error message.
	f.limit = func(w http.ResponseWriter) bool {
		w.WriteHeader(http.StatusInternalServerError)
		fmt.Fprint(w, `{"message":"internal error for `+ghTestToken+`"}`)
		return true
	}
	gh := f.client()
	gh.Token = ghTestToken
	_, err := gh.Branch(context.Background(), "o", "r", "main")
	if err == nil || !strings.Contains(err.Error(), "500 Internal Server Error") {
		t.Fatalf("err = %v, want the 500 status", err)
	}
	ghCheckNoToken(t, err)

	// A wrong token: 401 names GITHUB_TOKEN, not the token.
	f.limit = nil
	f.token = "ghp_theRightOne"
	_, err = gh.Release(context.Background(), "o", "r")
	if err == nil || !strings.Contains(err.Error(), "GitHub rejected the credentials (401 Unauthorized): check GITHUB_TOKEN") {
		t.Fatalf("err = %v, want a credentials error", err)
	}
	ghCheckNoToken(t, err)
}

func TestGitHubFromEnv(t *testing.T) {
	t.Setenv("GITHUB_TOKEN", ghTestToken)
	if gh := GitHubFromEnv(); gh.Token != ghTestToken || gh.apiBase() != DefaultGitHubAPIBase ||
		gh.archiveBase() != DefaultGitHubArchiveBase {
		t.Fatalf("GitHubFromEnv() = %s", gh)
	}
	for _, format := range []string{"%v", "%+v", "%#v", "%s"} {
		gh := GitHubFromEnv()
		for _, v := range []any{gh, *gh} {
			if s := fmt.Sprintf(format, v); strings.Contains(s, ghTestToken) || !strings.Contains(s, "token set") {
				t.Errorf("Sprintf(%q, %T) = %q", format, v, s)
			}
		}
	}
	t.Setenv("GITHUB_TOKEN", "")
	if gh := GitHubFromEnv(); gh.Token != "" {
		t.Fatalf("token %q from an empty GITHUB_TOKEN", gh.Token)
	}
}

func TestGitHubOptions(t *testing.T) {
	cases := []struct {
		o     GitHubOptions
		flags string
		git   bool
	}{
		{GitHubOptions{}, "", false},
		{GitHubOptions{FetchSubmodules: true}, "f", true},
		{GitHubOptions{DeepClone: true, LeaveDotGit: true}, "dl", true},
		{GitHubOptions{true, true, true}, "fdl", true},
		{GitHubOptions{LeaveDotGit: true}, "l", true},
	}
	for _, c := range cases {
		if c.o.Flags() != c.flags || c.o.UsesGit() != c.git {
			t.Errorf("%+v: flags %q uses git %t, want %q %t", c.o, c.o.Flags(), c.o.UsesGit(), c.flags, c.git)
		}
	}
	r := &SourceResult{Type: GitHubBranchType, Owner: "o", Repo: "r", Branch: "main",
		Options: GitHubOptions{FetchSubmodules: true, LeaveDotGit: true}}
	if k := r.Key(); k != "$GITHUB_BRANCH$:o/r:main$fl" {
		t.Errorf("branch key %q", k)
	}
	r = &SourceResult{Type: GitHubReleaseType, Owner: "o", Repo: "r"}
	if k := r.Key(); k != "$GITHUB_RELEASE$:o/r$" {
		t.Errorf("release key %q", k)
	}
	if s := r.SRI(); s != "" {
		t.Errorf("SRI() without a hash = %q", s)
	}
}
