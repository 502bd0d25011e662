# A call behind `or` is a default of a select: reported, not rewritten.
{ config, uptix, ... }:
{
  virtualisation.oci-containers.containers.api.image =
    config.acme.images.api or (uptix.dockerImage "acme/api:3.1");  # want lint old-style manual
}
