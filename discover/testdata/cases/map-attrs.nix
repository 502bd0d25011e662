{ lib, uptix, ... }:
let
  images = {
    db = "postgres:16";
    cache = "redis:7";
  };
in
{
  virtualisation.oci-containers.containers =
    lib.mapAttrs (name: ref: { image = uptix.dockerImage ref; }) images; # want dockerImage "redis:7" "postgres:16" role=image
  byName = lib.genAttrs [ "grafana" "loki" ] (n: uptix.dockerImage "grafana/${n}:latest"); # want dockerImage "grafana/grafana:latest" "grafana/loki:latest"
  viaBuiltins = builtins.mapAttrs (_: uptix.dockerImage) { a = "a:1"; b = "b:2"; }; # want dockerImage "a:1" "b:2"
}
