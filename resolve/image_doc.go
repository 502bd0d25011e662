// Package resolve finds what uptix's dependencies point to now and
// computes the hashes Nix will check: container images (this file's
// side) and GitHub branches and releases.
//
// # Images
//
// [ParseImageRef] reads references the way Docker, podman and skopeo
// do (name[:tag][@digest]; the first path element is a registry only
// when it is "localhost" or holds "." or ":"; Docker Hub names get
// "library/"), and rejects what they would reject, naming the rule:
// uppercase paths (with the lowercase spelling to use instead), empty
// tags, three underscores, URL schemes, 64-hex names.
//
// [FinalNameTag] gives the finalImageName and finalImageTag pullImage
// writes into the archive, so that `image = ref` names what
// `imageFile` loads. The name is the reference's name part as written;
// the tag is the tag as written, else "latest". A digest-only reference
// (alpine@sha256:…) cannot be tagged with its digest, and podman does
// not find a loaded image by the registry's digest, so it gets the tag
// [DigestTag]: the algorithm, "-" and the first 12 hex digits
// ("alpine:sha256-37f3d2ad8ee5"); write that in `image`. With a tag
// and a digest, the digest decides what is fetched and the tag is the
// label; `image` must then be name:tag without the digest.
// [LoadedName] gives what `image` must say in every case (checked
// against podman 4.3: a loaded archive is found by name and tag, never
// by the registry's digest). testdata/references.json holds the cases both this package and
// the Nix module are tested against.
//
// A [Resolver] asks registries with go-containerregistry:
//
//   - credentials from the docker config and its credential helpers
//     (authn.DefaultKeychain) unless Keychain is set;
//   - plain HTTP (and TLS without verification) only for localhost,
//     127.0.0.1, [::1] and the registries listed in Insecure; redirects
//     to plain HTTP elsewhere are refused;
//   - mirrors per registry, as in podman's registries.conf: the mirror
//     is asked first, the registry itself if the mirror fails; names,
//     tags and hashes stay those of the reference;
//   - retries after 429 and 5xx answers and dropped connections, waiting
//     as long as Retry-After says or backing off exponentially, within
//     RetryPolicy's attempts and time; a refused connection fails at once;
//   - a timeout per request, both for the answer and for a download that
//     stalls.
//
// [Resolver.HeadDigest] learns a tag's digest with one HEAD request (not
// counted by Docker Hub's pull limit). [Resolver.ResolveImage] picks each
// platform's manifest from an index as skopeo 1.22 does (see
// /work/shared/specs/docker-archive.md and choosePlatform), refuses what
// pullImage cannot build (schema 1, foreign or encrypted layers,
// artifacts), reads the version and creation time from the primary
// platform's config, and hashes each platform's docker-archive with
// internal/dockerarchive. Spellings of one image share one hash.
//
// Errors name the image and the registry and never hold credentials:
//
//	resolving image "ghcr.io/acme/app:1": registry "ghcr.io" says the image does not exist (404)
package resolve
