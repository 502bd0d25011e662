package rewrite

import "strings"

// imageName returns the name:tag the module tags an image's tarball
// with, following the split rules shared with the Nix module
// (testdata/references.json): the name is everything before the tag and
// digest exactly as written; the tag is the text after the last `:` that
// follows the last `/`, else `latest`, and for a digest-only reference
// `<algorithm>-<first 12 hex digits>`. That is what `image` must name.
func imageName(ref string) string {
	name, digest, _ := strings.Cut(ref, "@")
	tag := ""
	if i := strings.LastIndex(name, ":"); i > strings.LastIndex(name, "/") {
		name, tag = name[:i], name[i+1:]
	}
	if tag == "" && digest != "" {
		alg, hex, _ := strings.Cut(digest, ":")
		tag = alg + "-" + hex[:min(12, len(hex))]
	}
	if tag == "" {
		tag = "latest"
	}
	return name + ":" + tag
}
