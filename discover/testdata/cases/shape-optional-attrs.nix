{ config, lib, uptix, ... }:
{
  virtualisation.oci-containers.containers = {
    base.image = uptix.dockerImage "debian:bookworm-slim"; # want dockerImage "debian:bookworm-slim"
  } // lib.optionalAttrs config.monitoring.enable {
    metrics = { image = uptix.dockerImage "prom/node-exporter:v1.7.0"; }; # want dockerImage "prom/node-exporter:v1.7.0"
  };
}
