//go:build tools

// Package tools pins modules that the packages of this repository use or
// are about to use, so that go.mod and the flake's vendorHash change
// together in one commit.
package tools

import (
	_ "github.com/google/go-containerregistry/pkg/authn"
	_ "github.com/google/go-containerregistry/pkg/registry"
	_ "github.com/google/go-containerregistry/pkg/v1/remote"
	_ "github.com/klauspost/compress/zstd"
	_ "github.com/nix-community/go-nix/pkg/nar"
	_ "github.com/nix-community/go-nix/pkg/nixhash"
	_ "github.com/rogpeppe/go-internal/diff"
	_ "github.com/rogpeppe/go-internal/lockedfile"
	_ "github.com/rogpeppe/go-internal/renameio"
	_ "github.com/rogpeppe/go-internal/testscript"
	_ "github.com/spf13/pflag"
	_ "github.com/ulikunitz/xz"
	_ "github.com/vbauerster/mpb/v8"
)
