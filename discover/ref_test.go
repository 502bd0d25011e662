package discover

import (
	"errors"
	"strings"
	"testing"

	"github.com/google/go-containerregistry/pkg/name"
)

// The forms of image-references.md (in ../shared/specs), each checked
// here so that a change in go-containerregistry or in our grammar shows.
func TestCheckImageRefValid(t *testing.T) {
	digest := "sha256:" + strings.Repeat("0123456789abcdef", 4)
	for _, ref := range []string{
		"postgres",
		"postgres:15",
		"docker.io/postgres:15",
		"docker.io/library/postgres:15",
		"index.docker.io/library/nginx",
		"koenkk/zigbee2mqtt",
		"myhost/app",
		"localhost/app",
		"localhost:5000/app:dev",
		"registry.example.com:5000/team/app:1.0",
		"[::1]:5000/app",
		"ghcr.io/owner/group/sub/image:v1",
		"minio/minio:RELEASE.2024-05-10T01-41-38Z",
		"redis:7-Alpine",
		"gitea/act_runner:latest",
		"some/img:v1_beta",
		"alpine@" + digest,
		"alpine:3.19@" + digest,
		"a-b--c/d__e.f:x",
		"Registry.Example.com/app:1",
		"127.0.0.1:5000/a/b",
	} {
		if err := CheckImageRef(ref); err != nil {
			t.Errorf("CheckImageRef(%q) = %v, want nil", ref, err)
		}
	}
}

func TestCheckImageRefInvalid(t *testing.T) {
	for _, tt := range []struct{ ref, want string }{
		{"ghcr.io/Owner/image", `repository name must be lowercase: "ghcr.io/Owner/image" (try "ghcr.io/owner/image")`},
		{"Koenkk/zigbee2mqtt", `repository name must be lowercase: "Koenkk/zigbee2mqtt" (try "koenkk/zigbee2mqtt")`},
		{strings.Repeat("0123456789abcdef", 4), "64-character hex string is an image ID"},
		{"some/img:", `the tag after ":" is empty`},
		{":tag", "image name is missing"},
		{"a:b:c", `more than one ":" in "a:b:c"`},
		{"a___b/c", `component "a___b": a separator`},
		{"docker://x", `no URL scheme: remove "docker://" (try "x")`},
		{"https://ghcr.io/a/b", `no URL scheme`},
		{"", "empty"},
		{"alpine@sha256:abc", "exactly 64 lowercase hex digits"},
		{"alpine@", "digest after \"@\" is empty"},
		{"alpine@md5", "algorithm:hex"},
		{"x/-y:1", `component "-y": a separator`},
		{"x/y.:1", `component "y.": a separator`},
		{"a//b", "empty component"},
		{"a/b/", "empty component"},
		{"nginx:.bad", `tag ".bad" must start with`},
		{"nginx:" + strings.Repeat("x", 129), "at most 128"},
		{"ex ample/x", `contains ' '`},
		{" nginx", "white space"},
		{"bad_host.com:port/x", `registry "bad_host.com:port"`},
		{"ghcr.io/Ow$ner/x", `contains '$'`},
		{strings.Repeat("a", 256), "at most 255"},
	} {
		err := CheckImageRef(tt.ref)
		var re *RefError
		if !errors.As(err, &re) {
			t.Errorf("CheckImageRef(%q) = %v, want a *RefError", tt.ref, err)
			continue
		}
		if !strings.Contains(err.Error(), tt.want) {
			t.Errorf("CheckImageRef(%q) = %q, want it to contain %q", tt.ref, err, tt.want)
		}
	}
}

// TestImageRefMeaning checks that go-containerregistry reads each valid
// form of image-references.md as the table there says (it spells
// docker.io as index.docker.io).
func TestImageRefMeaning(t *testing.T) {
	digest := "sha256:" + strings.Repeat("0123456789abcdef", 4)
	for _, tt := range []struct{ ref, registry, repo, id string }{
		{"postgres", "index.docker.io", "library/postgres", "latest"},
		{"postgres:15", "index.docker.io", "library/postgres", "15"},
		{"docker.io/postgres:15", "index.docker.io", "library/postgres", "15"},
		{"docker.io/library/postgres:15", "index.docker.io", "library/postgres", "15"},
		{"index.docker.io/library/nginx", "index.docker.io", "library/nginx", "latest"},
		{"koenkk/zigbee2mqtt", "index.docker.io", "koenkk/zigbee2mqtt", "latest"},
		{"myhost/app", "index.docker.io", "myhost/app", "latest"},
		{"localhost/app", "localhost", "app", "latest"},
		{"localhost:5000/app:dev", "localhost:5000", "app", "dev"},
		{"registry.example.com:5000/team/app:1.0", "registry.example.com:5000", "team/app", "1.0"},
		{"[::1]:5000/app", "[::1]:5000", "app", "latest"},
		{"ghcr.io/owner/group/sub/image:v1", "ghcr.io", "owner/group/sub/image", "v1"},
		{"minio/minio:RELEASE.2024-05-10T01-41-38Z", "index.docker.io", "minio/minio", "RELEASE.2024-05-10T01-41-38Z"},
		{"redis:7-Alpine", "index.docker.io", "library/redis", "7-Alpine"},
		{"gitea/act_runner:latest", "index.docker.io", "gitea/act_runner", "latest"},
		{"some/img:v1_beta", "index.docker.io", "some/img", "v1_beta"},
		{"alpine@" + digest, "index.docker.io", "library/alpine", digest},
		{"alpine:3.19@" + digest, "index.docker.io", "library/alpine", digest},
	} {
		if err := CheckImageRef(tt.ref); err != nil {
			t.Errorf("CheckImageRef(%q) = %v", tt.ref, err)
			continue
		}
		ref, err := name.ParseReference(tt.ref)
		if err != nil {
			t.Errorf("name.ParseReference(%q) = %v", tt.ref, err)
			continue
		}
		got := []string{ref.Context().RegistryStr(), ref.Context().RepositoryStr(), ref.Identifier()}
		if want := []string{tt.registry, tt.repo, tt.id}; strings.Join(got, " ") != strings.Join(want, " ") {
			t.Errorf("%q reads as %q, want %q", tt.ref, got, want)
		}
	}
}
