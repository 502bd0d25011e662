{ uptix, ... }:
{
  virtualisation.oci-containers.containers.crlf = {
    image = uptix.dockerImage "busybox:1.36";  # CRLF line endings  # want lint old-style
  };
}
