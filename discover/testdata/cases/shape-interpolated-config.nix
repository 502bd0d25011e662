# Not constant: the tag comes from the module's configuration.
{ config, uptix, ... }:
{
  virtualisation.oci-containers.containers.jobs = {
    image = uptix.dockerImage "acme/worker:${config.acme.worker.version}"; # want dockerImage unresolved "`config.acme.worker.version`" role=image
  };
}
