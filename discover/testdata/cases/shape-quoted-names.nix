# compose2nix-style output: quoted, dashed attribute names and mkOverride.
{ pkgs, lib, uptix, ... }:

{
  virtualisation.oci-containers.backend = "podman";

  # Containers
  virtualisation.oci-containers.containers."shop-db" = {
    image = uptix.dockerImage "docker.io/library/postgres:16"; # want dockerImage "docker.io/library/postgres:16" role=image
    environment = {
      "POSTGRES_DB" = "shop";
    };
    log-driver = "journald";
    extraOptions = [ "--network-alias=db" "--network=shop_default" ];
  };
  systemd.services."podman-shop-db".serviceConfig.Restart = lib.mkOverride 90 "always";
}
