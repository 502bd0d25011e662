# New-style bindings with problems lint finds; migrate changes nothing.
{ config, uptix, ... }:
{
  virtualisation.oci-containers.containers = {
    ok = {
      imageFile = uptix.dockerImage "nginx:1.25";
      image = "nginx:1.25";
    };
    missing.imageFile = uptix.dockerImage "redis:7.2";  # want lint image-mismatch
    other = {
      imageFile = uptix.dockerImage "postgres:16";  # want lint image-mismatch
      image = "postgres:15";
    };
    unlocked = {
      imageFile = uptix.dockerImage "acme/not-in-lock:1.0";  # want lint not-locked
      image = "acme/not-in-lock:1.0";
    };
    digest = {
      imageFile = uptix.dockerImage "alpine@sha256:37f3d2ad8ee5a5046be490b025f6b2c585c59ff1475176241e15bde91c1ee3a7";  # want lint image-mismatch
      image = "alpine@sha256:37f3d2ad8ee5a5046be490b025f6b2c585c59ff1475176241e15bde91c1ee3a7";
    };
    digestTagged = {
      imageFile = uptix.dockerImage "alpine@sha256:37f3d2ad8ee5a5046be490b025f6b2c585c59ff1475176241e15bde91c1ee3a7";
      image = "alpine:sha256-37f3d2ad8ee5";
    };
    computed = {
      imageFile = uptix.dockerImage "acme/app:${config.acme.tag}";  # want lint unresolved
      image = "acme/app:${config.acme.tag}";
    };
  };
}
