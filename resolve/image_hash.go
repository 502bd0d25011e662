package resolve

import (
	"context"
	"net/http"

	"github.com/google/go-containerregistry/pkg/authn"
	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/remote/transport"

	"github.com/uptix-dev/uptix/internal/dockerarchive"
)

// hashArchive computes the SRI hash of the docker-archive tarball that
// pullImage builds for img (fetched from repo) tagged
// finalName:finalTag.
func (r *Resolver) hashArchive(ctx context.Context, ref ImageRef, repo name.Repository, img v1.Image, finalName, finalTag string) (string, error) {
	var opts []dockerarchive.Option
	if r.Progress != nil {
		opts = append(opts, dockerarchive.WithProgress(func(n int64) { r.Progress(ref.Original, n) }))
	}
	// Range requests for gzip size trailers let the writer stream each
	// layer once; without them it still works, reading layers twice.
	if rt, err := r.authTransport(ctx, repo); err == nil {
		opts = append(opts, dockerarchive.WithRanger(dockerarchive.RemoteRanger(repo, rt)))
	}
	return dockerarchive.Hash(ctx, img, finalName, finalTag, opts...)
}

// authTransport returns a transport that authenticates to repo's
// registry with pull scope, made once per repository.
func (r *Resolver) authTransport(ctx context.Context, repo name.Repository) (http.RoundTripper, error) {
	if rt, ok := r.rangers.Load(repo.String()); ok {
		return rt.(http.RoundTripper), nil
	}
	rt, err := r.newAuthTransport(ctx, repo)
	if err != nil {
		return nil, err
	}
	r.rangers.Store(repo.String(), rt)
	return rt, nil
}

func (r *Resolver) newAuthTransport(ctx context.Context, repo name.Repository) (http.RoundTripper, error) {
	auth, err := authn.Resolve(ctx, r.keychain(), repo)
	if err != nil {
		return nil, err
	}
	rt, err := transport.NewWithContext(ctx, repo.Registry, auth, r.transport(), []string{repo.Scope(transport.PullScope)})
	if err != nil {
		return nil, err
	}
	return rt, nil
}
