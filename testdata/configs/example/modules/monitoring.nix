{ config, lib, uptix, ... }:
let
  cfg = config.services.monitoring;
in
{
  options.services.monitoring.enable = lib.mkEnableOption "the monitoring stack";

  config = lib.mkIf cfg.enable {
    virtualisation.oci-containers.containers = with uptix; {
      grafana = {
        image = dockerImage "grafana/grafana:10.2.0";
        ports = [ "3000:3000" ];
      };
      prometheus = {
        image = dockerImage "quay.io/prometheus/prometheus:v2.48.0";
        cmd = [ "--config.file=/etc/prometheus/prometheus.yml" ];
      };
      loki = { image = dockerImage "grafana/loki:2.9.2"; };
    };
  };
}
