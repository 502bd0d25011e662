# lint compares image's value, worked out like a call's argument, with
# what the tarball is tagged as, across nested and dotted bindings of the
# container; invalid references get invalid-ref and nothing else. Nothing
# here is old style: migrate changes nothing.
{ config, uptix, ... }:
let
  pin = "alpine@sha256:37f3d2ad8ee5a5046be490b025f6b2c585c59ff1475176241e15bde91c1ee3a7";
  other = "redis:7";
  pg = "postgres:15";
in
{
  c.a = { imageFile = uptix.dockerImage pin; image = pin; };  # want lint image-mismatch
  c.b = { imageFile = uptix.dockerImage pin; image = "alpine:sha256-37f3d2ad8ee5"; };
  c.d = { imageFile = uptix.dockerImage "postgres:15"; image = other; };  # want lint image-mismatch
  c.e = { imageFile = uptix.dockerImage "postgres:15"; image = pg; };
  c.f = { imageFile = uptix.dockerImage pg; image = "docker.io/library/${pg}"; };
  c.g = { imageFile = uptix.dockerImage pg; image = config.images.pg; };
  containers.y = { imageFile = uptix.dockerImage "y:1"; };
  containers.y.image = "y:1";
  containers.z = { imageFile = uptix.dockerImage "z:1"; };  # want lint image-mismatch
  containers.z.image = "z:2";
  containers = {
    v.imageFile = uptix.dockerImage "v:1";  # want lint image-mismatch
    u.imageFile = uptix.dockerImage "u:1";
  };
  containers.v = { image = other; };
  containers.u = { image = "u:1"; };
  c.h = { imageFile = uptix.dockerImage pin; };  # want lint image-mismatch
  c.i = { imageFile = uptix.dockerImage "docker://x"; image = "x"; };  # want lint invalid-ref
  c.j = { imageFile = uptix.dockerImage "a:b:c"; image = "a:b:c"; };  # want lint invalid-ref
  c.k = { imageFile = uptix.dockerImage "Postgres:15"; image = "Postgres:15"; };  # want lint invalid-ref
}
