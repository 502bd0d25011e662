{ config, uptix, ... }:
with uptix;
{
  virtualisation.oci-containers.containers = {
    grafana.image = dockerImage "grafana/grafana:10.2.0";  # want lint old-style
    # `with` only supplies names that are not lexically bound elsewhere
    loki = { image = dockerImage "grafana/loki:2.9.2"; };  # want lint old-style
  };
}
