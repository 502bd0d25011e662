# UNRESOLVABLE: the tag comes from module config, not a constant.
{ config, uptix, ... }:
{
  virtualisation.oci-containers.containers.worker = {
    image = uptix.dockerImage "acme/worker:${config.acme.worker.version}";  # want lint old-style unresolved
  };
}
