package main

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/uptix-dev/uptix/resolve"
)

// This file checks the values of update's --platform, --mirror and
// --insecure-registry flags (--registries-conf is update_registries.go). A value that is not what the flag wants
// is a usage error naming it; a value holding credentials is never
// shown as given.

// knownOS and knownArch are the OCI image spec's values (Go's GOOS and
// GOARCH lists).
var (
	knownOS = words("aix android darwin dragonfly freebsd illumos ios js linux " +
		"netbsd openbsd plan9 solaris wasip1 windows zos")
	knownArch = words("386 amd64 amd64p32 arm arm64 arm64be armbe loong64 mips mips64 " +
		"mips64le mips64p32 mips64p32le mipsle ppc ppc64 ppc64le riscv riscv64 " +
		"s390 s390x sparc sparc64 wasm")
)

// archAliases are the names other tools (uname, Nix) give
// architectures, with what the image spec calls them.
var archAliases = map[string]string{
	"x86_64": "amd64", "x86-64": "amd64", "x64": "amd64",
	"aarch64": "arm64", "armv8": "arm64",
	"i386": "386", "i686": "386", "x86": "386",
	"armv7l": "arm/v7", "armv7": "arm/v7", "armhf": "arm/v7",
	"armv6l": "arm/v6", "armv6": "arm/v6", "armel": "arm/v6",
	"armv5tel": "arm/v5", "powerpc64le": "ppc64le",
}

var variantRE = regexp.MustCompile(`^v[0-9]+(\.[0-9]+)?$`)

func words(s string) map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(s) {
		m[w] = true
	}
	return m
}

// parsePlatformFlag checks a --platform value and returns it
// normalised (see normPlatform).
func parsePlatformFlag(s string) (resolve.Platform, error) {
	p, err := resolve.ParsePlatform(s)
	if err != nil {
		return p, fmt.Errorf("--platform %q: want OS/ARCH[/VARIANT], e.g. linux/arm64", s)
	}
	if !knownOS[p.OS] {
		return p, fmt.Errorf("--platform %q: unknown operating system %q (images name linux, windows, …)", s, p.OS)
	}
	if !knownArch[p.Architecture] {
		if a, ok := archAliases[p.Architecture]; ok {
			return p, fmt.Errorf("--platform %q: unknown architecture %q; images call it %s/%s", s, p.Architecture, p.OS, a)
		}
		return p, fmt.Errorf("--platform %q: unknown architecture %q (images name amd64, arm64, arm, 386, ppc64le, s390x, riscv64, …)", s, p.Architecture)
	}
	if p.Variant != "" && !variantRE.MatchString(p.Variant) {
		return p, fmt.Errorf("--platform %q: variant %q is not v followed by a number (v6, v7, v8)", s, p.Variant)
	}
	return normPlatform(p), nil
}

// normPlatform gives one name to platforms that are the same: arm64
// with variant v8 is arm64, which is what the Nix module looks up
// first and what pullImage (os and arch, no variant) fetches.
func normPlatform(p resolve.Platform) resolve.Platform {
	if p.Architecture == "arm64" && p.Variant == "v8" {
		p.Variant = ""
	}
	return p
}

// normPlatformString normalises a platform as a lock holds it; text
// that is not a platform is returned unchanged.
func normPlatformString(s string) string {
	p, err := resolve.ParsePlatform(s)
	if err != nil {
		return s
	}
	return normPlatform(p).String()
}

// armLevel orders the variants of 32-bit arm; 0 when unknown.
func armLevel(v string) int {
	switch v {
	case "v5":
		return 5
	case "v6":
		return 6
	case "v7":
		return 7
	case "v8":
		return 8
	}
	return 0
}

// platformMismatch says how the image locked for want, whose config
// says it is built for got, does not fit want; "" when it fits or got
// is not known. An image for an older variant of want fits (a v7
// machine runs v6 code); one for a newer variant does not.
func platformMismatch(want, got resolve.Platform) string {
	if got.OS == "" && got.Architecture == "" {
		return ""
	}
	want, got = normPlatform(want), normPlatform(got)
	switch {
	case got.OS != want.OS || got.Architecture != want.Architecture:
	case want.Architecture == "arm" && want.Variant != "" && got.Variant != "" &&
		armLevel(got.Variant) > armLevel(want.Variant):
	default:
		return ""
	}
	return fmt.Sprintf("the image locked for %s is built for %s; hosts of %s would get %s binaries",
		want, got, want, got)
}

// credText is s with whatever comes before its last "@" (a user name
// and password) replaced, for messages.
func credText(s string) string {
	if i := strings.LastIndex(s, "@"); i >= 0 {
		return "<credentials>@" + s[i+1:]
	}
	return s
}

// mirrorText is a --mirror value as messages may show it.
func mirrorText(m string) string {
	reg, loc, ok := strings.Cut(m, "=")
	if !ok {
		return credText(m)
	}
	return credText(reg) + "=" + credText(loc)
}

// parseMirrors checks --mirror values (REGISTRY=HOST[:PORT][/PATH]) and
// returns them by registry.
func parseMirrors(values []string) (map[string]string, error) {
	mirrors := map[string]string{}
	for _, m := range values {
		shown := fmt.Sprintf("--mirror %q", mirrorText(m))
		reg, loc, ok := strings.Cut(m, "=")
		if !ok || reg == "" || loc == "" {
			return nil, fmt.Errorf("%s: want REGISTRY=HOST[:PORT][/PATH]", shown)
		}
		if strings.Contains(m, "@") {
			host := loc[strings.LastIndex(loc, "@")+1:]
			host, _, _ = strings.Cut(host, "/")
			return nil, fmt.Errorf("%s: a mirror must not hold a user name or password; "+
				"give credentials to the docker config instead (docker login %s)", shown, host)
		}
		if err := checkHost(reg); err != nil {
			return nil, fmt.Errorf("%s: registry %q: %w", shown, reg, err)
		}
		if err := checkMirrorLocation(loc); err != nil {
			return nil, fmt.Errorf("%s: %w", shown, err)
		}
		if reg == "index.docker.io" || reg == "registry-1.docker.io" {
			reg = "docker.io"
		}
		if _, dup := mirrors[reg]; dup {
			return nil, fmt.Errorf("%s: registry %q has a mirror already", shown, reg)
		}
		mirrors[reg] = loc
	}
	return mirrors, nil
}

// checkMirrorLocation checks a mirror's location, HOST[:PORT][/PATH]
// without credentials, as --mirror and registries.conf give it.
func checkMirrorLocation(loc string) error {
	if strings.Contains(loc, "@") {
		host := loc[strings.LastIndex(loc, "@")+1:]
		host, _, _ = strings.Cut(host, "/")
		return fmt.Errorf("a mirror must not hold a user name or password; "+
			"give credentials to the docker config instead (docker login %s)", host)
	}
	host, path, _ := strings.Cut(loc, "/")
	if strings.Contains(loc, "://") {
		host = loc // for checkHost's message about the scheme
	}
	if err := checkHost(host); err != nil {
		return fmt.Errorf("mirror %q: %w", loc, err)
	}
	if path != "" && !pathRE.MatchString(strings.TrimSuffix(path, "/")) {
		return fmt.Errorf("mirror %q: the path %q is not lowercase names separated by /", loc, path)
	}
	return nil
}

// checkInsecure checks --insecure-registry values (HOST[:PORT]).
func checkInsecure(values []string) error {
	for _, s := range values {
		if strings.Contains(s, "@") {
			return fmt.Errorf("--insecure-registry %q: want HOST[:PORT], without a user name or password", credText(s))
		}
		if err := checkHost(s); err != nil {
			return fmt.Errorf("--insecure-registry %q: %w", s, err)
		}
	}
	return nil
}

var (
	labelRE = regexp.MustCompile(`^[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?$`)
	ipv6RE  = regexp.MustCompile(`^\[[0-9A-Fa-f:.]+(%[A-Za-z0-9]+)?\]$`)
	pathRE  = regexp.MustCompile(`^[a-z0-9]+([._-]+[a-z0-9]+)*(/[a-z0-9]+([._-]+[a-z0-9]+)*)*$`)
)

// checkHost checks that s is HOST[:PORT]: a DNS name or an IP address
// (IPv6 in brackets), and a port from 1 to 65535.
func checkHost(s string) error {
	switch {
	case s == "":
		return fmt.Errorf("want HOST[:PORT], not nothing")
	case strings.Contains(s, "://"):
		return fmt.Errorf("want HOST[:PORT], without a scheme (plain HTTP is what --insecure-registry allows)")
	case strings.Contains(s, "/"):
		return fmt.Errorf("want HOST[:PORT], without a path")
	}
	host, port := s, ""
	if i := strings.LastIndex(s, ":"); i >= 0 && !strings.HasSuffix(s, "]") {
		host, port = s[:i], s[i+1:]
		if n, err := strconv.Atoi(port); err != nil || n < 1 || n > 65535 || port[0] == '0' {
			return fmt.Errorf("port %q is not a number from 1 to 65535", port)
		}
	}
	if ipv6RE.MatchString(host) {
		return nil
	}
	if host == "" || len(host) > 253 {
		return fmt.Errorf("want HOST[:PORT]")
	}
	for _, l := range strings.Split(host, ".") {
		if !labelRE.MatchString(l) {
			return fmt.Errorf("%q is not a host name", host)
		}
	}
	return nil
}
