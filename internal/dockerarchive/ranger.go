package dockerarchive

import (
	"context"
	"fmt"
	"io"
	"net/http"

	"github.com/google/go-containerregistry/pkg/authn"
	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/remote/transport"
)

// RemoteRanger reads blob tails from repo with HTTP Range requests. rt
// must add whatever authentication the registry needs (for example a
// transport from go-containerregistry's transport.NewWithContext with
// the pull scope).
func RemoteRanger(repo name.Repository, rt http.RoundTripper) Ranger {
	return &remoteRanger{repo: repo, client: &http.Client{Transport: rt}}
}

type remoteRanger struct {
	repo   name.Repository
	client *http.Client
}

func (r *remoteRanger) Tail(ctx context.Context, digest v1.Hash, size int64, n int) ([]byte, error) {
	if int64(n) > size {
		n = int(size)
	}
	url := fmt.Sprintf("%s://%s/v2/%s/blobs/%s", r.repo.Registry.Scheme(), r.repo.RegistryStr(), r.repo.RepositoryStr(), digest)
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Range", fmt.Sprintf("bytes=%d-%d", size-int64(n), size-1))
	res, err := r.client.Do(req)
	if err != nil {
		return nil, fmt.Errorf("fetching the end of blob %s: %w", digest, err)
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusPartialContent {
		return nil, fmt.Errorf("fetching the end of blob %s: status %d, not 206", digest, res.StatusCode)
	}
	b, err := io.ReadAll(io.LimitReader(res.Body, int64(n)+1))
	if err != nil {
		return nil, fmt.Errorf("fetching the end of blob %s: %w", digest, err)
	}
	if len(b) != n {
		return nil, fmt.Errorf("fetching the end of blob %s: got %d bytes, want %d", digest, len(b), n)
	}
	return b, nil
}

// NewRemoteRanger is RemoteRanger with go-containerregistry's
// authenticating transport (token exchange, basic auth) for repo's pull
// scope built around rt (nil: http.DefaultTransport).
func NewRemoteRanger(ctx context.Context, repo name.Repository, auth authn.Authenticator, rt http.RoundTripper) (Ranger, error) {
	if rt == nil {
		rt = http.DefaultTransport
	}
	if auth == nil {
		auth = authn.Anonymous
	}
	t, err := transport.NewWithContext(ctx, repo.Registry, auth, rt, []string{repo.Scope(transport.PullScope)})
	if err != nil {
		return nil, fmt.Errorf("authenticating to %q: %w", repo.RegistryStr(), err)
	}
	return RemoteRanger(repo, t), nil
}
