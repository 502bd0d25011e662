# A reference with a digest: the tarball is tagged name:tag, or
# name:sha256-<12 hex> without a tag, and that is what image must name.
{ uptix, ... }:
let
  pinned = "alpine@sha256:37f3d2ad8ee5a5046be490b025f6b2c585c59ff1475176241e15bde91c1ee3a7";
in
{
  virtualisation.oci-containers.containers = {
    a.image = uptix.dockerImage "alpine@sha256:37f3d2ad8ee5a5046be490b025f6b2c585c59ff1475176241e15bde91c1ee3a7";  # want lint old-style
    b.image = uptix.dockerImage "alpine:3.19@sha256:37f3d2ad8ee5a5046be490b025f6b2c585c59ff1475176241e15bde91c1ee3a7";  # want lint old-style
    c.image = uptix.dockerImage pinned;  # want lint old-style manual
  };
}
