// Package dockerarchive computes, without skopeo, the exact bytes that
// skopeo 1.22 writes for `copy docker://IMAGE docker-archive:PATH:NAME:TAG`
// (the file nixpkgs' dockerTools.pullImage hashes), and their Nix hash.
//
// The format is described in /work/shared/specs/docker-archive.md: layers
// named by the SHA-256 of their decompressed content, the config, legacy
// layer folders, manifest.json and repositories, all in Go archive/tar
// USTAR headers with epoch times.
//
// Hash streams everything once into SHA-256 when it can predict each
// layer's uncompressed name and size (the config's diff_ids and the gzip
// size trailer fetched through a Ranger); when a prediction is wrong it
// restores the checkpointed hash state and reads the layer again. Memory
// use does not depend on the image size.
package dockerarchive

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"io"

	v1 "github.com/google/go-containerregistry/pkg/v1"
)

// Option configures Hash and Write.
type Option func(*options)

type options struct {
	progress  func(n int64)
	ranger    Ranger
	noPredict bool
	verified  bool
}

// WithProgress calls fn with the number of compressed layer bytes just
// read, as they are read (from several goroutines never at once).
func WithProgress(fn func(n int64)) Option {
	return func(o *options) { o.progress = fn }
}

// WithRanger lets Hash read the end of gzip blobs (their size trailer)
// to predict uncompressed sizes; without it, every compressed layer is
// read twice (once to measure it, once to hash it).
func WithRanger(r Ranger) Option {
	return func(o *options) { o.ranger = r }
}

// WithVerifiedBlobs skips our own SHA-256 check of compressed blobs
// when the image's layers check their digests themselves, as those of
// go-containerregistry's remote.Image do (saving one pass over the
// data). Sizes are still checked.
func WithVerifiedBlobs() Option {
	return func(o *options) { o.verified = true }
}

// withoutPrediction makes Hash measure every compressed layer first
// (tests use it to compare both strategies).
func withoutPrediction() Option {
	return func(o *options) { o.noPredict = true }
}

// Ranger reads the last n bytes of a blob of the given digest and size.
type Ranger interface {
	Tail(ctx context.Context, digest v1.Hash, size int64, n int) ([]byte, error)
}

// Errors that say why an image cannot become a docker-archive the way
// pullImage builds it. They are wrapped with details.
var (
	ErrSchema1      = errors.New("schema 1 manifests are not supported (pullImage cannot build them reproducibly)")
	ErrNotImage     = errors.New("not a container image")
	ErrForeignLayer = errors.New("foreign (non-distributable) layers are not supported")
	ErrEncrypted    = errors.New("encrypted layers are not supported")
	ErrDigest       = errors.New("content does not match its digest")
	ErrMediaType    = errors.New("media types that skopeo refuses")
)

// Hash returns the Nix SRI hash ("sha256-" and base64) of the
// docker-archive skopeo would write for img tagged finalName:finalTag.
func Hash(ctx context.Context, img v1.Image, finalName, finalTag string, opts ...Option) (string, error) {
	s := &hashSink{h: sha256.New()}
	if err := build(ctx, s, img, finalName, finalTag, opts); err != nil {
		return "", err
	}
	return "sha256-" + base64.StdEncoding.EncodeToString(s.h.Sum(nil)), nil
}

// Write writes the docker-archive skopeo would write for img tagged
// finalName:finalTag. It reads every compressed layer twice (it cannot
// take back bytes it has written).
func Write(ctx context.Context, w io.Writer, img v1.Image, finalName, finalTag string, opts ...Option) error {
	return build(ctx, &plainSink{w: w}, img, finalName, finalTag, opts)
}

func build(ctx context.Context, s sink, img v1.Image, finalName, finalTag string, opts []Option) error {
	var o options
	for _, fn := range opts {
		fn(&o)
	}
	repo, err := NormalizeName(finalName)
	if err != nil {
		return err
	}
	if err := checkTag(finalTag); err != nil {
		return err
	}
	a := &archive{ctx: ctx, img: img, out: s, opts: o, repo: repo, tag: finalTag}
	if err := a.write(); err != nil {
		return fmt.Errorf("writing docker-archive: %w", err)
	}
	return nil
}
