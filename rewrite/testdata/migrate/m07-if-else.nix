# A choice between calls cannot be split mechanically.
{ config, uptix, ... }:
{
  virtualisation.oci-containers.containers.pg.image =
    if config.acme.newPg
    then uptix.dockerImage "postgres:17"  # want lint old-style manual
    else uptix.dockerImage "postgres:16";  # want lint old-style manual
}
