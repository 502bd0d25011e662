# `with uptix;` supplies the bare names.
{ config, uptix, ... }:
with uptix;
{
  virtualisation.oci-containers.containers = {
    dash.image = dockerImage "grafana/grafana:10.2.0"; # want dockerImage "grafana/grafana:10.2.0" role=image binding=dash.image
    logs = { image = dockerImage "grafana/loki:2.9.2"; }; # want dockerImage "grafana/loki:2.9.2" role=image
  };
}
