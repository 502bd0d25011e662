# Two containers on one line each, and two in one line.
{ uptix, ... }:
{
  virtualisation.oci-containers.containers = {
    web = { image = uptix.dockerImage "nginx:1.27"; ports = [ "80:80" ]; };  # want lint old-style
    a = { image = uptix.dockerImage "alpine:3.20"; }; b = { image = uptix.dockerImage "busybox:1.37"; };  # want lint old-style old-style
  };
}
