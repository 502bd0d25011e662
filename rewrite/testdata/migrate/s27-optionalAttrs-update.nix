{ config, lib, uptix, ... }:
{
  virtualisation.oci-containers.containers = {
    base.image = uptix.dockerImage "debian:bookworm-slim";  # want lint old-style
  } // lib.optionalAttrs config.acme.monitoring {
    exporter = { image = uptix.dockerImage "prom/node-exporter:v1.7.0"; };  # want lint old-style
  };
}
