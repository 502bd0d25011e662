{ uptix, ... }:
{
  virtualisation.oci-containers.containers.tiny = {
    image = uptix.dockerImage "busybox:1.36"; # want dockerImage "busybox:1.36" role=image
  };
}
