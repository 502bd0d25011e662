package main

import (
	"fmt"

	"github.com/uptix-dev/uptix/resolve"
)

// checkPlatformFlag parses a --platform value as parsePlatformFlag does
// and gives it the name the Nix module looks the platform up by (see
// cpuPlatforms in modules/default.nix): amd64/v1 is amd64, as arm64/v8
// is arm64. 32-bit arm without a variant is refused: the module looks
// up arm/v7 (armv7l) or arm/v6 (armv6l), never arm alone, so an entry
// locked for it would never be used.
func checkPlatformFlag(s string) (resolve.Platform, error) {
	p, err := parsePlatformFlag(s)
	if err != nil {
		return p, err
	}
	switch {
	case p.Architecture == "amd64" && p.Variant == "v1":
		p.Variant = ""
	case p.Architecture == "arm" && p.Variant == "":
		return p, fmt.Errorf("--platform %q: name the arm variant, %s/arm/v7 (armv7l) or %s/arm/v6 (armv6l); the Nix module looks up no platform without one", s, p.OS, p.OS)
	}
	return p, nil
}
