# The old name pullDockerImage becomes dockerImage.
{ lib, uptix, ... }:
{
  virtualisation.oci-containers.containers = {
    old.image = uptix.pullDockerImage "traefik:v3.1";  # want lint old-style old-name
    newer = {
      imageFile = uptix.pullDockerImage "traefik:v3.2";  # want lint old-name
      image = "traefik:v3.2";
    };
    forced = {
      imageFile = lib.mkForce (uptix.pullDockerImage "traefik:v3.3");  # want lint old-name
      image = "traefik:v3.3";
    };
  };
}
