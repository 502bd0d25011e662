package resolve

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/nix-community/go-nix/pkg/nixhash"
)

// Default base URLs of GitHub.com. GitHub Enterprise uses
// https://HOST/api/v3 and https://HOST.
const (
	DefaultGitHubAPIBase     = "https://api.github.com"
	DefaultGitHubArchiveBase = "https://github.com"
)

// GitHub resolves GitHub branches and releases and computes the hash
// pkgs.fetchFromGitHub checks. The zero value talks to github.com
// without a token. A GitHub is safe for concurrent use once set up.
type GitHub struct {
	// APIBase is the REST API root; "" means DefaultGitHubAPIBase.
	APIBase string
	// ArchiveBase is the web root serving OWNER/REPO/archive/REV.tar.gz
	// and OWNER/REPO.git; "" means DefaultGitHubArchiveBase.
	ArchiveBase string
	// Token is sent as a bearer token on every API call, including the
	// API tarball used for private repositories, and never to
	// ArchiveBase or to where the API redirects. It never appears in
	// errors or in the client's String.
	Token string
	// HTTP is the client to use; nil means http.DefaultClient.
	HTTP *http.Client
	// Nar bounds the memory used while hashing archives.
	Nar NarHashOptions
	// Progress, if set, is called with the number of archive bytes
	// downloaded so far for the archive being hashed.
	Progress func(owner, repo string, downloaded int64)
	// PrefetchGit is the nix-prefetch-git program used when a git
	// fetch flag is set; "" means "nix-prefetch-git" on PATH.
	PrefetchGit string
	// Attempts is how often a request is tried when it fails with a
	// network error or a 5xx status; 0 means 3.
	Attempts int
	// RetryWait is the pause before the first retry, doubled for each
	// further one; 0 means one second.
	RetryWait time.Duration
}

// GitHubFromEnv returns a client for github.com that authenticates
// with $GITHUB_TOKEN when it is set.
func GitHubFromEnv() *GitHub {
	return &GitHub{Token: os.Getenv("GITHUB_TOKEN")}
}

// String describes the client without its token, so that printing it
// with %v or %+v cannot leak the token.
func (g GitHub) String() string {
	auth := "no token"
	if g.Token != "" {
		auth = "token set"
	}
	return fmt.Sprintf("GitHub{API: %s, archives: %s, %s}", g.apiBase(), g.archiveBase(), auth)
}

// GoString is String, for %#v.
func (g GitHub) GoString() string { return g.String() }

// GitHubCommit is the head commit of a branch.
type GitHubCommit struct {
	SHA           string
	Message       string
	Subject       string // first line of Message
	AuthorDate    time.Time
	CommitterDate time.Time
}

// GitHubRelease is a published release.
type GitHubRelease struct {
	Tag       string
	Name      string
	Published time.Time
}

// GitHubRateLimitError reports that the GitHub API refused a request
// because of a rate limit.
type GitHubRateLimitError struct {
	Reset    time.Time // zero when GitHub did not say
	HasToken bool
}

func (e *GitHubRateLimitError) Error() string {
	msg := "GitHub API rate limit exceeded"
	if !e.Reset.IsZero() {
		msg += fmt.Sprintf("; it resets at %s", e.Reset.UTC().Format(time.RFC3339))
		if d := time.Until(e.Reset).Round(time.Second); d > 0 {
			msg += fmt.Sprintf(" (in %s)", d)
		}
	}
	if !e.HasToken {
		msg += "; set GITHUB_TOKEN to raise the limit"
	}
	return msg
}

// ErrGitHubNotFound is wrapped by errors for repositories, branches,
// releases and archives GitHub does not know.
var ErrGitHubNotFound = errors.New("not found on GitHub")

func (g *GitHub) apiBase() string {
	if g.APIBase == "" {
		return DefaultGitHubAPIBase
	}
	return strings.TrimSuffix(g.APIBase, "/")
}

func (g *GitHub) archiveBase() string {
	if g.ArchiveBase == "" {
		return DefaultGitHubArchiveBase
	}
	return strings.TrimSuffix(g.ArchiveBase, "/")
}

func (g *GitHub) client() *http.Client {
	if g.HTTP == nil {
		return http.DefaultClient
	}
	return g.HTTP
}

// do sends a GET request, retrying network errors and 5xx answers.
func (g *GitHub) do(req *http.Request) (*http.Response, error) {
	return g.doWith(g.client(), req)
}

// noAuthOnRedirect returns a copy of c that drops the Authorization
// header when following redirects: the API's tarball redirects to a
// download URL that carries its own short-lived token.
func ghNoAuthOnRedirect(c *http.Client) *http.Client {
	cc := *c
	next := c.CheckRedirect
	cc.CheckRedirect = func(req *http.Request, via []*http.Request) error {
		req.Header.Del("Authorization")
		if next != nil {
			return next(req, via)
		}
		if len(via) >= 10 {
			return errors.New("stopped after 10 redirects")
		}
		return nil
	}
	return &cc
}

func (g *GitHub) doWith(client *http.Client, req *http.Request) (*http.Response, error) {
	attempts, wait := g.Attempts, g.RetryWait
	if attempts <= 0 {
		attempts = 3
	}
	if wait <= 0 {
		wait = time.Second
	}
	for i := 1; ; i++ {
		resp, err := client.Do(req.Clone(req.Context()))
		retry := err != nil || resp.StatusCode >= 500
		if !retry || i == attempts || req.Context().Err() != nil {
			return resp, err
		}
		if resp != nil {
			io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
			resp.Body.Close()
		}
		select {
		case <-req.Context().Done():
			return nil, req.Context().Err()
		case <-time.After(wait):
		}
		wait *= 2
	}
}

// BranchHead returns the head commit of a branch.
func (g *GitHub) BranchHead(ctx context.Context, owner, repo, branch string) (*GitHubCommit, error) {
	var body struct {
		Commit struct {
			SHA    string `json:"sha"`
			Commit struct {
				Message string `json:"message"`
				Author  struct {
					Date time.Time `json:"date"`
				} `json:"author"`
				Committer struct {
					Date time.Time `json:"date"`
				} `json:"committer"`
			} `json:"commit"`
		} `json:"commit"`
	}
	err := g.getJSON(ctx, ghRepoPath(owner, repo)+"/branches/"+ghEscapeRef(branch), &body)
	if errors.Is(err, ErrGitHubNotFound) {
		if rerr := g.checkRepo(ctx, owner, repo); rerr != nil {
			return nil, rerr
		}
		return nil, fmt.Errorf("branch %q of %q: %w", branch, owner+"/"+repo, ErrGitHubNotFound)
	}
	if err != nil {
		return nil, err
	}
	c := body.Commit
	if c.SHA == "" {
		return nil, fmt.Errorf("GitHub returned no commit for branch %q", branch)
	}
	return &GitHubCommit{
		SHA:           c.SHA,
		Message:       c.Commit.Message,
		Subject:       ghFirstLine(c.Commit.Message),
		AuthorDate:    c.Commit.Author.Date,
		CommitterDate: c.Commit.Committer.Date,
	}, nil
}

// LatestRelease returns the latest published release: drafts and
// pre-releases do not count.
func (g *GitHub) LatestRelease(ctx context.Context, owner, repo string) (*GitHubRelease, error) {
	var body struct {
		TagName     string    `json:"tag_name"`
		Name        string    `json:"name"`
		Draft       bool      `json:"draft"`
		Prerelease  bool      `json:"prerelease"`
		PublishedAt time.Time `json:"published_at"`
		CreatedAt   time.Time `json:"created_at"`
	}
	err := g.getJSON(ctx, ghRepoPath(owner, repo)+"/releases/latest", &body)
	if errors.Is(err, ErrGitHubNotFound) {
		return nil, g.noRelease(ctx, owner, repo)
	}
	if err != nil {
		return nil, err
	}
	if body.TagName == "" || body.Draft || body.Prerelease {
		return nil, fmt.Errorf("GitHub's latest release of %q is not a published release "+
			"(tag %q, draft %t, pre-release %t)", owner+"/"+repo, body.TagName, body.Draft, body.Prerelease)
	}
	published := body.PublishedAt
	if published.IsZero() {
		published = body.CreatedAt
	}
	return &GitHubRelease{Tag: body.TagName, Name: body.Name, Published: published}, nil
}

// noRelease explains why a repository has no latest release.
func (g *GitHub) noRelease(ctx context.Context, owner, repo string) error {
	var tags []struct {
		Name string `json:"name"`
	}
	err := g.getJSON(ctx, ghRepoPath(owner, repo)+"/tags?per_page=1", &tags)
	if errors.Is(err, ErrGitHubNotFound) {
		return ghRepoNotFound(owner, repo, g.Token != "")
	}
	if err != nil {
		return err
	}
	if len(tags) > 0 {
		return fmt.Errorf("%q has tags (such as %q) but no published release "+
			"(drafts and pre-releases do not count); pin a branch with "+
			"uptix.githubBranch instead: %w", owner+"/"+repo, tags[0].Name, ErrGitHubNotFound)
	}
	return fmt.Errorf("%q has no published release and no tags; pin a branch with "+
		"uptix.githubBranch instead: %w", owner+"/"+repo, ErrGitHubNotFound)
}

// checkRepo returns a not-found error if the repository does not
// exist, and nil if it does.
func (g *GitHub) checkRepo(ctx context.Context, owner, repo string) error {
	var body struct{}
	err := g.getJSON(ctx, ghRepoPath(owner, repo), &body)
	if errors.Is(err, ErrGitHubNotFound) {
		return ghRepoNotFound(owner, repo, g.Token != "")
	}
	return err
}

func ghRepoNotFound(owner, repo string, hasToken bool) error {
	hint := ""
	if !hasToken {
		hint = " (if it is private, set GITHUB_TOKEN)"
	}
	return fmt.Errorf("repository %q%s: %w", owner+"/"+repo, hint, ErrGitHubNotFound)
}

// getJSON GETs an API path and decodes the JSON answer into v.
func (g *GitHub) getJSON(ctx context.Context, path string, v any) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, g.apiBase()+path, nil)
	if err != nil {
		return fmt.Errorf("building GitHub request: %w", err)
	}
	req.Header.Set("Accept", "application/vnd.github+json")
	req.Header.Set("X-GitHub-Api-Version", "2022-11-28")
	req.Header.Set("User-Agent", "uptix")
	if g.Token != "" {
		req.Header.Set("Authorization", "Bearer "+g.Token)
	}
	resp, err := g.do(req)
	if err != nil {
		return fmt.Errorf("calling the GitHub API: %w", g.redact(err))
	}
	defer resp.Body.Close()
	if err := g.checkResponse(resp); err != nil {
		return err
	}
	if err := json.NewDecoder(io.LimitReader(resp.Body, 16<<20)).Decode(v); err != nil {
		return fmt.Errorf("decoding GitHub's answer to %s: %w", req.URL.Path, err)
	}
	return nil
}

// checkResponse turns an unsuccessful response into an error.
func (g *GitHub) checkResponse(resp *http.Response) error {
	if resp.StatusCode >= 200 && resp.StatusCode < 300 {
		return nil
	}
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 4<<10))
	var msg struct {
		Message string `json:"message"`
	}
	_ = json.Unmarshal(body, &msg)
	detail := g.redactString(strings.TrimSpace(msg.Message))

	if rl := ghRateLimit(resp, detail); rl != nil {
		rl.HasToken = g.Token != ""
		return rl
	}
	switch resp.StatusCode {
	case http.StatusNotFound:
		return fmt.Errorf("%s: %w", resp.Request.URL.Path, ErrGitHubNotFound)
	case http.StatusUnauthorized:
		return fmt.Errorf("GitHub rejected the credentials (%s): check GITHUB_TOKEN", resp.Status)
	}
	if detail == "" {
		return fmt.Errorf("GitHub answered %s for %s", resp.Status, resp.Request.URL.Path)
	}
	return fmt.Errorf("GitHub answered %s for %s: %s", resp.Status, resp.Request.URL.Path, detail)
}

// rateLimit recognises GitHub's primary and secondary rate limit
// answers.
func ghRateLimit(resp *http.Response, detail string) *GitHubRateLimitError {
	if resp.StatusCode != http.StatusForbidden && resp.StatusCode != http.StatusTooManyRequests {
		return nil
	}
	h := resp.Header
	exhausted := h.Get("X-RateLimit-Remaining") == "0"
	retryAfter := h.Get("Retry-After")
	if !exhausted && retryAfter == "" && resp.StatusCode != http.StatusTooManyRequests &&
		!strings.Contains(strings.ToLower(detail), "rate limit") {
		return nil
	}
	e := &GitHubRateLimitError{}
	if secs, err := strconv.ParseInt(retryAfter, 10, 64); err == nil {
		e.Reset = time.Now().Add(time.Duration(secs) * time.Second).Truncate(time.Second)
	} else if unix, err := strconv.ParseInt(h.Get("X-RateLimit-Reset"), 10, 64); err == nil {
		e.Reset = time.Unix(unix, 0)
	}
	return e
}

// redact removes the token from a message, should a lower layer ever
// include it.
func (g *GitHub) redactString(s string) string {
	if g.Token == "" {
		return s
	}
	return strings.ReplaceAll(s, g.Token, "[token]")
}

func (g *GitHub) redact(err error) error {
	// Redirects to codeload carry a short-lived token in the query.
	if ue, ok := err.(*url.Error); ok {
		if u, perr := url.Parse(ue.URL); perr == nil && u.RawQuery != "" {
			u.RawQuery = ""
			c := *ue
			c.URL = u.String()
			err = &c
		}
	}
	if g.Token == "" || !strings.Contains(err.Error(), g.Token) {
		return err
	}
	return errors.New(g.redactString(err.Error()))
}

func ghRepoPath(owner, repo string) string {
	return "/repos/" + url.PathEscape(owner) + "/" + url.PathEscape(repo)
}

// ghEscapeRef escapes a branch or tag name for a URL path, keeping its
// slashes.
func ghEscapeRef(ref string) string {
	parts := strings.Split(ref, "/")
	for i, p := range parts {
		parts[i] = url.PathEscape(p)
	}
	return strings.Join(parts, "/")
}

func ghFirstLine(s string) string {
	line, _, _ := strings.Cut(s, "\n")
	return strings.TrimRight(line, "\r")
}

// archiveURL is the URL fetchFromGitHub downloads for rev.
func (g *GitHub) archiveURL(owner, repo, rev string) string {
	return g.archiveBase() + "/" + url.PathEscape(owner) + "/" + url.PathEscape(repo) +
		"/archive/" + ghEscapeRef(rev) + ".tar.gz"
}

// HashArchive downloads the archive fetchFromGitHub fetches for rev and
// returns the NAR hash of what fetchzip unpacks from it. When the
// archive is not found and a token is set, it tries the API's tarball
// of rev instead (private repositories, fetched by fetchFromGitHub with
// private = true): its top directory is named differently, which
// fetchzip strips, so the hash is the same.
func (g *GitHub) HashArchive(ctx context.Context, owner, repo, rev string) (*nixhash.Hash, error) {
	u := g.archiveURL(owner, repo, rev)
	h, err := g.hashURL(ctx, owner, repo, u, false)
	if errors.Is(err, ErrGitHubNotFound) && g.Token != "" {
		api := g.apiBase() + ghRepoPath(owner, repo) + "/tarball/" + ghEscapeRef(rev)
		h, err = g.hashURL(ctx, owner, repo, api, true)
		if errors.Is(err, ErrGitHubNotFound) {
			return nil, fmt.Errorf("downloading %q, or the API's tarball: %w", u, ErrGitHubNotFound)
		}
	}
	return h, err
}

// hashURL downloads a tarball and hashes it; auth sends the token.
func (g *GitHub) hashURL(ctx context.Context, owner, repo, u string, auth bool) (*nixhash.Hash, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return nil, fmt.Errorf("building archive request: %w", err)
	}
	req.Header.Set("User-Agent", "uptix")
	client := g.client()
	if auth {
		req.Header.Set("Accept", "application/vnd.github+json")
		req.Header.Set("Authorization", "Bearer "+g.Token)
		client = ghNoAuthOnRedirect(client)
	}
	resp, err := g.doWith(client, req)
	if err != nil {
		return nil, fmt.Errorf("downloading %q: %w", u, g.redact(err))
	}
	defer resp.Body.Close()
	if resp.StatusCode == http.StatusNotFound {
		return nil, fmt.Errorf("downloading %q: %w", u, ErrGitHubNotFound)
	}
	if err := g.checkResponse(resp); err != nil {
		return nil, fmt.Errorf("downloading %q: %w", u, err)
	}
	var body io.Reader = resp.Body
	if g.Progress != nil {
		body = &ghProgressReader{r: resp.Body, report: func(n int64) { g.Progress(owner, repo, n) }}
	}
	h, err := g.Nar.HashTarball(body)
	if err != nil {
		return nil, fmt.Errorf("hashing %q: %w", u, g.redact(err))
	}
	return h, nil
}

type ghProgressReader struct {
	r      io.Reader
	n      int64
	report func(int64)
}

func (p *ghProgressReader) Read(b []byte) (int, error) {
	n, err := p.r.Read(b)
	if n > 0 {
		p.n += int64(n)
		p.report(p.n)
	}
	return n, err
}
