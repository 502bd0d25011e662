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
    computed = {
      imageFile = uptix.dockerImage "acme/app:${config.acme.tag}";  # want lint unresolved
      image = "acme/app:${config.acme.tag}";
    };
  };
}
