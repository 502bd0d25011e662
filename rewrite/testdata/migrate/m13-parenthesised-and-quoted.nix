{ uptix, ... }:
{
  virtualisation.oci-containers.containers = {
    p = { image = (uptix.dockerImage "nginx:1.25"); };  # want lint old-style
    "q" = { "image" = uptix.dockerImage "redis:7.2"; };  # want lint old-style
    r."image" = uptix.dockerImage "alpine:3.19";  # want lint old-style
  };
}
