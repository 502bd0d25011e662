package resolve

import (
	"context"
	"errors"

	v1 "github.com/google/go-containerregistry/pkg/v1"
)

// hashArchive computes the SRI hash of the docker-archive tarball that
// pullImage builds for img tagged finalName:finalTag.
func (r *Resolver) hashArchive(ctx context.Context, ref ImageRef, img v1.Image, finalName, finalTag string) (string, error) {
	return "", errors.New("hashing archives is not wired up yet")
}
