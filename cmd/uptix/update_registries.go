package main

import (
	"errors"
	"fmt"
	"os"
	"sort"
	"strings"

	"github.com/BurntSushi/toml"
)

// This file reads update's --registries-conf: a containers
// registries.conf (version 2, as podman and skopeo read it) whose
// mirrors and insecure registries become the resolver's. What the
// resolver cannot do as the file says is an error naming the table and
// the key, never silently left out.

// registriesConfEnv names the variable that gives --registries-conf
// its default.
const registriesConfEnv = "UPTIX_REGISTRIES_CONF"

// registriesConf is what a registries.conf gives the resolver.
type registriesConf struct {
	mirrors  map[string]string // mirror location by registry
	insecure []string          // HOST[:PORT], registries and mirrors
}

// readRegistriesConf reads and checks the registries.conf at path.
func readRegistriesConf(path string) (*registriesConf, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("reading registries.conf: %w", err)
	}
	return parseRegistriesConf(path, data)
}

// Keys of the tables, with what uptix does with them; keys not listed
// are errors.
const (
	registryKeys = "prefix, location, insecure and mirror"
	mirrorKeys   = "location and insecure"
)

// parseRegistriesConf checks data, the registries.conf at path.
func parseRegistriesConf(path string, data []byte) (*registriesConf, error) {
	var top map[string]any
	if _, err := toml.Decode(string(data), &top); err != nil {
		var pe toml.ParseError
		if errors.As(err, &pe) {
			return nil, fmt.Errorf("%s:%d:%d: %s", path, pe.Position.Line, pe.Position.Col, pe.Message)
		}
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	conf := &registriesConf{mirrors: map[string]string{}}
	for _, k := range tomlKeys(top) {
		switch k {
		case "registry":
			continue
		case "unqualified-search-registries", "short-name-mode", "aliases", "credential-helpers":
			// These steer podman's short-name resolution and credentials.
			// pullImage's skopeo reads a name without a registry as
			// docker.io, as uptix does, and uptix takes credentials from
			// the docker config, so a system file keeps working here.
			continue
		}
		why := "uptix reads only [[registry]] tables"
		if k == "registries" {
			why = "this is version 1 of the format; uptix reads version 2 ([[registry]] tables)"
		}
		return nil, fmt.Errorf("%s: key %q is not supported: %s", path, k, why)
	}
	regs, ok := top["registry"]
	if !ok {
		return conf, nil
	}
	tables, ok := regs.([]map[string]any)
	if !ok {
		return nil, fmt.Errorf("%s: key \"registry\": want [[registry]] tables, not %s", path, tomlType(regs))
	}
	seen := map[string]string{} // registry → the table that names it
	for i, t := range tables {
		where := fmt.Sprintf("%s: [[registry]] number %d", path, i+1)
		reg, err := conf.addRegistry(where, t)
		if err != nil {
			return nil, err
		}
		if prev, dup := seen[reg]; dup {
			return nil, fmt.Errorf("%s: registry %q has a table already (%s)", where, reg, prev)
		}
		seen[reg] = fmt.Sprintf("[[registry]] number %d", i+1)
	}
	return conf, nil
}

// addRegistry adds what the [[registry]] table t says and returns the
// registry it is about.
func (c *registriesConf) addRegistry(where string, t map[string]any) (string, error) {
	var prefix, location string
	var insecure bool
	var mirrors []map[string]any
	// Messages name the table by its prefix, or location, when it has one.
	for _, k := range []string{"location", "prefix"} {
		if s, ok := t[k].(string); ok && s != "" {
			prefix = s
		}
	}
	if prefix != "" {
		where = fmt.Sprintf("%s (prefix %q)", where, credText(prefix))
	}
	prefix = ""
	for _, k := range tomlKeys(t) {
		var err error
		switch k {
		case "prefix":
			prefix, err = tomlString(t, k)
		case "location":
			location, err = tomlString(t, k)
		case "insecure":
			insecure, err = tomlBool(t, k)
		case "blocked":
			var b bool
			if b, err = tomlBool(t, k); err == nil && b {
				err = fmt.Errorf("key %q is not supported: uptix cannot refuse a registry; remove the images from the configuration instead", k)
			}
		case "mirror-by-digest-only":
			var b bool
			if b, err = tomlBool(t, k); err == nil && b {
				err = fmt.Errorf("key %q is not supported: uptix asks the mirror for tags too", k)
			}
		case "mirror":
			var ok bool
			if mirrors, ok = t[k].([]map[string]any); !ok {
				err = fmt.Errorf("key %q: want [[registry.mirror]] tables, not %s", k, tomlType(t[k]))
			}
		default:
			err = fmt.Errorf("key %q is not supported (uptix reads %s)", k, registryKeys)
		}
		if err != nil {
			return "", fmt.Errorf("%s: %w", where, err)
		}
	}

	if prefix == "" {
		prefix = location
	}
	if prefix == "" {
		return "", fmt.Errorf("%s: want a prefix or a location", where)
	}
	switch {
	case strings.Contains(prefix, "@"):
		return "", fmt.Errorf("%s: a prefix must not hold a user name or password", where)
	case strings.HasPrefix(prefix, "*"):
		return "", fmt.Errorf("%s: key \"prefix\": a wildcard is not supported; uptix takes one mirror per registry, named HOST[:PORT]", where)
	case strings.Contains(prefix, "/"):
		return "", fmt.Errorf("%s: key \"prefix\": a path within a registry is not supported; uptix takes one mirror per registry, named HOST[:PORT]", where)
	}
	if err := checkHost(prefix); err != nil {
		return "", fmt.Errorf("%s: key \"prefix\": %w", where, err)
	}
	if location != "" && location != prefix {
		if strings.Contains(location, "@") {
			return "", fmt.Errorf("%s: key \"location\": a location must not hold a user name or password", where)
		}
		return "", fmt.Errorf("%s: key \"location\" is not supported when it differs from the prefix (%q): "+
			"uptix fetches images from the registry their name gives; use a [[registry.mirror]] table instead", where, location)
	}
	reg := prefix
	if reg == "index.docker.io" || reg == "registry-1.docker.io" {
		reg = "docker.io"
	}
	if insecure {
		c.insecure = append(c.insecure, prefix)
	}

	switch len(mirrors) {
	case 0:
		return reg, nil
	case 1:
	default:
		return "", fmt.Errorf("%s: key \"mirror\": %d [[registry.mirror]] tables are not supported; uptix takes one mirror per registry", where, len(mirrors))
	}
	loc, insecure, err := mirrorTable(mirrors[0])
	if err != nil {
		return "", fmt.Errorf("%s: [[registry.mirror]] number 1: %w", where, err)
	}
	c.mirrors[reg] = loc
	if insecure {
		host, _, _ := strings.Cut(loc, "/")
		c.insecure = append(c.insecure, host)
	}
	return reg, nil
}

// mirrorTable checks a [[registry.mirror]] table and returns its
// location and whether it is insecure.
func mirrorTable(t map[string]any) (loc string, insecure bool, err error) {
	for _, k := range tomlKeys(t) {
		switch k {
		case "location":
			loc, err = tomlString(t, k)
		case "insecure":
			insecure, err = tomlBool(t, k)
		case "pull-from-mirror":
			var s string
			if s, err = tomlString(t, k); err == nil && s != "all" {
				err = fmt.Errorf("key %q = %q is not supported: uptix asks the mirror for tags and digests alike (\"all\")", k, s)
			}
		default:
			err = fmt.Errorf("key %q is not supported (uptix reads %s)", k, mirrorKeys)
		}
		if err != nil {
			return "", false, err
		}
	}
	if loc == "" {
		return "", false, fmt.Errorf("want a location")
	}
	if err := checkMirrorLocation(loc); err != nil {
		return "", false, fmt.Errorf("key \"location\": %w", err)
	}
	return loc, insecure, nil
}

// mergeRegistriesConf adds the mirrors and insecure registries of conf
// to those the flags give; a flag's mirror wins over the file's.
func mergeRegistriesConf(conf *registriesConf, mirrors map[string]string, insecure []string) (map[string]string, []string) {
	merged := map[string]string{}
	for reg, loc := range conf.mirrors {
		merged[reg] = loc
	}
	for reg, loc := range mirrors {
		merged[reg] = loc
	}
	out := append([]string(nil), insecure...)
	for _, h := range conf.insecure {
		if !contains(out, h) {
			out = append(out, h)
		}
	}
	return merged, out
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

func tomlKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

func tomlString(t map[string]any, k string) (string, error) {
	s, ok := t[k].(string)
	if !ok {
		return "", fmt.Errorf("key %q: want a string, not %s", k, tomlType(t[k]))
	}
	return s, nil
}

func tomlBool(t map[string]any, k string) (bool, error) {
	b, ok := t[k].(bool)
	if !ok {
		return false, fmt.Errorf("key %q: want true or false, not %s", k, tomlType(t[k]))
	}
	return b, nil
}

// tomlType names the TOML type of a decoded value.
func tomlType(v any) string {
	switch v.(type) {
	case string:
		return "a string"
	case bool:
		return "a boolean"
	case int64, float64:
		return "a number"
	case []map[string]any:
		return "an array of tables"
	case []any:
		return "an array"
	case map[string]any:
		return "a table"
	}
	return "a date or time"
}
