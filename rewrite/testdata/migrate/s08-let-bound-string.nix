{ uptix, ... }:
let
  grafanaImage = "grafana/grafana-oss:10.4.1";
in
{
  virtualisation.oci-containers.containers.grafana = {
    image = uptix.dockerImage grafanaImage;  # want lint old-style
  };
}
