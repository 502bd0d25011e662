{ uptix, ... }:
let
  dashboards = "grafana/grafana-oss:10.4.1";
in
{
  virtualisation.oci-containers.containers.dashboards = {
    image = uptix.dockerImage dashboards; # want dockerImage "grafana/grafana-oss:10.4.1" role=image
  };
}
