# The set already has imageFile: the binding is left alone and reported.
{ pkgs, uptix, ... }:
{
  virtualisation.oci-containers.containers = {
    a = {
      imageFile = pkgs.dockerTools.examples.redis;
      image = uptix.dockerImage "redis:7.2";  # want lint old-style manual
    };
    b.imageFile = pkgs.dockerTools.examples.nginx;
    b.image = uptix.dockerImage "nginx:1.25";  # want lint old-style manual
  };
}
