# CRLF, dotted paths, two containers.
{ uptix, ... }:
{
  virtualisation.oci-containers.containers.one.image = uptix.dockerImage "redis:7.4";  # want lint old-style
  virtualisation.oci-containers.containers.two = {
    image =
      uptix.pullDockerImage "memcached:1.6";  # want lint old-style old-name
  };
}
